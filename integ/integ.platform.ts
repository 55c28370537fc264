/**
 * Integration test of the shared platform on its own: deploys GlobalPlatform with the
 * WebSocket-capable origin and checks, through the live front door, that route isolation holds
 * on both origins (a path no service claimed answers 404).
 *
 * Without credentials integ-runner only synthesizes and compares with the committed snapshot.
 * For a real deploy, set CDK_INTEG_DOMAIN_NAME and CDK_INTEG_HOSTED_ZONE_ID to a public hosted
 * zone you own (see README, "Deploying the integration tests").
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { CostBudget, GlobalPlatform } from '../src';

/** A value from the environment, unless it is missing or one of integ-runner's wildcard dummies. */
function fromEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value && !value.includes('*') ? value : fallback;
}
const domainName = fromEnv('CDK_INTEG_DOMAIN_NAME', 'integ.example.com');
const hostedZoneId = fromEnv('CDK_INTEG_HOSTED_ZONE_ID', 'Z0123456789EXAMPLE');

export const app = new App();
// CloudFront's certificate and web ACL must be in us-east-1; keeping the platform there keeps
// the test to one stack.
const stack = new Stack(app, 'PlatformIntegStack', { env: { region: 'us-east-1', account: process.env.CDK_DEFAULT_ACCOUNT } });
const platform = new GlobalPlatform(stack, 'Platform', {
  platformName: 'integ',
  domainName,
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: domainName }),
  longLivedConnections: {},
  budget: CostBudget.NONE,
  // nothing stays behind, so the next run can create the same named log groups again
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'PlatformInteg', {
  testCases: [stack],
  diffAssets: false,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

const apiUrl = `https://${platform.apiDomainName}`;
// The HTTP API (default behaviour) has no route for this path: 404, no catch-all.
integ.assertions.httpApiCall(`${apiUrl}/no-such-service/health`)
  .expect(ExpectedResult.objectLike({ status: 404 }))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
// The long-lived origin (internal ALB through the VPC origin) has no rule for this path: its
// default action answers 404 JSON.
integ.assertions.httpApiCall(`${apiUrl}/no-such-service/ws`)
  .expect(ExpectedResult.objectLike({ status: 404, body: { message: 'Not Found' } }))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
