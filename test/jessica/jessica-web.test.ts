/// <reference lib="dom" />
/**
 * The reference web page (`integ/jessica/web/`) in headless Chromium, served the way `TtsService`
 * deploys it: the files and `config.json` are the exact asset folders a synthesized TtsService
 * uploads, the response headers (Content-Security-Policy and the rest) are those of its
 * CloudFront response headers policy, unknown paths get the app shell like its SPA fallback, and
 * the reference app runs on loopback with the container environment from the same template.
 *
 * The one change from a real deploy: `https://api.georgi.io`, `wss://api.georgi.io` and
 * `https://jessica.georgi.io` are mapped to the loopback origins of the app and the page, in
 * config.json, the CSP and CORS_ALLOW_ORIGINS alike. ElevenLabs is a local stand-in (tests only)
 * that streams a real MP3.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { ElevenLabsStandIn, HELLO_MP3, STAND_IN_VOICES } from './elevenlabs-stand-in';
import { mp3DurationSeconds } from './mp3';
import { buildApp } from '../../integ/jessica/src/app';
import { loadConfig } from '../../integ/jessica/src/config';
import { TtsService } from '../../src';
import { launchChromium } from '../helpers/chromium';
import { georgiPlatform, testStack } from '../helpers/fixtures';

const WEB = join(__dirname, '..', '..', 'integ', 'jessica', 'web');
const RACHEL = STAND_IN_VOICES.find((v) => v.name === 'Rachel')!.voice_id;
const CLIP_SECONDS = mp3DurationSeconds(HELLO_MP3);

type JessicaApp = Awaited<ReturnType<typeof buildApp>>;

/** What a synthesized TtsService with `frontendPath: integ/jessica/web` would put online. */
interface Deployment {
  /** Bucket contents by path (`/index.html`, `/config.json`, ...). */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Response headers from the site's CloudFront response headers policy. */
  readonly headers: Readonly<Record<string, string>>;
  /** The container's plain environment variables. */
  readonly environment: Readonly<Record<string, string>>;
}

function synthesizeJessica(): Deployment {
  const app = new App();
  const stack = testStack(app, 'Jessica');
  const platform = georgiPlatform(stack, { longLivedConnections: {} });
  new TtsService(stack, 'Jessica', {
    platform,
    serviceName: 'jessica',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1'),
    frontendPath: WEB,
  });
  const template = Template.fromStack(stack);

  const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
  expect(deployments).toHaveLength(1);
  const files = new Map<string, Buffer>();
  for (const key of deployments[0].Properties.SourceObjectKeys as string[]) {
    const folder = join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    for (const name of readdirSync(folder)) {
      if (statSync(join(folder, name)).isFile()) files.set(`/${name}`, readFileSync(join(folder, name)));
    }
  }

  const policies = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy', {
    Properties: { ResponseHeadersPolicyConfig: { Comment: 'security headers of jessica' } },
  }));
  expect(policies).toHaveLength(1);
  const security = policies[0].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
  const headers: Record<string, string> = {
    'content-security-policy': security.ContentSecurityPolicy.ContentSecurityPolicy,
    'x-frame-options': security.FrameOptions.FrameOption,
    'referrer-policy': security.ReferrerPolicy.ReferrerPolicy,
    ...(security.ContentTypeOptions ? { 'x-content-type-options': 'nosniff' } : {}),
  };

  const tasks = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  expect(tasks).toHaveLength(1);
  const containers = tasks[0].Properties.ContainerDefinitions as Array<{ Environment: Array<{ Name: string; Value: string }> }>;
  expect(containers).toHaveLength(1);
  const environment = Object.fromEntries(containers[0].Environment.map((e) => [e.Name, e.Value]));
  return { files, headers, environment };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/**
 * Serves a deployment like the site's distribution: `/` is index.html, a missing key gets
 * index.html (SPA fallback). `body` and `headers` are asked per request.
 */
function siteServer(
  files: ReadonlyMap<string, Buffer>,
  body: (key: string, content: Buffer) => Buffer,
  headers: () => Record<string, string>,
): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    const key = files.has(path) ? path : '/index.html';
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(key)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...headers() });
    res.end(body(key, files.get(key)!));
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The page's state, read in the browser. */
interface PlayerState {
  readonly src: string;
  readonly duration: number;
  readonly currentTime: number;
  readonly mediaError: number | null;
  readonly error: string | null;
  readonly wsStatus: string;
}

function playerState(page: Page): Promise<PlayerState> {
  return page.evaluate(() => {
    const player = document.getElementById('player') as HTMLAudioElement;
    const error = document.getElementById('error')!;
    return {
      src: player.src,
      duration: player.duration,
      currentTime: player.currentTime,
      mediaError: player.error ? player.error.code : null,
      error: error.hidden ? null : error.textContent,
      wsStatus: document.getElementById('ws-status')!.textContent ?? '',
    };
  });
}

