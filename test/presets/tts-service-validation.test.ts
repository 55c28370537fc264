import * as path from 'path';
import { Lazy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ServiceSchedule, TtsService, TtsServiceProps } from '../../src';
import { serviceFactory } from '../helpers/fixtures';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1');
const SITE = path.join(__dirname, '../fixtures/site');

const { make, messageOf } = serviceFactory<TtsServiceProps, TtsService>((stack, platform, n, props) =>
  new TtsService(stack, `Tts${n}`, { platform, serviceName: `tts${n}`, image: IMAGE, ...props }));

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('size, ports, capacities and schedule (checked by the container service)', () => {
  test('a cpu/memory pair Fargate does not offer is refused, naming the allowed memory', () => {
    expect(messageOf({ cpu: 512, memoryLimitMiB: 512 })).toMatch(
      /^Platform\/Tts\d+\/Service: invalid memoryLimitMiB 512: with cpu 512 Fargate allows 1024 to 4096 MiB in steps of 1024$/);
  });

  test('a schedule ending before it starts is refused', () => {
    expect(messageOf({ schedule: ServiceSchedule.weekdays(19, 7) })).toMatch(
      /^Platform\/Tts\d+\/Service: invalid schedule "19-7": the end hour must be a whole hour from 1 to 24 \(UTC\), later than the start$/);
  });

  test('a port out of range is refused', () => {
    expect(messageOf({ containerPort: 70000 })).toMatch(
      /^Platform\/Tts\d+\/Service: invalid containerPort 70000: expected a whole number from 1 to 65535$/);
  });

  test('minCapacity above maxCapacity is refused, naming the maximum', () => {
    expect(messageOf({ minCapacity: 3, maxCapacity: 2 })).toMatch(
      /^Platform\/Tts\d+\/Service: invalid minCapacity 3: at most maxCapacity \(2\)$/);
  });

  test('cpuTargetUtilizationPercent out of range is refused', () => {
    expect(messageOf({ cpuTargetUtilizationPercent: 95 })).toMatch(
      /^Platform\/Tts\d+\/Service: invalid cpuTargetUtilizationPercent 95: expected a whole number from 10 to 90$/);
  });
});

describe('names and the frontend folder', () => {
  test('a service name that is not DNS-safe is refused by TtsService itself', () => {
    expect(messageOf({ serviceName: 'Jessica_TTS' })).toMatch(
      /^Platform\/Tts\d+: invalid serviceName "Jessica_TTS": expected 2-32 characters of a-z, 0-9 and "-", starting with a letter/);
  });

  test('a missing frontend folder is refused, naming frontendPath (not the static site\'s sourcePath)', () => {
    const missing = path.join(SITE, 'missing');
    const message = messageOf({ frontendPath: missing });
    expect(message).toMatch(new RegExp(`^Platform/Tts\\d+: invalid frontendPath ${escape(JSON.stringify(missing))}: `
      + `expected a folder with the built web page; ${escape(missing)} does not exist or is not a folder$`));
    expect(message).not.toContain('sourcePath');
  });

  test('a file as the frontend folder is refused, naming frontendPath', () => {
    expect(messageOf({ frontendPath: path.join(SITE, 'index.html') }))
      .toMatch(/^Platform\/Tts\d+: invalid frontendPath ".*index\.html": expected a folder with the built web page; .* is not a folder$/);
  });

  test('a frontend folder without index.html is refused, naming frontendPath', () => {
    expect(messageOf({ frontendPath: path.join(__dirname, '../fixtures') }))
      .toMatch(/^Platform\/Tts\d+: invalid frontendPath ".*fixtures": expected the folder to contain index\.html; .* has none$/);
  });

  test('an empty frontendPath is refused instead of silently meaning no frontend', () => {
    expect(messageOf({ frontendPath: '' }))
      .toMatch(/^Platform\/Tts\d+: invalid frontendPath "": expected a folder with the built web page; leave frontendPath out for no frontend$/);
  });
});

