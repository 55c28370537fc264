import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { COST_TABLES_END, COST_TABLES_START, CostCase, costCases, costTablesMarkdown, perServiceRunningTaskUsd, secondRegionItems } from '../../../integ/apps/cost-cases';
import { buildExampleApp, SECOND_REGION } from '../../../integ/apps/example-app';
import { CloudAssemblyCostEstimate, CostEstimator, CostLineItem, StackCostEstimate } from '../../../src';

/**
 * The example app that the main job synthesizes: cdk-nag over every stack (the lean shape
 * included), and the estimator's figures for the reference deployment and the three lean cases,
 * recomputed here by hand from us-east-1 list prices and held to their targets.
 */
const HOURS = 730;
const WEEKDAY_HOURS = 60 * HOURS / 168;
const SPOT_ARM_TASK = 0.25 * 0.0101131 + 0.5 * 0.00111194; // 0.25 vCPU / 0.5 GB, per hour
const RUNNING_TASK = (SPOT_ARM_TASK + 0.005) * WEEKDAY_HOURS + 0.1 * WEEKDAY_HOURS / HOURS; // Fargate, IPv4, Cloud Map
const PLATFORM_ALARMS = 0.4; // 5xx rate (2 metrics), p99 latency, certificate expiry
const SERVICE_ALARMS = 0.5; // 5xx rate over two routes (4 metrics), no running task
const ORIGIN_SECRET = 0.4; // the front door's x-origin-verify secret (ADR 10)

let stacks: Stack[];
let assembly: CloudAssembly;
let estimate: CloudAssemblyCostEstimate;
let cases: Map<string, CostCase>;
beforeAll(() => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-'));
  const app = buildExampleApp(outdir);
  Aspects.of(app).add(new AwsSolutionsChecks());
  assembly = app.synth();
  stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  estimate = CostEstimator.fromCloudAssembly(assembly.directory);
  cases = new Map(costCases(estimate).map(c => [c.id, c]));
});

test('cdk-nag: no unsuppressed AwsSolutions error in any stack of the example app', () => {
  expect(stacks.map(s => s.stackName)).toEqual(expect.arrayContaining(['JessicaLeanPlatform', 'JessicaLeanService', 'LeanPlatform', 'LeanServices', 'LeanMesh']));
  for (const stack of stacks) {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect([stack.stackName, errors.map(e => `${e.id}: ${String(e.entry.data).split('\n')[0]}`)]).toEqual([stack.stackName, []]);
  }
});

test('every resource of the example app is priced or known to cost nothing fixed', () => {
  expect(estimate.stacks.flatMap(s => s.unpriced)).toEqual([]);
});

test('the reference deployment (default shape): NAT gateway, ALB, x86 task always on, two dashboards no more', () => {
  const platform = 0.045 * HOURS + 0.005 * HOURS + 0.0225 * HOURS + 1 + 0.5 + 3 + PLATFORM_ALARMS + ORIGIN_SECRET;
  const jessica = (0.5 * 0.04048 + 1 * 0.004445) * HOURS + 0.1 + 0.4 + 0.7; // task, Cloud Map, secret, 4 alarms over 7 metrics
  expect(cases.get('reference')!.monthlyUsd).toBeCloseTo(platform + jessica, 1); // $77.45
});

test('lean: platform + Jessica with WebSocket, MCP and web page, long-lived paths on the proxy instance, at most $10', () => {
  // The proxy instance (t4g.nano and its 8 GB gp3 root volume, two alarms, the S3 GETs of its
  // 30-second configuration poll) instead of the ALB; then KMS, Cloud Map namespace, alarms, origin secret.
  const proxy = 0.0042 * HOURS + 8 * 0.08 + 0.2 + (HOURS * 3600 / 30 / 1000) * 0.0004;
  const platform = proxy + 1 + 0.5 + PLATFORM_ALARMS + ORIGIN_SECRET;
  const jessica = RUNNING_TASK + 0.4 + SERVICE_ALARMS; // task charges, secret, alarms
  const lean = cases.get('lean-jessica')!;
  expect(lean.monthlyUsd).toBeCloseTo(platform + jessica, 1); // $9.28
  expect(lean.monthlyUsd).toBeLessThanOrEqual(10);
  expect(lean.items.filter(i => /NAT|Elastic IP|dashboard|Load Balancer/.test(i.description))).toEqual([]);
  expect(lean.items.map(i => i.description)).toEqual(expect.arrayContaining(['EC2 instance t4g.nano (Linux, on demand)', 'EBS root volume 8 GB',
    'S3 requests of the proxy instance\'s configuration poll (every 30 s)']));
});

