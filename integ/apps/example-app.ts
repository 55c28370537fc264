import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { NagSuppressions } from 'cdk-nag';
import { buildJessicaApp, LEAN_TASK } from './jessica-app';
import { ApiRoutes, ApiTarget, ContainerService, CostBudget, GlobalPlatform, GuardWaiversValidator, NatType, ServiceSchedule } from '../../src';

/**
 * The generic services' image (`integ/hello`): listens on 8080 and answers `<base path>/health`,
 * which ContainerService's default health check (curl, also in the image) asks for.
 */
export const HELLO_DIR = path.join(__dirname, '..', 'hello');

/** The account every example stack uses (synthesis only; nothing is deployed). */
const ACCOUNT = '123456789012';

/**
 * The app that the README's main job synthesizes:
 * - `JessicaPlatform` + `JessicaService`: the reference Jessica deployment (the same builder as
 *   `integ/integ.jessica.ts`): the platform, and Jessica through TtsService in a stack that
 *   imports the platform by name, as a service repository does;
 * - `ServiceRepoExample`: two generic services on that platform, a container behind `/service1/*`
 *   and a Lambda behind `/service2/*`;
 * - `GeorgiEuPlatform` (+ `GeorgiEuPlatform-edge`): a platform in eu-central-1, whose CloudFront
 *   certificate and web ACL live in a us-east-1 companion stack;
 * - the lean shape (README, "Lean shape"): `JessicaLeanPlatform` + `JessicaLeanService`, the
 *   reference deployment without a NAT or dashboard and with Jessica on ARM64 Spot on weekdays;
 *   `LeanPlatform` + `LeanServices`, a platform without long-lived connections and two small
 *   ContainerServices on it; `LeanMesh`, two services on it in the service mesh (a caller with
 *   public routes, an internal callee). Their costs are the figures of `integ/apps/cost-cases.ts`;
 * - a second Region (README cost tables, issue 24): `LeanTwoRegionPlatform`, `LeanPlatform` with
 *   one additional Region (`SECOND_REGION`) in the same lean network shape, and
 *   `TwoRegionPlatform`, `JessicaPlatform`'s platform with one in the default shape (and the
 *   automatic drain); each adds a stack `<stack>-<region>`. Their difference to the one-Region
 *   platform of the same shape is what the second Region costs (`integ/apps/cost-cases.ts`).
 */
export function buildExampleApp(outdir: string): App {
  // Real Availability Zone names instead of the "dummy1a" that an AZ look-up without credentials gives.
  const app = new App({
    outdir,
    context: {
      // Construct paths in the templates (as `cdk synth` writes them): the cost estimate gives
      // resources that take no tags (dashboards) to the service whose construct holds them.
      'aws:cdk:enable-path-metadata': true,
      [`availability-zones:account=${ACCOUNT}:region=us-east-1`]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      [`availability-zones:account=${ACCOUNT}:region=eu-central-1`]: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    },
  });
  const env = { account: ACCOUNT, region: 'us-east-1' };

  const reference = buildJessicaApp(app, {
    platformName: 'georgi',
    domainName: 'georgi.io',
    hostedZoneId: 'Z0123456789EXAMPLE',
    env,
  });

  // A service repository with two generic services.
  const serviceStack = new Stack(app, 'ServiceRepoExample', { env });
  serviceStack.addDependency(reference.platformStack, 'reads the platform\'s SSM parameters');
  const platform = GlobalPlatform.fromPlatformName(serviceStack, 'Platform', 'georgi', { domainName: 'georgi.io', longLivedConnections: {} });
  new ContainerService(serviceStack, 'Service1', {
    platform,
    serviceName: 'service1',
    image: ecs.ContainerImage.fromAsset(HELLO_DIR, { platform: ecrAssets.Platform.LINUX_AMD64 }),
    containerPort: 8080,
    schedule: ServiceSchedule.weekdays(7, 19),
    fargateSpot: true,
  });
  const role = new iam.Role(serviceStack, 'Service2Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const handler = new lambda.Function(serviceStack, 'Service2Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    role,
    code: lambda.Code.fromInline(
      'exports.handler = async (event) => ({ statusCode: 200, headers: { "content-type": "application/json" },'
      + ' body: JSON.stringify({ service: "service2", path: event.rawPath }) });'),
  });
  // A service's own function: its findings in the security packs are the service team's to fix
  // or waive, as here (README "Security controls").
  const demoFunction = 'an example function that answers with a JSON echo: it reaches nothing, runs synchronously behind API Gateway, and the stage throttles it';
  NagSuppressions.addResourceSuppressions(handler, [
    ...['LambdaInsideVPC', 'LambdaDLQ', 'LambdaConcurrency'].map(rule => ({ id: `NIST.800.53.R5-${rule}`, reason: demoFunction })),
    // aws-cdk-lib 2.278 knows nodejs26.x, so cdk-nag's latest-runtime rule flags Node.js 24 there.
    { id: 'AwsSolutions-L1', reason: 'nodejs24.x is a maintained LTS runtime that Lambda patches; the example moves to nodejs26.x once tested on it' },
  ]);
  GuardWaiversValidator.waive(handler, 'lambda_inside_vpc_check', demoFunction);
  new ApiRoutes(serviceStack, 'Service2', {
    platform,
    serviceName: 'service2',
    target: ApiTarget.lambdaFunction(handler),
  });

  buildLeanStacks(app, env);
  buildSecondRegionStacks(app, env);

  const euStack = new Stack(app, 'GeorgiEuPlatform', {
    env: { account: ACCOUNT, region: 'eu-central-1' },
  });
  new GlobalPlatform(euStack, 'Platform', {
    platformName: 'georgi-eu',
    domainName: 'eu.georgi.io',
    maxAzs: 3,
    waf: {},
    interfaceEndpoints: true,
  });

  return app;
}