describe('default voice and model (the container\'s startup rules)', () => {
  test('a voice id the container would refuse is refused, naming defaultVoiceId', () => {
    expect(messageOf({ defaultVoiceId: 'voice-123' })).toMatch(
      /^Platform\/Tts\d+: invalid defaultVoiceId "voice-123": expected an ElevenLabs voice id of 10 to 40 letters and digits such as "cgSgspJ2msm6clMCkdW9" \(the container refuses any other DEFAULT_VOICE_ID at startup\)$/);
  });

  test('a model id the container would refuse is refused, naming defaultModelId', () => {
    expect(messageOf({ defaultModelId: 'Eleven-Flash' })).toMatch(
      /^Platform\/Tts\d+: invalid defaultModelId "Eleven-Flash": expected an ElevenLabs model id of 2 to 64 characters of a-z, 0-9 and "_" such as "eleven_flash_v2_5" \(the container refuses any other DEFAULT_MODEL_ID at startup\)$/);
  });

  test.each([
    ['defaultVoiceId', 'short9'],
    ['defaultVoiceId', 'a'.repeat(41)],
    ['defaultVoiceId', ' cgSgspJ2msm6clMCkdW9'],
    ['defaultModelId', 'x'],
    ['defaultModelId', 'm'.repeat(65)],
    ['defaultModelId', 'eleven flash'],
  ])('%s %j is refused', (prop, value) => {
    expect(messageOf({ [prop]: value })).toMatch(new RegExp(`^Platform/Tts\\d+: invalid ${prop} ${escape(JSON.stringify(value))}: `));
  });

  test('ids at the limits of the container\'s patterns are accepted', () => {
    expect(() => make({ defaultVoiceId: 'A1b2C3d4E5', defaultModelId: 'm2' })).not.toThrow();
    expect(() => make({ defaultVoiceId: 'Z'.repeat(40), defaultModelId: 'eleven_multilingual_v2' + '_'.repeat(42) })).not.toThrow();
  });

  test('unresolved ids are left to the container', () => {
    expect(() => make({
      defaultVoiceId: Lazy.string({ produce: () => 'not checked' }),
      defaultModelId: Lazy.string({ produce: () => 'not checked' }),
    })).not.toThrow();
  });
});

describe('environment', () => {
  test('a variable TtsService sets itself is refused, naming environment, the key and what to use instead', () => {
    expect(messageOf({ environment: { FEATURE_X: 'on', PORT: '8080' } }))
      .toMatch(/^Platform\/Tts\d+: invalid environment "PORT": set by TtsService; use containerPort instead$/);
  });

  test.each([
    ['SERVICE_NAME', 'change serviceName instead'],
    ['CONFIG_PARAMETER_NAME', 'it cannot be replaced'],
    ['ROOT_PATH', 'change serviceName instead'],
    ['HOST', 'it cannot be replaced'],
    ['ELEVENLABS_API_KEY', 'use elevenLabsSecret (and elevenLabsSecretField) instead, never a plain variable'],
    ['ELEVEN_LABS_API_KEY', 'use elevenLabsSecret (and elevenLabsSecretField) instead'],
    ['ELEVENLABS_BASE_URL', 'use elevenLabsBaseUrl instead'],
    ['DEFAULT_VOICE_ID', 'use defaultVoiceId instead'],
    ['DEFAULT_MODEL_ID', 'use defaultModelId instead'],
  ])('environment %s is refused: %s', (name, instead) => {
    expect(messageOf({ environment: { [name]: 'x' } }))
      .toMatch(new RegExp(`^Platform/Tts\\d+: invalid environment "${name}": .*${escape(instead)}$`));
  });

  test('CORS_ALLOW_ORIGINS is refused with a frontend (TtsService sets the frontend\'s origin)', () => {
    expect(messageOf({ frontendPath: SITE, environment: { CORS_ALLOW_ORIGINS: '*' } }))
      .toMatch(/^Platform\/Tts\d+: invalid environment "CORS_ALLOW_ORIGINS": set by TtsService to the frontend's origin while frontendPath is set/);
  });

  test('CORS_ALLOW_ORIGINS is accepted without a frontend', () => {
    const tts = make({ environment: { CORS_ALLOW_ORIGINS: 'https://app.example.com' } });
    expect(tts.frontend).toBeUndefined();
  });

  test('ordinary variables are accepted', () => {
    expect(() => make({ environment: { FEATURE_X: 'on', MAX_TEXT_LENGTH: '8000' } })).not.toThrow();
  });

  test('LOG_LEVEL may be overridden with a level the container accepts', () => {
    expect(() => make({ environment: { LOG_LEVEL: 'debug' } })).not.toThrow();
    expect(() => make({ environment: { LOG_LEVEL: 'WARN' } })).not.toThrow();
  });

  test('a LOG_LEVEL the container would refuse is refused', () => {
    expect(messageOf({ environment: { LOG_LEVEL: 'verbose' } })).toMatch(
      /^Platform\/Tts\d+: invalid environment "LOG_LEVEL=verbose": expected one of fatal, error, warn, info, debug, trace, silent \(the container refuses any other LOG_LEVEL at startup\)$/);
  });
});
