import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ApiRoutes, ApiTarget, ContainerService } from '../../src';
import { importedPlatform } from '../helpers/fixtures';

/*
 * A small service repository for the platform-dev command's tests, written into `root`:
 * - `web`: a ContainerService (base path kept, health path /web/health) run by its localRun
 *   command `node server.js` in `root/web`, with the secret WEB_TOKEN (from `root/secrets.env`);
 * - `hello`: a Lambda function from inline code whose body says `hello <version> <rawPath>`.
 * The assembly is `root/cdk.out`.
 */

/** The web service's server: answers its health path, and everything else with who it is. */
const SERVER = `
const fs = require('fs');
const http = require('http');
const version = fs.existsSync('version.txt') ? fs.readFileSync('version.txt', 'utf8').trim() : 'v1';
http.createServer((req, res) => {
  if (req.url === '/web/health') return res.end('ok');
  if (req.url === '/web/slow') return setTimeout(() => res.end('slow'), 300);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ service: 'web', url: req.url, pid: process.pid, port: Number(process.env.PORT), version,
    token: process.env.WEB_TOKEN === 'secret-1' }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('web listening on ' + process.env.PORT + ' (' + version + ')'));
`;

/** Paths of the test repository. */
export interface DevRepo {
  readonly root: string;
  readonly assembly: string;
  readonly webDirectory: string;
  /** `--env-file` with the web service's secret. */
  readonly envFile: string;
}

/** Synthesizes the app into `root/cdk.out` (again: a new synth) with the Lambda answering `hello <version> ...`. */
export function synthDevApp(root: string, version = 'v1'): void {
  const { app, stack, platform } = importedPlatform(true, new App({ outdir: path.join(root, 'cdk.out') }), 'Dev');
  new ContainerService(stack, 'Web', {
    platform,
    serviceName: 'web',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/web:1'),
    secrets: { WEB_TOKEN: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'web-token')) },
    localRun: { command: 'node server.js', directory: 'web' },
  });
  const hello = new lambda.Function(stack, 'HelloHandler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(`exports.handler = async (event) => ({ statusCode: 200, body: 'hello ${version} ' + event.rawPath });`),
  });
  new ApiRoutes(stack, 'Hello', { platform, serviceName: 'hello', target: ApiTarget.lambdaFunction(hello) });
  app.synth();
}

/** Writes the repository (server, secrets file, extra scripts) and synthesizes it into `root`. */
export function buildDevRepo(root: string): DevRepo {
  const webDirectory = path.join(root, 'web');
  fs.mkdirSync(webDirectory, { recursive: true });
  fs.writeFileSync(path.join(webDirectory, 'server.js'), SERVER);
  // Healthy at once, gone 1.5 s later (a crash after the table is printed).
  fs.writeFileSync(path.join(webDirectory, 'crash.js'), `require('http').createServer((q, s) => s.end('ok'))
    .listen(Number(process.env.PORT), '127.0.0.1', () => { console.log('up, crashing soon'); setTimeout(() => process.exit(3), 1500); });\n`);
  // Ignores SIGTERM: only SIGKILL ends it.
  fs.writeFileSync(path.join(webDirectory, 'stubborn.js'), "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));\nrequire('./server.js');\n");
  const envFile = path.join(root, 'secrets.env');
  fs.writeFileSync(envFile, 'WEB_TOKEN=secret-1\n');
  synthDevApp(root);
  return { root, assembly: path.join(root, 'cdk.out'), webDirectory, envFile };
}

/** A writable stream that keeps what is written (for main()'s stdout and stderr). */
export interface Captured {
  readonly isTTY: boolean;
  text: string;
  write(chunk: string | Uint8Array): boolean;
}

/** A stream for main(); `isTTY` as given. */
export function captured(isTTY = false): Captured & NodeJS.WriteStream {
  const stream: Captured = {
    isTTY,
    text: '',
    write(chunk) {
      stream.text += chunk.toString();
      return true;
    },
  };
  return stream as Captured & NodeJS.WriteStream;
}

/** Resolves once `check()` is true (polled every 50 ms); rejects after `timeoutMs` naming `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** The front door's port and each process service's port, from the output of a run that is ready. */
export function portsOf(stdout: string): { door: number; services: Record<string, number> } {
  const door = /ready in [\d.]+ s on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
  if (!door) throw new Error(`not ready: ${stdout}`);
  const services: Record<string, number> = {};
  for (const match of stdout.matchAll(/^(?:\u001b\[[0-9;]*m)?([a-z][a-z0-9-]*)\s.*\sport (\d+)$/gm)) services[match[1]] = Number(match[2]);
  return { door: Number(door[1]), services };
}

/** A GET through a fresh connection: status and body. */
export function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, res => {
      let body = '';
      res.on('data', (c: Buffer) => body += c.toString());
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

/** Whether something accepts connections on the loopback port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether process `pid` lives (a zombie does not: on Linux read from /proc, elsewhere `kill(pid, 0)`). */
export function alive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
