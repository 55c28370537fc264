import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { CloudAssemblyCostEstimate, ContainerService, CostEstimator, GlobalPlatform, StackCostEstimate, StaticSite } from '../../src';
import { ACCOUNT } from '../helpers/fixtures';

/**
 * Issue 24: the estimator prices every stack of a platform with an additional Region, in that
 * stack's Region: the primary (eu-central-1), its us-east-1 companion, the us-west-2 stack with
 * an automatic drain, a service deployed to both Regions (registered in the router's store), and
 * a static site replicated to us-west-2 (its replica bucket and policy stacks). Figures
 * hand-computed from each Region's list prices, 730 hours a month.
 */
const HOURS = 730;

let assembly: CloudAssembly;
let estimate: CloudAssemblyCostEstimate;
let byName: Record<string, StackCostEstimate>;
beforeAll(() => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-two-regions-'));
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-two-regions-site-'));
  fs.writeFileSync(path.join(site, 'index.html'), '<p>hello</p>');
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
  const primary = new Stack(app, 'Multi', { env: { account: ACCOUNT, region: 'eu-central-1' } });
  new GlobalPlatform(primary, 'Platform', {
    platformName: 'multi',
    domainName: 'multi.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(primary, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
    longLivedConnections: {},
    additionalRegions: [{ region: 'us-west-2', autoDrain: true }],
  });
  for (const region of ['eu-central-1', 'us-west-2']) {
    const stack = new Stack(app, `Svc-${region}`, { env: { account: ACCOUNT, region } });
    stack.addDependency(primary);
    const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'multi', { domainName: 'multi.example.com', multiRegion: true });
    new ContainerService(stack, 'Svc', { platform, serviceName: 'svc', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx'), containerPort: 80 });
    if (region === 'eu-central-1') new StaticSite(stack, 'Site', { platform, siteName: 'www', sourcePath: site, replicaRegion: 'us-west-2' });
  }
  assembly = app.synth();
  estimate = CostEstimator.fromCloudAssembly(assembly.directory);
  byName = Object.fromEntries(estimate.stacks.map(s => [s.stackName, s]));
});

const fixed = (stack: StackCostEstimate) => stack.items.map(i => [i.description, i.monthlyUsd]);
const usage = (stack: StackCostEstimate) => stack.usagePrices.map(u => `${u.description}: $${u.priceUsd} per ${u.unit}`);

test('every stack, priced with its own Region\'s list; nothing is left unpriced', () => {
  expect(estimate.stacks.map(s => [s.stackName, s.priceRegion])).toEqual(expect.arrayContaining([
    ['Multi', 'eu-central-1'], ['Multi-edge', 'us-east-1'], ['Multi-us-west-2', 'us-west-2'], ['Svc-eu-central-1', 'eu-central-1'],
    ['Svc-us-west-2', 'us-west-2'], ['Svc-eu-central-1-www-us-west-2', 'us-west-2'], ['Svc-eu-central-1-www-us-west-2-policy', 'us-west-2'],
  ]));
  expect(estimate.stacks).toHaveLength(7);
  expect(estimate.stacks.flatMap(s => s.unpriced)).toEqual([]);
});

test('the custom resource types of the app are the ones the estimator knows to have no fixed charge (a new one shows up here)', () => {
  const types = new Set<string>();
  for (const stack of assembly.stacksRecursively) {
    for (const resource of Object.values<any>(stack.template.Resources ?? {})) {
      if (String(resource.Type).startsWith('Custom::')) types.add(resource.Type);
    }
  }
  expect([...types].sort()).toEqual(['Custom::AWS', 'Custom::CDKBucketDeployment', 'Custom::OriginSecretStage',
    'Custom::RegionRegistration', 'Custom::RegionalParameters', 'Custom::VpcRestrictDefaultSG']);
});

