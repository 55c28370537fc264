import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DevInputError, readLocalApp } from '../../../src/dev/private/assembly';
import { LocalApp, LocalService } from '../../../src/dev/private/model';
import { errorOf } from '../../helpers/errors';
import { buildServiceRepo, FIXTURES } from '../../helpers/local-app';

// One synthesized service repository for every test (see test/helpers/local-app.ts).
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-assembly-'));
const OUT = path.join(ROOT, 'cdk.out');
buildServiceRepo(OUT).synth();
const app: LocalApp = readLocalApp(OUT, { run: new Map(), port: 8787 });
const service = (name: string): LocalService => app.services.find(s => s.name === name)!;

afterAll(() => fs.rmSync(ROOT, { recursive: true, force: true }));

describe('readLocalApp', () => {
  test('finds every service of the library, sorted by name, with its routes', () => {
    expect(app.services.map(s => s.name)).toEqual(['esm', 'hello', 'images', 'jessica', 'legacy', 'mapped', 'orders']);
    expect(app.domainNames).toEqual(['georgi.io']);
    expect(app.appDirectory).toBe(ROOT);
    expect(service('jessica')).toMatchObject({ basePath: '/jessica', pathMode: 'keep', longLivedPaths: ['/ws', '/mcp'], healthCheckPath: '/jessica/health' });
    expect(service('orders')).toMatchObject({ basePath: '/orders', pathMode: 'strip', longLivedPaths: [], healthCheckPath: '/health' });
  });

  test('a container service runs its localRun command in its folder, with the task environment and platform URLs mapped', () => {
    const target = service('jessica').target;
    if (target.kind !== 'process') throw new Error(`expected a process, got ${target.kind}`);
    expect(target.process.command).toBe('node server.js');
    expect(target.process.directory).toBe(path.join(ROOT, 'service'));
    expect(target.process.containerPort).toBe(9020);
    expect(target.process.secrets).toEqual(['ELEVENLABS_API_KEY']);
    expect(target.process.environment).toMatchObject({
      ROOT_PATH: '/jessica',
      HOST: '127.0.0.1',
      CORS_ALLOW_ORIGINS: 'http://jessica.localhost:8787',
      ELEVENLABS_BASE_URL: 'http://127.0.0.1:9999',
    });
    const orders = service('orders').target;
    if (orders.kind !== 'process') throw new Error('expected a process');
    // HOST: a service that reads it listens on loopback only.
    expect(orders.process.environment).toEqual({ API_URL: 'http://127.0.0.1:8787/orders', TABLE: 'orders', HOST: '127.0.0.1' });
    expect(orders.process.watch).toEqual([path.join(ROOT, 'src')]);
    expect(service('orders').cors).toMatchObject({ allowOrigins: ['http://jessica.localhost:8787'], maxAgeSeconds: 300 });
  });

  test('an image without a command is described for Docker with the task\'s restrictions', () => {
    const target = service('images').target;
    if (target.kind !== 'process') throw new Error('expected a process');
    expect(target.process.command).toBeUndefined();
    expect(target.process.containerPort).toBe(3000);
    expect(target.process.image).toEqual({ name: 'public.ecr.aws/georgi/images:2', user: '1000:1000', readonlyRootFilesystem: true, writablePaths: ['/tmp'] });
  });

  test('Lambda functions: inline code and a staged folder, with their environment and timeout', () => {
    expect(service('hello').target).toEqual({
      kind: 'lambda',
      lambda: {
        handler: 'index.handler',
        runtime: 'nodejs24.x',
        inlineCode: 'exports.handler = async (event) => ({ statusCode: 200, body: event.rawPath });',
        environment: { GREETING: 'hello', SITE: 'http://jessica.localhost:8787' },
        timeoutSeconds: 5,
      },
    });
    const esm = service('esm').target;
    if (esm.kind !== 'lambda') throw new Error('expected a lambda');
    expect(fs.readFileSync(path.join(esm.lambda.codeDirectory!, 'index.mjs'), 'utf8'))
      .toBe(fs.readFileSync(path.join(FIXTURES, 'lambda-esm', 'index.mjs'), 'utf8'));
    expect(esm.lambda.timeoutSeconds).toBe(3);
  });

  test('a URL target is forwarded; a Cloud Map target cannot start and says how to run it', () => {
    expect(service('legacy').target).toEqual({ kind: 'url', url: 'https://legacy.example.com' });
    const mapped = service('mapped').target;
    expect(mapped.kind).toBe('none');
    expect(mapped.kind === 'none' && mapped.reason).toMatch(/cloud-map target.*--run mapped=<command>.*localRun/);
  });

  test('the web page: its staged folder, config.json and CSP pointing at the local front door', () => {
    expect(app.sites).toHaveLength(1);
    const site = app.sites[0];
    expect(site.siteName).toBe('jessica');
    expect(fs.readFileSync(path.join(site.directory, 'index.html'), 'utf8')).toBe(fs.readFileSync(path.join(FIXTURES, 'site', 'index.html'), 'utf8'));
    expect(site.config).toEqual({
      serviceName: 'jessica',
      apiBaseUrl: 'http://127.0.0.1:8787/jessica/api/v1',
      webSocketUrl: 'ws://127.0.0.1:8787/jessica/ws',
      mcpUrl: 'http://127.0.0.1:8787/jessica/mcp',
    });
    expect(site.contentSecurityPolicy).toContain("connect-src 'self' http://127.0.0.1:8787 ws://127.0.0.1:8787;");
    expect(site.spaFallback).toBe(true);
  });

  test('--run replaces the construct\'s command and makes any target a process', () => {
    const other = readLocalApp(OUT, { run: new Map([['mapped', 'node mapped.js'], ['jessica', 'npm start']]), port: 9000 });
    const mapped = other.services.find(s => s.name === 'mapped')!.target;
    expect(mapped.kind === 'process' && mapped.process.command).toBe('node mapped.js');
    const jessica = other.services.find(s => s.name === 'jessica')!.target;
    expect(jessica.kind === 'process' && jessica.process.command).toBe('npm start');
    expect(jessica.kind === 'process' && jessica.process.environment.CORS_ALLOW_ORIGINS).toBe('http://jessica.localhost:9000');
  });

  test('bad input is one clear error', () => {
    expect(errorOf(() => readLocalApp(path.join(ROOT, 'nowhere'), { run: new Map(), port: 8787 })))
      .toEqual(new DevInputError(`no cloud assembly in ${path.join(ROOT, 'nowhere')}: run \`npx cdk synth\` first, or name the folder (platform-dev <cdk.out>)`));
    expect(errorOf(() => readLocalApp(OUT, { run: new Map([['nope', 'x']]), port: 8787 })).message)
      .toBe('--run nope=...: no service nope in the assembly (services: esm, hello, images, jessica, legacy, mapped, orders)');
    expect(errorOf(() => readLocalApp(OUT, { run: new Map(), port: 8787, platform: 'other' })).message)
      .toBe('--platform other: the assembly has services of georgi only');
    const empty = path.join(ROOT, 'empty.out');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'manifest.json'), JSON.stringify({ version: '53.0.0', artifacts: {} }));
    expect(errorOf(() => readLocalApp(empty, { run: new Map(), port: 8787 })).message).toMatch(/^the assembly in .* has no services of @georgi-io\/platform-constructs/);
  });
});
