import * as crypto from 'crypto';
import * as vm from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { ApiRoutes, ApiTarget, GlobalPlatform } from '../../../src';
import { AuthorizerIo, authorizeRequest, checkOrigin, JwtConfig, verifyJwt } from '../../../src/routing/private/origin-check';
import { errorOf } from '../../helpers/errors';
import { ENV, georgiPlatform, synthPlatform } from '../../helpers/fixtures';
import { onlyOne, resources } from '../../helpers/templates';

// The front door's request authorizers: the logic (called directly, with real RSA keys and
// signatures), the inline code as Lambda would load it, and the resources around it.

const SECRET = 'current-secret-value-0123456789';
const PREVIOUS = 'previous-secret-value-9876543210';
const ISSUER = 'https://issuer.example.com';
const JWKS_URI = 'https://issuer.example.com/keys';
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'RS256', use: 'sig' };

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A signed JWT (RS256 with the test key unless told otherwise). */
function token(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: crypto.KeyObject = privateKey): string {
  const h = { alg: 'RS256', typ: 'JWT', kid: 'key-1', ...header };
  const hashes: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
  const hash = Object.prototype.hasOwnProperty.call(hashes, h.alg as string) ? hashes[h.alg as string] : 'sha256';
  const input = `${b64(h)}.${b64(claims)}`;
  return `${input}.${crypto.sign(hash, Buffer.from(input), key).toString('base64url')}`;
}

const seconds = Math.floor(NOW / 1000);
const GOOD = { iss: ISSUER, aud: 'app', sub: 'user-1', scope: 'read', exp: seconds + 600, iat: seconds - 10 };

interface FakeIo extends AuthorizerIo {
  fetched: string[];
  time: number;
}

function io(options: { secrets?: string[]; keys?: unknown[] } = {}): FakeIo {
  const fake: FakeIo = {
    fetched: [],
    time: NOW,
    crypto,
    secrets: async () => options.secrets ?? [SECRET],
    fetchJson: async (url: string) => {
      fake.fetched.push(url);
      if (url === `${ISSUER}/.well-known/openid-configuration`) return { issuer: ISSUER, jwks_uri: JWKS_URI };
      if (url === JWKS_URI) return { keys: options.keys ?? [jwk] };
      throw new Error(`GET ${url}: 404`);
    },
    now: () => fake.time,
  };
  return fake;
}

const CONFIG: JwtConfig = { issuer: ISSUER, audience: ['app', 'other-app'], jwksUri: '' };

describe('checkOrigin', () => {
  test('the current secret in x-origin-verify: through the front door', async () => {
    expect(await checkOrigin({ headers: { 'x-origin-verify': SECRET } }, io())).toBe(true);
  });

  test('during a rotation the previous value is accepted too', async () => {
    const rotating = io({ secrets: [SECRET, PREVIOUS] });
    expect(await checkOrigin({ headers: { 'x-origin-verify': PREVIOUS } }, rotating)).toBe(true);
    expect(await checkOrigin({ headers: { 'x-origin-verify': SECRET } }, rotating)).toBe(true);
  });

  test.each([
    ['a wrong value', { 'x-origin-verify': 'guess' }],
    ['the value with a suffix', { 'x-origin-verify': `${SECRET}x` }],
    ['a prefix of the value', { 'x-origin-verify': SECRET.slice(0, 10) }],
    ['an empty header', { 'x-origin-verify': '' }],
    ['no header', {}],
    ['the secret in another header', { 'x-origin-verifyx': SECRET }],
  ])('%s: refused', async (_, headers) => {
    expect(await checkOrigin({ headers }, io())).toBe(false);
  });

  test('no accepted value (the secret could not be read as a string): refused', async () => {
    expect(await checkOrigin({ headers: { 'x-origin-verify': SECRET } }, io({ secrets: [] }))).toBe(false);
    expect(await checkOrigin({ headers: { 'x-origin-verify': '' } }, io({ secrets: [''] }))).toBe(false);
  });
});

