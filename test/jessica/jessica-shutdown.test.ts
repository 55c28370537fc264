/**
 * The built Jessica app (`integ/jessica/dist/main.js`, compiled here first) as a real process:
 * what SIGTERM does with the connections that are open at that moment. ElevenLabs is the local
 * stand-in (tests only).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { ElevenLabsStandIn, HELLO_MP3 } from './elevenlabs-stand-in';

const JESSICA_DIR = join(__dirname, '..', '..', 'integ', 'jessica');
/** main.ts gives up and exits 1 after this long. */
const SHUTDOWN_GUARD_MS = 10_000;

interface RunningApp {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: string[];
  readonly exited: Promise<{ code: number | null; at: number }>;
}

const standIn = new ElevenLabsStandIn();
const running: RunningApp[] = [];

beforeAll(async () => {
  // The image runs `node dist/main.js`: compile the current sources the same way (npm run build).
  execFileSync(process.execPath, [join(JESSICA_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(JESSICA_DIR, 'tsconfig.json')], { stdio: 'pipe' });
  await standIn.start();
}, 120_000);

afterAll(async () => {
  for (const app of running) if (app.child.exitCode === null) app.child.kill('SIGKILL');
  await standIn.stop();
});

/** Starts `node dist/main.js` on a free port; resolves once it logged its address. */
async function startProcess(env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(process.execPath, [join(JESSICA_DIR, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ROOT_PATH: '/jessica', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => {
    child.once('exit', (code) => resolve({ code, at: Date.now() }));
  });
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start: ${output.join('')}`)), 15_000);
    const onData = (data: Buffer): void => {
      output.push(data.toString('utf8'));
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\/jessica\//.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(`${match[1]}/jessica`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (data: Buffer) => output.push(data.toString('utf8')));
    child.once('exit', () => reject(new Error(`the app exited at startup: ${output.join('')}`)));
  });
  const app = { child, base, output, exited };
  running.push(app);
  return app;
}

/** One request over `agent`; resolves with the status, the headers and the whole body. */
function send(agent: Agent, method: string, url: string, body?: unknown): Promise<{ status: number; connection?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('SIGTERM', () => {
  test('with an idle keep-alive client and a stream in flight: the stream finishes, then the process exits 0 well within the guard', async () => {
    const app = await startProcess({ ELEVENLABS_API_KEY: standIn.apiKey, ELEVENLABS_BASE_URL: standIn.url });
    const idleAgent = new Agent({ keepAlive: true });
    const streamAgent = new Agent({ keepAlive: true });
    try {
      // A client that made one request and keeps its connection open.
      const health = await send(idleAgent, 'GET', `${app.base}/health`);
      expect(health.status).toBe(200);
      expect(health.connection).toBe('keep-alive');

      // A stream whose last chunk is held back while SIGTERM arrives; it is on a keep-alive
      // connection too, which would be idle (and open) once the stream is done.
      standIn.holdLastChunk();
      const stream = send(streamAgent, 'POST', `${app.base}/api/v1/tts/stream`, { text: 'Hello' });
      const deadline = Date.now() + 5000;
      while (standIn.chunksWritten < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(standIn.chunksWritten).toBeGreaterThanOrEqual(1);

      const signalled = Date.now();
      app.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(app.child.exitCode).toBeNull(); // still serving the stream
      standIn.releaseLastChunk();

      const streamed = await stream;
      expect(streamed.status).toBe(200);
      expect(streamed.body.equals(HELLO_MP3)).toBe(true);

      const exit = await Promise.race([
        app.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${SHUTDOWN_GUARD_MS + 2000} ms`)), SHUTDOWN_GUARD_MS + 2000)),
      ]);
      expect({ code: exit.code, log: app.output.join('').includes('graceful shutdown timed out') }).toEqual({ code: 0, log: false });
      // About the 1 s the stream was held, not the 10 s guard.
      expect(exit.at - signalled).toBeLessThan(4000);
    } finally {
      idleAgent.destroy();
      streamAgent.destroy();
    }
  }, 60_000);
});
