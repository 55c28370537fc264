/**
 * The local front door's cost, measured on loopback (issue 21; README "Run it locally"):
 *
 * 1. added latency: one keep-alive connection sends small GETs, directly to a service process and
 *    through `platform-dev`'s front door to the same process; p50 and p99 of each, rounds alternating;
 * 2. throughput: 16 keep-alive connections for a few seconds, direct and through the door;
 * 3. start-up: `platform-dev` on the example app's Jessica and two services (the reference Jessica
 *    app, a container stand-in, an inline Lambda) from the start of the command to "ready".
 *
 * Three processes: this load generator, `platform-dev` (the compiled lib/dev/cli.js), and the
 * service; on a 2-core machine they share the cores, as on a laptop. The figures are medians over
 * the rounds. Usage: `npx projen bench:dev` (after `npx projen compile`), or
 * `ts-node --project tsconfig.dev.json scripts/bench-dev.ts [--rounds N]`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { buildExampleApp } from '../integ/apps/example-app';
import { ContainerService, GlobalPlatform } from '../src';
import { httpLatencies as latencies, httpThroughput as throughput, median, percentile } from './bench-http';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'lib', 'dev', 'cli.js');
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const LATENCY_REQUESTS = 2000;
const THROUGHPUT_SECONDS = 4;
const CONCURRENCY = 16;

/** A service that answers every GET with a small JSON body (the shape of a health check). */
const BACKEND = 'require(\'http\').createServer((req, res) => { res.writeHead(200, { \'content-type\': \'application/json\' });'
  + ' res.end(\'{"status":"ok"}\'); }).listen(Number(process.env.PORT), \'127.0.0.1\');';

/** Starts platform-dev; resolves with its port, the service ports it printed and the seconds until "ready". */
interface DevProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly servicePorts: number[];
  readonly seconds: number;
}

function startDev(args: string[], env: NodeJS.ProcessEnv = {}): Promise<DevProcess> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      const match = /ready in [0-9.]+ s on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({ child, port: Number(match[1]), servicePorts: [...output.matchAll(/\bport (\d+)\b/g)].map(m => Number(m[1])), seconds });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', d => output += d);
    child.on('exit', code => reject(new Error(`platform-dev exited with ${code} before it was ready:\n${output}`)));
  });
}

function stopDev(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/** A service repository with one ContainerService whose local command is BACKEND. */
function benchAssembly(dir: string): string {
  const out = path.join(dir, 'cdk.out');
  fs.writeFileSync(path.join(dir, 'backend.js'), BACKEND);
  const app = new App({ outdir: out });
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io' });
  new ContainerService(stack, 'Echo', {
    platform,
    serviceName: 'echo',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/echo:1'),
    localRun: { command: `node ${path.join(dir, 'backend.js')}` },
  });
  app.synth();
  return out;
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npx projen compile first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dev-'));
  try {
    const dev = await startDev([benchAssembly(dir), '--port', '0']);
    const direct = dev.servicePorts[0];
    const figures: Record<'directP50' | 'directP99' | 'doorP50' | 'doorP99' | 'directRps' | 'doorRps', number[]> = {
      directP50: [], directP99: [], doorP50: [], doorP99: [], directRps: [], doorRps: [],
    };
    await latencies(direct, '/echo/health', 300);
    await latencies(dev.port, '/echo/health', 300);
    for (let round = 0; round < ROUNDS; round++) {
      const d = await latencies(direct, '/echo/health', LATENCY_REQUESTS);
      const f = await latencies(dev.port, '/echo/health', LATENCY_REQUESTS);
      figures.directP50.push(percentile(d, 50));
      figures.directP99.push(percentile(d, 99));
      figures.doorP50.push(percentile(f, 50));
      figures.doorP99.push(percentile(f, 99));
      figures.directRps.push(await throughput(direct, '/echo/health', THROUGHPUT_SECONDS, CONCURRENCY));
      figures.doorRps.push(await throughput(dev.port, '/echo/health', THROUGHPUT_SECONDS, CONCURRENCY));
      process.stderr.write(`bench-dev: round ${round + 1} of ${ROUNDS} done\n`);
    }
    await stopDev(dev.child);

    // Start-up of the example app's service repository (Jessica, a container, a Lambda).
    const example = path.join(dir, 'example.out');
    buildExampleApp(example).synth();
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, 'ELEVENLABS_API_KEY=bench\nCONFIG_PARAMETER_NAME=\nLOG_LEVEL=warn\n');
    const jessica = `TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=${path.join(ROOT, 'integ', 'jessica', 'tsconfig.json')}`
      + ` node -r ${require.resolve('ts-node/register')} ${path.join(ROOT, 'integ', 'jessica', 'src', 'main.ts')}`;
    const startups: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const run = await startDev([example, '--port', '0', '--platform', 'georgi', '--env-file', envFile,
        '--run', `jessica=${jessica}`, '--run', `service1=node ${path.join(ROOT, 'integ', 'hello', 'server.js')}`]);
      startups.push(run.seconds);
      await stopDev(run.child);
    }

    const ms = (n: number) => `${n.toFixed(3)} ms`;
    console.log(`platform-dev on loopback (${os.cpus().length} cores, Node ${process.version}, medians of ${ROUNDS} rounds)`);
    console.log('| figure | direct | through the front door | difference |');
    console.log('| --- | --- | --- | --- |');
    console.log(`| latency p50 (1 connection, ${LATENCY_REQUESTS} GETs) | ${ms(median(figures.directP50))} | ${ms(median(figures.doorP50))}`
      + ` | +${ms(median(figures.doorP50) - median(figures.directP50))} |`);
    console.log(`| latency p99 | ${ms(median(figures.directP99))} | ${ms(median(figures.doorP99))} | +${ms(median(figures.doorP99) - median(figures.directP99))} |`);
    console.log(`| throughput (${CONCURRENCY} connections, ${THROUGHPUT_SECONDS} s) | ${median(figures.directRps).toFixed(0)} req/s`
      + ` | ${median(figures.doorRps).toFixed(0)} req/s | ${(100 * median(figures.doorRps) / median(figures.directRps)).toFixed(1)} % of direct |`);
    console.log(`| start to all healthy (Jessica, a container, a Lambda) | | ${median(startups).toFixed(2)} s | min ${Math.min(...startups).toFixed(2)} s,`
      + ` max ${Math.max(...startups).toFixed(2)} s |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(`bench-dev: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