describe('verifyJwt (the checks of API Gateway\'s JWT authorizer)', () => {
  const verify = (authorization: string | undefined, fake = io(), config = CONFIG) => verifyJwt(authorization, config, fake, {});

  test('a valid RS256 token: its claims, the key set found through the discovery document', async () => {
    const fake = io();
    expect(await verify(`Bearer ${token(GOOD)}`, fake)).toEqual(GOOD);
    expect(fake.fetched).toEqual([`${ISSUER}/.well-known/openid-configuration`, JWKS_URI]);
  });

  test('RS384 and RS512 are accepted (by a key that names no alg); the Bearer prefix is optional', async () => {
    const { alg, ...anyAlg } = jwk;
    expect(alg).toBe('RS256');
    expect(await verify(token(GOOD, { alg: 'RS384' }), io({ keys: [anyAlg] }))).toEqual(GOOD);
    expect(await verify(`bearer ${token(GOOD, { alg: 'RS512' })}`, io({ keys: [anyAlg] }))).toEqual(GOOD);
  });

  test('with jwtJwksEndpoint the key set is read from it, without discovery', async () => {
    const fake = io();
    expect(await verify(token(GOOD), fake, { ...CONFIG, jwksUri: JWKS_URI })).toEqual(GOOD);
    expect(fake.fetched).toEqual([JWKS_URI]);
  });

  test('client_id instead of aud (Cognito access tokens) is accepted, and aud may be a list', async () => {
    const { aud, ...noAud } = GOOD;
    expect(aud).toBe('app');
    expect(await verify(token({ ...noAud, client_id: 'other-app' }))).toBeDefined();
    expect(await verify(token({ ...GOOD, aud: ['x', 'other-app'] }))).toBeDefined();
  });

  test('client_id counts only without aud (as API Gateway): a token for another API is refused', async () => {
    expect(await verify(token({ ...GOOD, aud: 'another-api', client_id: 'app' }))).toBeUndefined();
  });

  test('keys whose use is not sig, or whose alg is not the token\'s, are refused', async () => {
    expect(await verify(token(GOOD), io({ keys: [{ ...jwk, use: 'enc' }] }))).toBeUndefined();
    expect(await verify(token(GOOD), io({ keys: [{ ...jwk, alg: 'RS512' }] }))).toBeUndefined();
    expect(await verify(token(GOOD, { alg: 'constructor' }))).toBeUndefined();
    expect(await verify(token(GOOD, { alg: 'toString' }))).toBeUndefined();
  });

  test('when the issuer is down, the keys it gave are used for up to 2 hours', async () => {
    const fake = io();
    const cache = {};
    expect(await verifyJwt(token(GOOD), CONFIG, fake, cache)).toBeDefined();
    fake.fetchJson = async () => {
      throw new Error('issuer down');
    };
    fake.time += 11 * 60_000;
    expect(await verifyJwt(token({ ...GOOD, exp: Math.floor(fake.time / 1000) + 60 }), CONFIG, fake, cache)).toBeDefined();
    fake.time += 2 * 3_600_000;
    await expect(verifyJwt(token({ ...GOOD, exp: Math.floor(fake.time / 1000) + 60 }), CONFIG, fake, cache)).rejects.toThrow('issuer down');
  });

  test.each<[string, () => string]>([
    ['signed by another key', () => token(GOOD, {}, other.privateKey)],
    ['an unknown kid', () => token(GOOD, { kid: 'key-2' })],
    ['no kid', () => token(GOOD, { kid: undefined })],
    ['alg none', () => `${b64({ alg: 'none', kid: 'key-1' })}.${b64(GOOD)}.`],
    ['alg HS256 with the public key as secret', () => {
      const input = `${b64({ alg: 'HS256', kid: 'key-1' })}.${b64(GOOD)}`;
      const mac = crypto.createHmac('sha256', publicKey.export({ format: 'pem', type: 'spki' })).update(input).digest('base64url');
      return `${input}.${mac}`;
    }],
    ['a changed payload', () => {
      const [h, , sig] = token(GOOD).split('.');
      return `${h}.${b64({ ...GOOD, sub: 'admin' })}.${sig}`;
    }],
    ['another issuer', () => token({ ...GOOD, iss: 'https://evil.example.com' })],
    ['the issuer with a trailing slash', () => token({ ...GOOD, iss: `${ISSUER}/` })],
    ['another audience', () => token({ ...GOOD, aud: 'someone-else' })],
    ['no audience', () => token({ ...GOOD, aud: undefined })],
    ['expired', () => token({ ...GOOD, exp: seconds - 1 })],
    ['expiring now', () => token({ ...GOOD, exp: seconds })],
    ['no exp', () => token({ ...GOOD, exp: undefined })],
    ['exp as a string', () => token({ ...GOOD, exp: String(seconds + 600) })],
    ['not before the future', () => token({ ...GOOD, nbf: seconds + 60 })],
    ['issued in the future', () => token({ ...GOOD, iat: seconds + 60 })],
    ['two parts', () => token(GOOD).split('.').slice(0, 2).join('.')],
    ['not base64 JSON', () => 'a.b.c'],
  ])('%s: refused', async (_, make) => {
    expect(await verify(`Bearer ${make()}`)).toBeUndefined();
  });

  test('no Authorization header: refused without fetching keys', async () => {
    const fake = io();
    expect(await verify(undefined, fake)).toBeUndefined();
    expect(fake.fetched).toEqual([]);
  });

  test('the key set is cached for 10 minutes, and fetched again at once for a new kid (at most once a minute)', async () => {
    const fake = io();
    const cache = {};
    await verifyJwt(token(GOOD), CONFIG, fake, cache);
    fake.time += 30_000;
    await verifyJwt(token(GOOD), CONFIG, fake, cache);
    expect(fake.fetched).toHaveLength(2);
    // An unknown kid within the minute: no new fetch (a flood of bad kids cannot hammer the issuer).
    expect(await verifyJwt(token(GOOD, { kid: 'rotated' }), CONFIG, fake, cache)).toBeUndefined();
    expect(fake.fetched).toHaveLength(2);
    fake.time += 40_000;
    expect(await verifyJwt(token(GOOD, { kid: 'rotated' }), CONFIG, fake, cache)).toBeUndefined();
    expect(fake.fetched).toHaveLength(4);
    fake.time += 11 * 60_000;
    await verifyJwt(token({ ...GOOD, exp: Math.floor(fake.time / 1000) + 60 }), CONFIG, fake, cache);
    expect(fake.fetched).toHaveLength(6);
  });
});

