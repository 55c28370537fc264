/**
 * Integration test of a platform in two Regions behind one front door (issue 24, ADR 15): the
 * platform in eu-central-1 with us-west-2 as an additional Region (its sibling stack
 * RegionsPlatform-us-west-2 deploys first, the us-east-1 companion stack before both), and a
 * small service (a Lambda function that answers with its Region) deployed to both Regions with
 * `GlobalPlatform.fromPlatformName(..., { multiRegion: true })`, as a service repository does: the
 * loop over Regions, each stack registering its Region in the front door's router.
 *
 * The live assertions reach the same service through each Region (`/_region/<region>/...`), and
 * through the plain path: from inside AWS, CloudFront adds no viewer location, so the router
 * keeps the request in the primary (a deploy from a laptop shows the nearest-Region choice with
 * `curl https://api.<domain>/where/region`).
 *
 * Without credentials integ-runner only synthesizes and compares with the committed snapshot.
 * A real deploy needs CDK_INTEG_DOMAIN_NAME and CDK_INTEG_HOSTED_ZONE_ID (README, "Deploying the
 * integration tests") and bootstrapped eu-central-1, us-west-2 and us-east-1.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ApiRoutes, ApiTarget, CostBudget, GlobalPlatform, NatType } from '../src';

/** A value from the environment, unless it is missing or one of integ-runner's wildcard dummies. */
function fromEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value && !value.includes('*') ? value : fallback;
}
const zoneName = fromEnv('CDK_INTEG_DOMAIN_NAME', 'integ.example.com');
const domainName = `regions.${zoneName}`;
const hostedZoneId = fromEnv('CDK_INTEG_HOSTED_ZONE_ID', 'Z0123456789EXAMPLE');
const account = process.env.CDK_DEFAULT_ACCOUNT;
const PRIMARY = 'eu-central-1';
const REGIONS = [PRIMARY, 'us-west-2'];

export const app = new App();

// ------------------------------------------------------------------------- the platform's app
const platformStack = new Stack(app, 'RegionsPlatform', { env: { account, region: PRIMARY } });
const platform = new GlobalPlatform(platformStack, 'Platform', {
  platformName: 'regions',
  domainName,
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(platformStack, 'Zone', { hostedZoneId, zoneName }),
  // The lean shape in both Regions: no NAT, no dashboard (the test's service is a Lambda function).
  natType: NatType.NONE,
  interfaceEndpoints: true,
  dashboard: false,
  additionalRegions: [{ region: 'us-west-2', natType: NatType.NONE, interfaceEndpoints: true, autoDrain: true }],
  budget: CostBudget.NONE,
  removalPolicy: RemovalPolicy.DESTROY,
});

// -------------------------------------------- a service repository's app: one stack per Region
const serviceStacks = REGIONS.map(region => {
  const stack = new Stack(app, `RegionsService-${region}`, { env: { account, region } });
  const imported = GlobalPlatform.fromPlatformName(stack, 'Platform', 'regions', { domainName, multiRegion: true });
  const fn = new lambda.Function(stack, 'Where', {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, headers: { "content-type": "application/json" },'
      + ' body: JSON.stringify({ region: process.env.AWS_REGION }) });'),
  });
  new ApiRoutes(stack, 'Routes', { platform: imported, serviceName: 'where', target: ApiTarget.lambdaFunction(fn) });
  // The service reads the platform's parameters in its Region: the platform deploys first.
  stack.addDependency(platformStack);
  return stack;
});

const integ = new IntegTest(app, 'RegionsInteg', {
  // Every stack of the platform: integ-runner compares (and destroys) only the stacks listed
  // here, and the companion and Region stacks deploy before the platform's.
  testCases: [platform.edgeStack!, ...platform.regionalStacks, platformStack, ...serviceStacks],
  diffAssets: false,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

const apiUrl = `https://${platform.apiDomainName}`;
for (const region of REGIONS) {
  integ.assertions.httpApiCall(`${apiUrl}/_region/${region}/where/region`)
    .expect(ExpectedResult.objectLike({ status: 200, body: { region } }))
    .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
}
// From inside AWS there is no viewer location: the router keeps the request in the primary.
integ.assertions.httpApiCall(`${apiUrl}/where/region`)
  .expect(ExpectedResult.objectLike({ status: 200, body: { region: PRIMARY } }))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
