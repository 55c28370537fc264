/**
 * The reference app's settings store against a real SSM API: moto's server on loopback (moto is
 * on our machines; CI's GitHub workflow installs it). Proves the fix of the original's defect 7
 * ("config lived on the container's disk and was lost at each restart") with the AWS SDK calls
 * the deployed service makes, on the parameter TtsService creates (`{}` at first).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { buildApp } from '../../integ/jessica/src/app';
import { loadConfig } from '../../integ/jessica/src/config';
import { SsmConfigStore } from '../../integ/jessica/src/config-store';

const requireFromJessica = createRequire(join(__dirname, '..', '..', 'integ', 'jessica', 'package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SSMClient, PutParameterCommand, GetParameterCommand } = requireFromJessica('@aws-sdk/client-ssm');

const PARAMETER = '/platform/georgi/services/jessica/settings';
const DEFAULTS = { default_voice_id: 'cgSgspJ2msm6clMCkdW9', default_model_id: 'eleven_flash_v2_5', auto_play: true };

/** The API's view of stored settings (`GET /api/v1/config`). */
function configBody(settings: typeof DEFAULTS): unknown {
  return { default_voice_id: settings.default_voice_id, default_model_id: settings.default_model_id, settings: { auto_play: settings.auto_play } };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`moto server did not start at ${url}`);
      await new Promise(r => setTimeout(r, 200));
    }
  }
}

describe('SsmConfigStore on a real SSM API (moto server on loopback)', () => {
  let moto: ChildProcess;
  let client: any;

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${port}`;
    await waitForServer(endpoint, 20_000);
    client = new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });

  afterAll(() => {
    client?.destroy();
    moto?.kill();
  });

  test('a missing parameter means the defaults', async () => {
    const store = new SsmConfigStore('/platform/georgi/services/nobody/settings', DEFAULTS, client);
    expect(await store.load()).toEqual(DEFAULTS);
  });

  test('the parameter TtsService creates ({}) means the defaults; saved settings are read back', async () => {
    await client.send(new PutParameterCommand({ Name: PARAMETER, Value: '{}', Type: 'String' }));
    const store = new SsmConfigStore(PARAMETER, DEFAULTS, client);
    expect(await store.load()).toEqual(DEFAULTS);
    await store.save({ ...DEFAULTS, auto_play: false });
    const stored = await client.send(new GetParameterCommand({ Name: PARAMETER }));
    expect(JSON.parse(stored.Parameter.Value)).toEqual({ ...DEFAULTS, auto_play: false });
    expect(await new SsmConfigStore(PARAMETER, DEFAULTS, client).load()).toEqual({ ...DEFAULTS, auto_play: false });
  });

  test('settings changed through the API survive a restart of the app', async () => {
    await client.send(new PutParameterCommand({ Name: PARAMETER, Value: '{}', Type: 'String', Overwrite: true }));
    const config = loadConfig({ ROOT_PATH: '/jessica', LOG_LEVEL: 'silent', CONFIG_PARAMETER_NAME: PARAMETER });
    const first = await buildApp(config, { configStore: new SsmConfigStore(PARAMETER, DEFAULTS, client) });
    const changed = await first.inject({
      method: 'POST', url: '/jessica/api/v1/config', payload: { settings: { auto_play: false }, default_model_id: 'eleven_multilingual_v2' },
    });
    expect(changed.statusCode).toBe(200);
    await first.close();

    // A new process: nothing in memory, the same parameter.
    const second = await buildApp(config, { configStore: new SsmConfigStore(PARAMETER, DEFAULTS, client) });
    const read = await second.inject({ method: 'GET', url: '/jessica/api/v1/config' });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(expect.objectContaining({ default_model_id: 'eleven_multilingual_v2', settings: { auto_play: false } }));
    await second.close();
  });

  test('a parameter that does not hold JSON is reported, not silently replaced', async () => {
    await client.send(new PutParameterCommand({ Name: PARAMETER, Value: 'not json', Type: 'String', Overwrite: true }));
    await expect(new SsmConfigStore(PARAMETER, DEFAULTS, client).load()).rejects.toThrow(/does not hold JSON/);
  });

  test.each([
    ['does not hold JSON', 'not json'],
    ['holds invalid settings', '{"auto_play":"yes","theme":"dark"}'],
  ])('a parameter that %s can be overwritten through POST /api/v1/config', async (_name, value) => {
    await client.send(new PutParameterCommand({ Name: PARAMETER, Value: value, Type: 'String', Overwrite: true }));
    const app = await buildApp(loadConfig({ ROOT_PATH: '/jessica', LOG_LEVEL: 'silent', CONFIG_PARAMETER_NAME: PARAMETER }), {
      configStore: new SsmConfigStore(PARAMETER, DEFAULTS, client),
    });
    try {
      // Reads fall back to the defaults; the update starts from them and replaces the parameter.
      expect((await app.inject({ method: 'GET', url: '/jessica/api/v1/config' })).json()).toMatchObject({ settings: { auto_play: true } });
      const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { settings: { auto_play: false } } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(configBody({ ...DEFAULTS, auto_play: false }));
      const stored = await client.send(new GetParameterCommand({ Name: PARAMETER }));
      expect(JSON.parse(stored.Parameter.Value)).toEqual({ ...DEFAULTS, auto_play: false });
      expect((await app.inject({ method: 'GET', url: '/jessica/health' })).json()).toMatchObject({ config_store: 'ssm' });
    } finally {
      await app.close();
    }
  });
});

describe('SSM that accepts connections but never answers', () => {
  const sockets = new Set<Socket>();
  let connections = 0;
  const silent = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const AWS_ENV = ['AWS_ENDPOINT_URL_SSM', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
  const saved = new Map(AWS_ENV.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    // The app builds its own SSM client (CONFIG_PARAMETER_NAME): point it at the silent server.
    for (const name of AWS_ENV) delete process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(silent.address() as { port: number }).port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });

  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('the service gives up within seconds and serves the defaults; later requests do not wait again', async () => {
    const app = await buildApp(loadConfig({ ROOT_PATH: '/jessica', LOG_LEVEL: 'silent', CONFIG_PARAMETER_NAME: PARAMETER }));
    try {
      let started = Date.now();
      const first = await app.inject({ method: 'GET', url: '/jessica/api/v1/config' });
      expect(Date.now() - started).toBeLessThan(8000);
      // It did ask the silent server (twice: two attempts).
      expect(connections).toBe(2);
      expect(first.json()).toEqual(configBody(DEFAULTS));
      started = Date.now();
      expect((await app.inject({ method: 'GET', url: '/jessica/api/v1/config' })).statusCode).toBe(200);
      // Not asked again (no new connection), so not waited for: well under one attempt's timeout.
      expect(connections).toBe(2);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await app.inject({ method: 'GET', url: '/jessica/health' })).json()).toMatchObject({ config_store: 'ssm' });
    } finally {
      await app.close();
    }
  }, 20_000);
});