test('lean: a platform without long-lived connections + one small ContainerService, at most $5', () => {
  const minimal = cases.get('lean-minimal')!;
  expect(minimal.monthlyUsd).toBeCloseTo(1 + 0.5 + PLATFORM_ALARMS + ORIGIN_SECRET + RUNNING_TASK + SERVICE_ALARMS, 1); // $4.94
  expect(minimal.monthlyUsd).toBeLessThanOrEqual(5);
  expect(minimal.items.filter(i => /Load Balancer/.test(i.description))).toEqual([]);
});

test('lean: each further ContainerService costs its running-task charges plus at most $0.50', () => {
  const further = cases.get('lean-per-service')!;
  expect(further.monthlyUsd).toBeCloseTo(SERVICE_ALARMS, 6);
  expect(further.monthlyUsd).toBeLessThanOrEqual(0.5);
  expect(perServiceRunningTaskUsd(estimate)).toBeCloseTo(RUNNING_TASK, 1); // $2.14
});

test('the README cost tables are the estimator\'s (regenerate: ts-node scripts/cost-tables.ts --write)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf(COST_TABLES_START) + COST_TABLES_START.length, readme.indexOf(COST_TABLES_END)).trim();
  expect(block).toBe(costTablesMarkdown([...cases.values()], perServiceRunningTaskUsd(estimate)));
});

describe('the generic services of the example app would turn healthy as written', () => {
  /** Every ECS container definition of the example app that runs the integ/hello image. */
  function helloContainers(): Array<{ stack: string; port: number; command: string }> {
    const found: Array<{ stack: string; port: number; command: string }> = [];
    for (const stack of stacks) {
      const resources = assembly.getStackByName(stack.stackName).template.Resources ?? {};
      for (const resource of Object.values<any>(resources)) {
        if (resource.Type !== 'AWS::ECS::TaskDefinition') continue;
        for (const container of resource.Properties.ContainerDefinitions) {
          const command: string[] = container.HealthCheck?.Command ?? [];
          if (!JSON.stringify(container.Image).includes('container-assets') || container.Name === 'jessica') continue;
          found.push({ stack: stack.stackName, port: container.PortMappings[0].ContainerPort, command: command.join(' ') });
        }
      }
    }
    return found;
  }

  test('service1, lean1, lean2, shop and stock run integ/hello on 8080, and its server answers their health check path with 200', async () => {
    const containers = helloContainers();
    expect(containers.map(c => c.stack).sort()).toEqual(['LeanMesh', 'LeanMesh', 'LeanServices', 'LeanServices', 'ServiceRepoExample']);
    const server = spawn(process.execPath, [path.join(__dirname, '../../../integ/hello/server.js')], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1' } });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        server.stdout.on('data', (chunk: Buffer) => {
          const match = /"port":(\d+)/.exec(chunk.toString());
          if (match) resolve(Number(match[1]));
        });
        server.on('exit', code => reject(new Error(`integ/hello/server.js exited with ${code}`)));
      });
      for (const container of containers) {
        expect(container.port).toBe(8080);
        // The health check as ContainerService writes it: curl -fsS http://127.0.0.1:8080<path> ...
        const match = /curl -fsS http:\/\/127\.0\.0\.1:(\d+)(\/\S*)/.exec(container.command);
        expect(match).not.toBeNull();
        expect(Number(match![1])).toBe(container.port); // the image listens on the port the check asks
        const res = await fetch(`http://127.0.0.1:${port}${match![2]}`);
        expect([container.stack, match![2], res.status, await res.json()]).toEqual([container.stack, match![2], 200, { status: 'ok' }]);
      }
    } finally {
      server.kill('SIGTERM');
    }
  });
});

test('lean: two services in the mesh add only their alarms to the fixed cost; the proxy is inside the task', () => {
  const mesh = cases.get('lean-mesh')!;
  // shop: routes 5xx rate (4 metrics) + no running task; stock (no routes): no running task + mesh 5xx rate (2 metrics).
  expect(mesh.monthlyUsd).toBeCloseTo(SERVICE_ALARMS + 0.1 + 0.2, 6); // $0.80
  const running = estimate.stacks.find(s => s.stackName === 'LeanMesh')!.items.filter(i => i.perRunningTask);
  expect(running.filter(i => /Service Connect proxy/.test(i.description)).map(i => [i.service, i.monthlyUsd])).toEqual([['stock', 0], ['shop', 0]]);
  // The internal callee registers once, through Service Connect; the caller keeps its SRV record for the VPC link.
  expect(running.filter(i => /Cloud Map/.test(i.description)).map(i => `${i.service}: ${i.description}`))
    .toEqual(['stock: Cloud Map registered task (Service Connect)', 'shop: Cloud Map registered task']);
});

