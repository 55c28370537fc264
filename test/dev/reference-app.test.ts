/// <reference lib="dom" />
/**
 * platform-dev end to end on loopback: the example app (integ/apps/example-app.ts) synthesized as
 * `cdk synth` would, then run by platform-dev as a service team would run it:
 * - `jessica`: the reference Jessica app (integ/jessica, through ts-node) given with --run, her
 *   web page from the assembly;
 * - `service1`: the container stand-in (integ/hello/server.js) given with --run;
 * - `service2`: the inline Lambda function, in-process.
 * ElevenLabs is a local stand-in (tests only). Through the local front door: the integ contract's
 * expectations (integ/contract), the WebSocket and audio-stream probes, the official MCP
 * TypeScript SDK client, and the page in headless Chromium talking to the API over HTTP and
 * WebSocket.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser } from 'playwright-core';
import { buildExampleApp } from '../../integ/apps/example-app';
import { platformExpectations, PROBE_TEXT, serviceExpectations } from '../../integ/contract/expectations';
import { probeAudioStream, probeWebSocket, WebSocketLike } from '../../integ/contract/probes';
import { parseDevArguments } from '../../src/dev/private/arguments';
import { DevRun } from '../../src/dev/private/runner';
import { plainOrPainted } from '../../src/dev/private/terminal';
import { launchChromium } from '../helpers/chromium';
import { checkExpectation } from '../helpers/contract';
import { ElevenLabsStandIn, HELLO_MP3 } from '../jessica/elevenlabs-stand-in';
import { readWithLastChunkHeld } from '../jessica/stream-check';

const ROOT = path.join(__dirname, '..', '..');
const JESSICA = path.join(ROOT, 'integ', 'jessica');
const requireFromJessica = createRequire(path.join(JESSICA, 'package.json'));
const WebSocketClient = requireFromJessica('ws') as new (url: string) => WebSocketLike;

/** The reference app as a developer would start it from its sources. */
const JESSICA_COMMAND = `TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=${path.join(JESSICA, 'tsconfig.json')}`
  + ` node -r ${require.resolve('ts-node/register')} ${path.join(JESSICA, 'src', 'main.ts')}`;