describe('authorizeRequest', () => {
  const run = (headers: Record<string, string>, jwt: JwtConfig | null = CONFIG) =>
    authorizeRequest({ headers }, jwt ?? undefined, io(), {}, checkOrigin, verifyJwt);

  test('origin only: authorized with the header, no context', async () => {
    expect(await run({ 'x-origin-verify': SECRET }, null)).toEqual({ isAuthorized: true });
    expect(await run({ 'x-origin-verify': 'nope' }, null)).toEqual({ isAuthorized: false });
  });

  test('with a JWT: both the header and the token; the claims in the context', async () => {
    expect(await run({ 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(GOOD)}` })).toEqual({
      isAuthorized: true,
      context: { sub: 'user-1', scope: 'read', claims: JSON.stringify(GOOD) },
    });
  });

  test('a valid token without the header (a direct call with a stolen token): refused', async () => {
    expect(await run({ authorization: `Bearer ${token(GOOD)}` })).toEqual({ isAuthorized: false });
  });

  test('the header with a bad token, or none: refused', async () => {
    expect(await run({ 'x-origin-verify': SECRET, 'authorization': `Bearer ${token({ ...GOOD, exp: 1 })}` })).toEqual({ isAuthorized: false });
    expect(await run({ 'x-origin-verify': SECRET })).toEqual({ isAuthorized: false });
  });

  test('an issuer whose keys cannot be fetched: refused, and the reason logged', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const result = await authorizeRequest({ headers: { 'x-origin-verify': SECRET, 'authorization': token(GOOD) } },
        { ...CONFIG, issuer: 'https://down.example.com' }, io(), {}, checkOrigin, verifyJwt);
      expect(result).toEqual({ isAuthorized: false });
      expect(error.mock.calls[0][0]).toMatch(/^jwt check failed: GET https:\/\/down\.example\.com\/\.well-known\/openid-configuration: 404$/);
    } finally {
      error.mockRestore();
    }
  });
});

// ------------------------------------------------------------------------- the deployed code

interface Deployed {
  readonly code: string;
  readonly environment: Record<string, string>;
}

function functionOf(template: Template, match: (r: any) => boolean): Deployed {
  const [, fn] = onlyOne(template, 'AWS::Lambda::Function', match);
  expect(typeof fn.Properties.Code.ZipFile).toBe('string');
  return { code: fn.Properties.Code.ZipFile, environment: fn.Properties.Environment.Variables };
}

/**
 * Loads the inline code as Lambda's Node.js runtime loads index.js, with a stand-in for the
 * runtime's AWS SDK (Secrets Manager's GetSecretValue by version stage) and for `fetch`.
 */
function load(deployed: Deployed, versions: Record<string, string>, fetchJson: Record<string, unknown> = {}, clock = { now: Date.now() }) {
  const calls: Array<Record<string, string>> = [];
  class GetSecretValueCommand {
    constructor(public readonly input: Record<string, string>) {}
  }
  class SecretsManagerClient {
    async send(command: GetSecretValueCommand) {
      calls.push(command.input);
      const value = versions[command.input.VersionStage];
      if (value === undefined) throw Object.assign(new Error('no such version'), { name: 'ResourceNotFoundException' });
      return { SecretString: value };
    }
  }
  const module = { exports: {} as { handler: (event: unknown) => Promise<unknown> } };
  const environment = Object.fromEntries(Object.entries(deployed.environment).map(([k, v]) => [k, typeof v === 'string' ? v : 'arn:secret']));
  const context = vm.createContext({
    module,
    exports: module.exports,
    Buffer,
    console,
    AbortSignal,
    clock,
    process: { env: environment },
    require: (name: string) => {
      if (name === 'crypto') return crypto;
      if (name === '@aws-sdk/client-secrets-manager') return { SecretsManagerClient, GetSecretValueCommand };
      throw new Error(`unexpected require ${name}`);
    },
    fetch: async (url: string) => ({ ok: url in fetchJson, status: url in fetchJson ? 200 : 404, json: async () => fetchJson[url] }),
  });
  // The context's own Date: its now() follows the test's clock.
  vm.runInContext('Date.now = () => clock.now;', context);
  new vm.Script(deployed.code, { filename: 'index.js' }).runInContext(context);
  return { handler: module.exports.handler, calls };
}

describe('the platform\'s origin check, as deployed', () => {
  let template: Template;
  beforeAll(() => {
    template = synthPlatform().template;
  });
  const origin = () => functionOf(template, r => r.Properties.Environment?.Variables?.SECRET_ARN !== undefined);

  test('the inline code authorizes the current and the previous value and nothing else', async () => {
    const { handler, calls } = load(origin(), { AWSCURRENT: SECRET, AWSPREVIOUS: PREVIOUS });
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
    expect(await handler({ headers: { 'x-origin-verify': PREVIOUS } })).toEqual({ isAuthorized: true });
    expect(await handler({ headers: { 'x-origin-verify': 'guess' } })).toEqual({ isAuthorized: false });
    // One read of each version, kept for the next requests.
    expect(calls).toEqual([
      { SecretId: 'arn:secret', VersionStage: 'AWSCURRENT' },
      { SecretId: 'arn:secret', VersionStage: 'AWSPREVIOUS' },
    ]);
  });

  test('a value it does not know makes it read the secret again before refusing (a rotation)', async () => {
    const versions: Record<string, string> = { AWSCURRENT: SECRET };
    const clock = { now: NOW };
    const { handler, calls } = load(origin(), versions, {}, clock);
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
    clock.now += 60_000;
    versions.AWSCURRENT = 'rotated-value-000000000000000000';
    versions.AWSPREVIOUS = SECRET;
    expect(await handler({ headers: { 'x-origin-verify': 'rotated-value-000000000000000000' } })).toEqual({ isAuthorized: true });
    expect(calls).toHaveLength(4);
    // A wrong value within 10 seconds does not read it again (guessing cannot hammer Secrets Manager).
    expect(await handler({ headers: { 'x-origin-verify': 'guess' } })).toEqual({ isAuthorized: false });
    expect(calls).toHaveLength(4);
  });

  test('a secret without a previous version (before the first rotation) works', async () => {
    const { handler } = load(origin(), { AWSCURRENT: SECRET });
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
  });

  test('runs on Node.js 24, arm64, 128 MB, with a role that reads only the secret and writes its logs', () => {
    const [, fn] = onlyOne(template, 'AWS::Lambda::Function', r => r.Properties.Environment?.Variables?.SECRET_ARN !== undefined);
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 128, Timeout: 10 });
    const [secretId] = onlyOne(template, 'AWS::SecretsManager::Secret');
    expect(fn.Properties.Environment.Variables.SECRET_ARN).toEqual({ Ref: secretId });
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources(template, 'AWS::IAM::Policy'))
      .filter(p => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(statements.map(x => x.Action).sort()).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], 'secretsmanager:GetSecretValue']);
    expect(statements.find(x => x.Action === 'secretsmanager:GetSecretValue').Resource).toEqual({ Ref: secretId });
  });

  test('API Gateway may call it for the authorizers of the platform\'s API only', () => {
    const [, permission] = onlyOne(template, 'AWS::Lambda::Permission', r => JSON.stringify(r.Properties.SourceArn).includes('authorizers'));
    const [apiId] = onlyOne(template, 'AWS::ApiGatewayV2::Api');
    expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
    expect(permission.Properties.SourceArn['Fn::Join'][1]).toEqual(expect.arrayContaining([{ Ref: apiId }, '/authorizers/*']));
  });

  test('the secret is generated (48 letters and digits) and retained with the platform', () => {
    const [, secret] = onlyOne(template, 'AWS::SecretsManager::Secret');
    expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false });
    expect((secret as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  test('CloudFront sends it to the HTTP API origin as x-origin-verify, through a dynamic reference (no value in the template)', () => {
    const [, distribution] = onlyOne(template, 'AWS::CloudFront::Distribution');
    const [secretId] = onlyOne(template, 'AWS::SecretsManager::Secret');
    const apiOrigins = distribution.Properties.DistributionConfig.Origins.filter((o: any) => o.CustomOriginConfig);
    expect(apiOrigins).toHaveLength(1);
    expect(apiOrigins[0].OriginCustomHeaders).toEqual([{
      HeaderName: 'x-origin-verify',
      HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
    }]);
  });

  test('a CloudFront Function sets x-viewer-address to the viewer\'s IP on every behaviour, replacing a client\'s value', () => {
    const fresh = synthPlatform({ longLivedConnections: {} }).template;
    const [fnId, fn] = onlyOne(fresh, 'AWS::CloudFront::Function');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const code: string = fn.Properties.FunctionCode;
    // Run it as CloudFront would: a viewer request with a forged header.
    const handler = new Function(`${code}; return handler;`)();
    const request = { headers: { 'x-viewer-address': { value: '10.0.0.1' }, 'host': { value: 'api.georgi.io' } } };
    expect(handler({ request, viewer: { ip: '203.0.113.7' } }).headers).toEqual({
      'x-viewer-address': { value: '203.0.113.7' }, 'host': { value: 'api.georgi.io' },
    });
    const [, distribution] = onlyOne(fresh, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const behaviours = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    expect(behaviours.length).toBeGreaterThan(2);
    for (const behaviour of behaviours) {
      expect(behaviour.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }]);
    }
    expect(GlobalPlatform.VIEWER_ADDRESS_HEADER).toBe('x-viewer-address');
  });

  test('the platform publishes the secret and the function for service apps', () => {
    const names = Object.values(resources(template, 'AWS::SSM::Parameter')).map(p => p.Properties.Name);
    expect(names).toEqual(expect.arrayContaining([
      '/platform/georgi/front-door/origin-secret-arn', '/platform/georgi/front-door/origin-authorizer-function-arn',
    ]));
  });

  test('GlobalPlatform.ORIGIN_VERIFY_HEADER names the header', () => {
    expect(GlobalPlatform.ORIGIN_VERIFY_HEADER).toBe('x-origin-verify');
  });
});

describe('a JWT service\'s authorizer, as deployed', () => {
  test('checks the header and the token against the issuer\'s keys', async () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const platform = georgiPlatform(stack);
    new ApiRoutes(stack, 'Routes', {
      platform,
      serviceName: 'jessica',
      target: ApiTarget.httpUrl('https://jessica.example.com'),
      jwtIssuer: ISSUER,
      jwtAudience: ['app'],
    });
    const deployed = functionOf(Template.fromStack(stack), r => r.Properties.Environment?.Variables?.JWT_ISSUER !== undefined);
    const { handler } = load(deployed, { AWSCURRENT: SECRET }, {
      [`${ISSUER}/.well-known/openid-configuration`]: { jwks_uri: JWKS_URI },
      [JWKS_URI]: { keys: [jwk] },
    });
    const fresh = { ...GOOD, exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) - 5 };
    expect(await handler({ headers: { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(fresh)}` } }))
      .toMatchObject({ isAuthorized: true, context: { sub: 'user-1' } });
    expect(await handler({ headers: { authorization: `Bearer ${token(fresh)}` } })).toEqual({ isAuthorized: false });
    expect(await handler({ headers: { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token({ ...fresh, aud: 'x' })}` } }))
      .toEqual({ isAuthorized: false });
  });
});

describe('originSecretRotation', () => {
  test('the label is the staging label in the reference, so a new label changes the template text', () => {
    const header = (rotation?: string) => {
      const { template } = synthPlatform({ originSecretRotation: rotation });
      const [, distribution] = onlyOne(template, 'AWS::CloudFront::Distribution');
      const origin = distribution.Properties.DistributionConfig.Origins.find((o: any) => o.OriginCustomHeaders);
      return JSON.stringify(origin.OriginCustomHeaders[0].HeaderValue);
    };
    expect(header()).toMatch(/:SecretString:::}}"\]\]}$/);
    expect(header('2026-12-01')).toMatch(/:SecretString::2026-12-01:}}"\]\]}$/);
    expect(header('2027-01-01')).not.toBe(header('2026-12-01'));
  });

  test.each(['', 'a'.repeat(41), 'new/line', 'x\ny', 'with space', 'AWSCURRENT'])('refuses %j, naming the prop', label => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(errorOf(() => georgiPlatform(stack, { originSecretRotation: label })).message).toMatch(
      /originSecretRotation .*expected a staging label of 1 to 40 letters, digits and \. _ - that does not start with AWS/);
  });
});

describe('a service with its own authorizer', () => {
  test('is warned that its routes skip the origin check', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const platform = georgiPlatform(stack);
    new ApiRoutes(stack, 'Routes', {
      platform,
      serviceName: 'custom',
      target: ApiTarget.httpUrl('https://custom.example.com'),
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('replaces the front door\'s origin check'));
    expect(warnings).toHaveLength(1);
  });
});