/** The lean shape: Jessica's, and a platform with two small services and no long-lived origin. */
function buildLeanStacks(app: App, env: { account: string; region: string }): void {
  buildJessicaApp(app, {
    platformName: 'georgi-lean',
    domainName: 'lean.georgi.io',
    zoneName: 'georgi.io',
    hostedZoneId: 'Z0123456789EXAMPLE',
    stackPrefix: 'JessicaLean',
    lean: true,
    env,
  });

  const platformStack = new Stack(app, 'LeanPlatform', { env });
  new GlobalPlatform(platformStack, 'Platform', {
    platformName: 'georgi-min',
    domainName: 'min.georgi.io',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(platformStack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'georgi.io' }),
    natType: NatType.PUBLIC_TASKS,
    dashboard: false,
  });
  const servicesStack = new Stack(app, 'LeanServices', { env });
  servicesStack.addDependency(platformStack, 'reads the platform\'s SSM parameters');
  const platform = GlobalPlatform.fromPlatformName(servicesStack, 'Platform', 'georgi-min', { domainName: 'min.georgi.io' });
  for (const serviceName of LEAN_SERVICE_NAMES) {
    new ContainerService(servicesStack, serviceName, {
      platform,
      serviceName,
      image: ecs.ContainerImage.fromAsset(HELLO_DIR, { platform: ecrAssets.Platform.LINUX_ARM64 }),
      containerPort: 8080,
      ...LEAN_TASK,
    });
  }

  // The service mesh on the lean platform (README "Service mesh"): `shop` (public routes) calls
  // `stock` (internal only) by name, both on the lean task.
  const meshStack = new Stack(app, 'LeanMesh', { env });
  meshStack.addDependency(platformStack, 'reads the platform\'s SSM parameters');
  const meshPlatform = GlobalPlatform.fromPlatformName(meshStack, 'Platform', 'georgi-min', { domainName: 'min.georgi.io' });
  const [caller, callee] = MESH_SERVICE_NAMES;
  const image = ecs.ContainerImage.fromAsset(HELLO_DIR, { platform: ecrAssets.Platform.LINUX_ARM64 });
  const stock = new ContainerService(meshStack, 'Stock', {
    platform: meshPlatform, serviceName: callee, image, publicRoutes: false, serviceConnect: {}, ...LEAN_TASK,
  });
  const shop = new ContainerService(meshStack, 'Shop', {
    platform: meshPlatform, serviceName: caller, image, serviceConnect: { calls: [callee], clientOnly: true }, ...LEAN_TASK,
  });
  stock.allowServiceConnectFrom(shop);
}

/** The Region that the "a second Region" cost cases add to a us-east-1 platform. */
export const SECOND_REGION = 'eu-central-1';

/**
 * The second-Region platforms: each the platform of a one-Region stack of the app with the same
 * props (`LeanPlatform`, `JessicaPlatform`) plus one additional Region, so that the difference
 * between the two is what the Region adds (checked in integ/apps/cost-cases.ts).
 */
function buildSecondRegionStacks(app: App, env: { account: string; region: string }): void {
  const leanStack = new Stack(app, 'LeanTwoRegionPlatform', { env });
  new GlobalPlatform(leanStack, 'Platform', {
    platformName: 'georgi-min2',
    domainName: 'min2.georgi.io',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(leanStack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'georgi.io' }),
    natType: NatType.PUBLIC_TASKS,
    dashboard: false,
    additionalRegions: [{ region: SECOND_REGION, natType: NatType.PUBLIC_TASKS }],
  });

  // JessicaPlatform's props (integ/apps/jessica-app.ts, default shape) with the second Region.
  const stack = new Stack(app, 'TwoRegionPlatform', { env });
  new GlobalPlatform(stack, 'Platform', {
    platformName: 'georgi-two',
    domainName: 'two.georgi.io',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'georgi.io' }),
    longLivedConnections: {},
    logRetention: logs.RetentionDays.ONE_WEEK,
    budget: CostBudget.NONE,
    removalPolicy: RemovalPolicy.DESTROY,
    additionalRegions: [{ region: SECOND_REGION, autoDrain: true }],
  });
}

/** The two small services of `LeanServices`: the first with the platform, the second as "one more". */
export const LEAN_SERVICE_NAMES = ['lean1', 'lean2'];

/** The services of `LeanMesh`: a caller with public routes and the internal service it calls. */
export const MESH_SERVICE_NAMES = ['shop', 'stock'];