test('the us-west-2 stack: one NAT gateway and its address, namespace, KMS key, dashboard, four alarms (6 metrics): $41.60 at us-west-2 prices', () => {
  const oregon = byName['Multi-us-west-2'];
  expect(fixed(oregon)).toEqual(expect.arrayContaining([
    ['NAT gateway', 0.045 * HOURS], ['public IPv4 address (Elastic IP)', 0.005 * HOURS], ['Cloud Map DNS namespace (a Route 53 hosted zone)', 0.5],
    ['KMS customer managed key', 1], ['CloudWatch dashboard', 3],
  ]));
  // No load balancer: the long-lived paths stay with the primary. The drain function is per use.
  expect(oregon.items.filter(i => /Load Balancer/.test(i.description))).toEqual([]);
  // Alarms: the API's 5xx rate (2 metrics), p99 latency, the certificate's expiry (its API domain uses it), the drain alarm (2 metrics).
  expect(oregon.monthlyUsd).toBeCloseTo(0.045 * HOURS + 0.005 * HOURS + 0.5 + 1 + 3 + 0.6, 6); // $41.60
  expect(usage(oregon)).toEqual(expect.arrayContaining(['HTTP API requests: $1 per million requests', 'NAT gateway data processed: $0.045 per GB processed']));
});

test('the primary pays the origin secret\'s us-west-2 replica ($0.40) and the router store per use; the companion stack is unchanged', () => {
  const multi = byName.Multi;
  expect(fixed(multi)).toEqual(expect.arrayContaining([['Secrets Manager secret', 0.4], ['Secrets Manager replica secret in us-west-2', 0.4]]));
  // NAT gateway, its address, namespace, internal ALB, secret and replica, KMS, dashboard, 3 alarms (4 metrics), at eu-central-1 prices.
  expect(multi.monthlyUsd).toBeCloseTo(0.052 * HOURS + 0.005 * HOURS + 0.5 + 0.027 * HOURS + 0.8 + 1 + 3 + 0.4, 6); // $67.02
  expect(usage(multi)).toEqual(expect.arrayContaining([
    'CloudFront KeyValueStore reads by functions (no monthly fee per store): $0.03 per million reads',
    'CloudFront KeyValueStore API calls (registrations, drains): $1 per 1,000 API calls',
  ]));
  expect(byName['Multi-edge'].monthlyUsd).toBeCloseTo(1 + 0.1, 6); // KMS key, certificate expiry alarm
});

test('the service in each Region: its task at that Region\'s price, and its registration per use', () => {
  const task = (vcpu: number, gb: number) => (0.5 * vcpu + 1 * gb) * HOURS;
  expect(byName['Svc-us-west-2'].items.find(i => i.resourceType === 'AWS::ECS::Service')!.monthlyUsd).toBeCloseTo(task(0.04048, 0.004445), 6); // $18.02
  expect(byName['Svc-eu-central-1'].items.find(i => i.resourceType === 'AWS::ECS::Service')!.monthlyUsd).toBeCloseTo(task(0.04656, 0.00511), 6); // $20.72
  for (const name of ['Svc-eu-central-1', 'Svc-us-west-2']) {
    expect(usage(byName[name])).toContain(
      'CloudFront KeyValueStore API calls of service registrations (a create: describe and put, 2, or 4 with the long-lived l/ key; a delete: describe, get and delete for s/ and for l/, up to 6; more on an update or a write conflict): $1 per 1,000 API calls');
  }
});

test('the site\'s replica: no fixed charge; replication PUTs at us-west-2\'s price, transfer at eu-central-1\'s, storage at us-west-2\'s', () => {
  const site = byName['Svc-eu-central-1'];
  expect(usage(site)).toEqual(expect.arrayContaining([
    'S3 replication to us-west-2: a PUT request per replicated file or delete marker (us-west-2\'s PUT price): $0.005 per 1,000 PUT requests (Standard)',
    'S3 replication to us-west-2: inter-Region data transfer: $0.02 per GB to another AWS Region',
  ]));
  const replica = byName['Svc-eu-central-1-www-us-west-2'];
  expect([replica.items, usage(replica)]).toEqual([[], ['S3 storage: $0.023 per GB-month (Standard)']]);
  expect(byName['Svc-eu-central-1-www-us-west-2-policy'].items).toEqual([]);
});