// Issue 24, item 5: what a second Region (eu-central-1) adds to a us-east-1 platform a month,
// recomputed by hand from eu-central-1 list prices: its stack, and the origin secret's replica
// there ($0.40) in the primary's stack. The router's store, the parameter copies, the API's
// custom domain and the automatic drain have no fixed charge.
describe('a second Region', () => {
  const REGION_ALARMS = 0.4; // 5xx rate (2 metrics), p99 latency, the regional certificate's expiry (its API domain uses it)
  const REGION_BASE = 0.5 + 1 + REGION_ALARMS + 0.4; // Cloud Map namespace, alarm topic's KMS key, alarms, secret replica

  test('the second Region is eu-central-1, its stack priced with eu-central-1\'s list, the primaries with us-east-1\'s', () => {
    expect(SECOND_REGION).toBe('eu-central-1');
    for (const name of ['LeanTwoRegionPlatform', 'TwoRegionPlatform']) {
      const regional = estimate.stacks.find(s => s.stackName === `${name}-eu-central-1`)!;
      expect([regional.region, regional.priceRegion]).toEqual(['eu-central-1', 'eu-central-1']);
      expect(estimate.stacks.find(s => s.stackName === name)!.priceRegion).toBe('us-east-1');
      // The long-lived paths stay with the primary: no load balancer in the second Region.
      expect(regional.items.filter(i => /Load Balancer|EC2 instance/.test(i.description))).toEqual([]);
    }
  });

  test('lean shape (no NAT, no dashboard): namespace, KMS key, three alarms and the secret replica, $2.30', () => {
    const lean = cases.get('second-region-lean')!;
    expect(lean.monthlyUsd).toBeCloseTo(REGION_BASE, 6); // $2.30
    expect(lean.items.filter(i => /NAT|Elastic IP|dashboard/.test(i.description))).toEqual([]);
    expect(lean.title).toBe('A second Region (eu-central-1), lean shape: its stack (no NAT, no dashboard) and what the primary\'s stack adds for it');
  });

  test('default shape with autoDrain: one NAT gateway ($0.052 an hour) and its address, dashboard, drain alarm (2 metrics), and the lean items, $47.11', () => {
    const full = cases.get('second-region-default')!;
    expect(full.monthlyUsd).toBeCloseTo(0.052 * HOURS + 0.005 * HOURS + 3 + 0.2 + REGION_BASE, 2); // $47.11
    expect(full.items.filter(i => /DrainAlarm/.test(i.logicalId)).map(i => i.monthlyUsd)).toEqual([0.2]);
    expect(full.items.filter(i => i.resourceType === 'AWS::EC2::NatGateway').map(i => i.monthlyUsd)).toEqual([37.96]);
  });

  test('the primary\'s stack adds only the origin secret\'s replica in the second Region', () => {
    for (const id of ['second-region-lean', 'second-region-default']) {
      const fromPrimary = cases.get(id)!.items.filter(i => i.resourceType === 'AWS::SecretsManager::Secret');
      expect(fromPrimary.map(i => [i.description, i.monthlyUsd])).toEqual([['Secrets Manager replica secret in eu-central-1', 0.4]]);
    }
  });

  test('secondRegionItems refuses two platforms that are not the same shape', () => {
    const item = (logicalId: string, monthlyUsd: number): CostLineItem =>
      ({ logicalId, resourceType: 'AWS::EC2::NatGateway', description: 'NAT gateway', quantity: 730, unit: 'hour', unitPriceUsd: monthlyUsd / 730, monthlyUsd });
    const stack = (stackName: string, items: CostLineItem[]): StackCostEstimate =>
      ({ stackName, priceRegion: 'us-east-1', items, monthlyUsd: 0, services: [], usagePrices: [], unpriced: [], freeTier: [], notes: [] });
    const fake = (two: CostLineItem[]) => ({ ...estimate, stacks: [stack('One', [item('Nat', 32.85)]), stack('Two', two), stack('Two-eu-central-1', [])] });
    expect(secondRegionItems(fake([item('Nat', 32.85), item('Extra', 1)]), 'Two', 'One').map(i => i.logicalId)).toEqual(['Extra']);
    expect(() => secondRegionItems(fake([item('Nat', 65.7)]), 'Two', 'One'))
      .toThrow('cost cases: Two is not One with one more Region: it lacks Nat NAT gateway 32.85');
  });
});