/** Waits until the player holds a new clip (not `previousSrc`) that Chromium decoded and is playing. */
async function waitForPlayback(page: Page, previousSrc: string): Promise<PlayerState> {
  await page.waitForFunction((previous) => {
    const player = document.getElementById('player') as HTMLAudioElement;
    return player.src !== previous && player.src.startsWith('blob:') && player.currentTime > 0.2;
  }, previousSrc, { timeout: 15_000 });
  return playerState(page);
}

describe('the reference web page in headless Chromium, as TtsService deploys it', () => {
  const standIn = new ElevenLabsStandIn();
  const deployment = synthesizeJessica();
  const servers: Server[] = [];
  const apps: JessicaApp[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Console errors, failed requests and uncaught exceptions of the current page. */
  let problems: string[];
  /** POSTs the page sent to the speech stream endpoint. */
  let streamPosts: string[];

  /** Starts the reference app with the container environment of the template, mapped to loopback. */
  async function startApp(map: (value: string) => string, overrides: Record<string, string> = {}): Promise<string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(deployment.environment)) {
      // PORT/HOST: an ephemeral loopback port; CONFIG_PARAMETER_NAME: settings in memory here
      // (the SSM store is tested against moto in jessica-settings-ssm.test.ts).
      if (!['PORT', 'HOST', 'CONFIG_PARAMETER_NAME'].includes(name)) env[name] = map(value);
    }
    const app = await buildApp(loadConfig({
      ...env, LOG_LEVEL: 'silent', ELEVENLABS_API_KEY: standIn.apiKey, ELEVENLABS_BASE_URL: standIn.url, ...overrides,
    }));
    apps.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  /**
   * Serves the deployment on loopback next to a reference app and opens a page on it. `tamper`
   * may change the CSP or the app's environment for the negative controls.
   */
  async function openSite(path = '/', tamper: { csp?: (csp: string) => string; env?: Record<string, string> } = {}): Promise<{ site: string; api: string }> {
    let map: (value: string) => string = (value) => value;
    const site = siteServer(deployment.files, (key, content) =>
      key === '/config.json' ? Buffer.from(map(content.toString('utf8'))) : content, () => {
      const csp = map(deployment.headers['content-security-policy']);
      return { ...deployment.headers, 'content-security-policy': tamper.csp ? tamper.csp(csp) : csp };
    });
    servers.push(site);
    const siteOrigin = await listen(site);
    let apiOrigin = '';
    map = (value) => value
      .split('https://api.georgi.io').join(apiOrigin)
      .split('wss://api.georgi.io').join(apiOrigin.replace(/^http:/, 'ws:'))
      .split('https://jessica.georgi.io').join(siteOrigin);
    apiOrigin = await startApp(map, tamper.env);

    context = await browser.newContext();
    page = await context.newPage();
    problems = [];
    streamPosts = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/tts/stream')) streamPosts.push(request.postData() ?? '');
    });
    await page.goto(`${siteOrigin}${path}`);
    return { site: siteOrigin, api: apiOrigin };
  }

  async function speak(text: string, mode: 'stream' | 'ws', voiceId = ''): Promise<void> {
    await page.fill('#text', text);
    await page.selectOption('#voice', voiceId);
    await page.selectOption('#mode', mode);
    await page.click('#speak');
  }

  beforeAll(async () => {
    await standIn.start();
    browser = await launchChromium();
  });

  afterEach(async () => {
    await context?.close();
    for (const app of apps.splice(0)) await app.close();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    standIn.reset();
  });

  afterAll(async () => {
    await browser?.close();
    await standIn.stop();
  });

  test('the stand-in clip is a real MP3 of a known length (what the player must report)', () => {
    expect(CLIP_SECONDS).toBeCloseTo(4.467, 3);
    expect(() => mp3DurationSeconds(HELLO_MP3.subarray(0, HELLO_MP3.length - 100))).toThrow(/after the end of the file/);
  });

  test('the page reads the deployed config.json: title, voices from the API, WebSocket connected, MCP URL', async () => {
    const { api } = await openSite();
    await page.waitForFunction(() => document.getElementById('ws-status')!.textContent === 'WebSocket: connected');
    await page.waitForFunction(() => document.querySelectorAll('#voice option').length > 1);
    expect(await page.title()).toBe('jessica');
    expect(await page.textContent('#title')).toBe('jessica');
    expect(await page.locator('#voice option').allTextContents()).toEqual(['Default voice', ...STAND_IN_VOICES.map((v) => v.name)]);
    expect(await page.locator('#voice option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)))
      .toEqual(['', ...STAND_IN_VOICES.map((v) => v.voice_id)]);
    expect(await page.isVisible('#mcp')).toBe(true);
    expect(await page.textContent('#mcp-url')).toBe(`${api}/jessica/mcp`);
    expect((await playerState(page)).error).toBeNull();
    expect(problems).toEqual([]);
  });

  test('HTTP stream: Speak posts the text and voice, and the browser decodes and plays the whole clip', async () => {
    await openSite();
    await page.waitForFunction(() => document.querySelectorAll('#voice option').length > 1);
    await speak('Hello from the browser', 'stream', RACHEL);
    const state = await waitForPlayback(page, '');
    expect(state.duration).toBeCloseTo(CLIP_SECONDS, 2);
    expect(state.mediaError).toBeNull();
    expect(state.error).toBeNull();
    expect(streamPosts.map((body) => JSON.parse(body))).toEqual([{ text: 'Hello from the browser', voice_id: RACHEL }]);
    expect(standIn.ttsRequests.map((r) => r.url.split('?')[0])).toEqual([`/v1/text-to-speech/${RACHEL}/stream`]);
    expect(JSON.parse(standIn.ttsRequests[0].body).text).toBe('Hello from the browser');
    expect(problems).toEqual([]);
  });

  test('WebSocket: the clip arrives in chunks over /jessica/ws, without the HTTP stream, and plays', async () => {
    await openSite();
    await page.waitForFunction(() => document.getElementById('ws-status')!.textContent === 'WebSocket: connected');
    await speak('Hello over the WebSocket', 'ws');
    const state = await waitForPlayback(page, '');
    expect(state.duration).toBeCloseTo(CLIP_SECONDS, 2);
    expect(state.mediaError).toBeNull();
    expect(streamPosts).toEqual([]);
    expect(standIn.ttsRequests).toHaveLength(1);
    // No voice chosen: the service's default voice from the container environment.
    expect(standIn.ttsRequests[0].url).toContain(`/v1/text-to-speech/${deployment.environment.DEFAULT_VOICE_ID}/stream`);
    expect(problems).toEqual([]);
  });

  test('MCP speak_text pushes a clip to the open page, which plays it without a click', async () => {
    const { api } = await openSite();
    await page.waitForFunction(() => document.getElementById('ws-status')!.textContent === 'WebSocket: connected');
    // auto_play is read from /api/v1/config after the socket opens: wait for that request too.
    await page.waitForFunction(() => document.querySelectorAll('#voice option').length > 1);
    const response = await fetch(`${api}/jessica/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'speak_text', arguments: { text: 'An assistant speaks' } } }),
    });
    const body = await response.json() as { result: { isError?: boolean; content: Array<{ text: string }> } };
    expect(body.result.isError).toBeUndefined();
    expect(body.result.content[0].text).toMatch(/to 1 WebSocket client\./);
    const state = await waitForPlayback(page, '');
    expect(state.duration).toBeCloseTo(CLIP_SECONDS, 2);
    expect(streamPosts).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('an ElevenLabs failure shows the service\'s JSON error on the page and plays nothing', async () => {
    await openSite();
    await page.waitForFunction(() => document.querySelectorAll('#voice option').length > 1);
    standIn.failStatus = 500;
    await speak('This will fail upstream', 'stream');
    await page.waitForSelector('#error:not([hidden])');
    const state = await playerState(page);
    expect(state.error).toMatch(/HTTP 500.*\(upstream_error\)$/);
    expect(state.src).toBe('');
    // The 502 is logged by the browser as a failed resource load; nothing else went wrong.
    expect(problems.filter((p) => !/status of 502/.test(p))).toEqual([]);
  });

  test('a deep link gets the app shell (the SPA fallback) and the page still works', async () => {
    await openSite('/some/deep/link');
    await page.waitForFunction(() => document.getElementById('ws-status')!.textContent === 'WebSocket: connected');
    await speak('Hello from a deep link', 'stream');
    expect((await waitForPlayback(page, '')).duration).toBeCloseTo(CLIP_SECONDS, 2);
    expect(problems).toEqual([]);
  });

  test('control: without the API in connect-src the browser blocks every API call (the CSP is enforced here)', async () => {
    await openSite('/', { csp: (csp) => csp.replace(/connect-src [^;]*/, "connect-src 'self'") });
    await speak('Blocked by the CSP', 'stream');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.locator('#voice option').count()).toBe(1);
    expect((await playerState(page)).wsStatus).not.toBe('WebSocket: connected');
    expect(problems.join('\n')).toMatch(/Content Security Policy/);
    expect(standIn.ttsRequests).toEqual([]);
  });

  test('control: an API that does not allow the page\'s origin fails in the browser (CORS is enforced here)', async () => {
    await openSite('/', { env: { CORS_ALLOW_ORIGINS: 'https://elsewhere.example.com' } });
    await speak('Blocked by CORS', 'stream');
    await page.waitForSelector('#error:not([hidden])');
    expect((await playerState(page)).error).toMatch(/Failed to fetch/);
    expect(await page.locator('#voice option').count()).toBe(1);
    expect(problems.join('\n')).toMatch(/CORS policy/);
    // The browser gave up after the preflight: the text never reached the service.
    expect(standIn.ttsRequests).toEqual([]);
  });
});