describe('platform-dev runs the example app\'s service repository on loopback', () => {
  const standIn = new ElevenLabsStandIn();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-reference-'));
  const lines: string[] = [];
  let run: DevRun;
  let origin: string;

  beforeAll(async () => {
    await standIn.start();
    buildExampleApp(path.join(dir, 'cdk.out')).synth();
    const envFile = path.join(dir, '.env');
    // The key from the "developer's" file; settings kept in memory (no SSM locally).
    fs.writeFileSync(envFile, `ELEVENLABS_API_KEY=${standIn.apiKey}\nELEVENLABS_BASE_URL=${standIn.url}\nCONFIG_PARAMETER_NAME=\nLOG_LEVEL=warn\n`);
    const args = parseDevArguments([path.join(dir, 'cdk.out'), '--port', '0', '--platform', 'georgi', '--env-file', envFile,
      '--run', `jessica=${JESSICA_COMMAND}`, '--run', `service1=node ${path.join(ROOT, 'integ', 'hello', 'server.js')}`], 'test');
    const environment = { ...process.env };
    delete environment.ELEVENLABS_API_KEY;
    run = await DevRun.start(args, { out: l => lines.push(l), err: l => lines.push(l), terminal: plainOrPainted(false), environment });
    origin = `http://127.0.0.1:${run.port}`;
  }, 60_000);

  afterAll(async () => {
    await run?.stop();
    await standIn.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('prints one table of local URLs once every service is healthy', () => {
    const table = lines.find(l => l.startsWith('SERVICE'))!.trimEnd().split('\n');
    expect(table).toHaveLength(5);
    expect(table[0]).toMatch(/^SERVICE\s+LOCAL URL\s+RUNS AS\s+STATUS$/);
    expect(table.join('\n')).toContain(`jessica    ${origin}/jessica`);
    expect(table.join('\n')).toMatch(new RegExp(`service2 +${origin}/service2 +lambda index\\.handler \\(in-process\\) +ready`));
    expect(table.join('\n')).toContain(`jessica    http://jessica.localhost:${run.port}/   web page`);
    expect(lines.some(l => /^platform-dev: ready in [0-9.]+ s on http:\/\/127\.0\.0\.1:\d+ \(Ctrl-C stops\)$/.test(l))).toBe(true);
  });

  test.each([...platformExpectations, ...serviceExpectations('/jessica', 'jessica')].map(e => [e.name, e] as const))(
    'the integ contract through the front door: %s', async (_name, expectation) => {
      expect(await checkExpectation(origin, expectation)).toBeUndefined();
    });

  test('a path that only shares a prefix is the platform\'s 404, and the Lambda and container services answer', async () => {
    const prefix = await fetch(`${origin}/jessicas/health`);
    expect([prefix.status, await prefix.json()]).toEqual([404, { message: 'Not Found' }]);
    const lambda = await fetch(`${origin}/service2/orders?id=7`);
    expect([lambda.status, await lambda.json()]).toEqual([200, { service: 'service2', path: '/service2/orders' }]);
    const container = await fetch(`${origin}/service1/anything`);
    expect(await container.json()).toEqual({ service: 'hello', path: '/service1/anything' });
  });

  test('the WebSocket on /jessica/ws passes through: audio_start, every chunk, audio_complete', async () => {
    const result = await probeWebSocket(WebSocketClient, `${origin.replace('http', 'ws')}/jessica/ws`, PROBE_TEXT, 15_000);
    expect(result.error).toBeUndefined();
    expect(result.firstType).toBe('audio_start');
    expect(result.totalChunks).toBe(result.chunks);
    expect(result.bytes).toBe(HELLO_MP3.length);
  });

  test('the speech stream arrives in pieces, the whole MP3', async () => {
    const result = await probeAudioStream(fetch, `${origin}/jessica/api/v1/tts/stream`, PROBE_TEXT);
    expect(result).toEqual(expect.objectContaining({ status: 200, contentType: 'audio/mpeg', mp3: true, bytes: HELLO_MP3.length }));
    // Pieces: the first bytes pass the local front door while ElevenLabs still holds its last chunk.
    const held = await readWithLastChunkHeld(standIn, `${origin}/jessica/api/v1/tts/stream`, PROBE_TEXT);
    expect([held.status, held.contentType]).toEqual([200, 'audio/mpeg']);
    expect(held.bytesBeforeEnd).toBeGreaterThan(0);
    expect(held.bytesBeforeEnd).toBeLessThan(HELLO_MP3.length);
    expect(held.body.equals(HELLO_MP3)).toBe(true);
  });

  test('the official MCP TypeScript SDK client lists Jessica\'s tools over /jessica/mcp', async () => {
    const { Client } = requireFromJessica('@modelcontextprotocol/sdk/client/index.js');
    const { StreamableHTTPClientTransport } = requireFromJessica('@modelcontextprotocol/sdk/client/streamableHttp.js');
    const client = new Client({ name: 'platform-dev-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/jessica/mcp`)));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['speak_text', 'list_voices']));
      expect(client.getServerVersion()?.name).toBe('jessica');
    } finally {
      await client.close();
    }
  });

  describe('the web page in headless Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    test('http://jessica.localhost:<port>/ reaches the API over HTTP (voices) and WebSocket, and plays a clip sent over it', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', m => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', e => problems.push(`exception: ${e.message}`));
      page.on('requestfailed', r => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
      try {
        const response = await page.goto(`http://jessica.localhost:${run.port}/`);
        expect(response?.headers()['content-security-policy']).toContain(`connect-src 'self' ${origin} ws://127.0.0.1:${run.port}`);
        await page.waitForFunction(() => document.getElementById('ws-status')!.textContent === 'WebSocket: connected');
        await page.waitForFunction(() => document.querySelectorAll('#voice option').length > 1);
        expect(await page.textContent('#mcp-url')).toBe(`${origin}/jessica/mcp`);
        await page.fill('#text', 'Hello through platform-dev');
        await page.selectOption('#mode', 'ws');
        await page.click('#speak');
        await page.waitForFunction(() => {
          const player = document.getElementById('player') as HTMLAudioElement;
          return player.src.startsWith('blob:') && player.currentTime > 0.2;
        }, undefined, { timeout: 15_000 });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
});
