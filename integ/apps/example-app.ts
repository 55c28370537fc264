import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GlobalPlatform } from '../../src';

/** The account every example stack uses (synthesis only; nothing is deployed). */
const ACCOUNT = '123456789012';

/**
 * The example platform app that the README's main job synthesizes:
 * - `GeorgiPlatform`: the platform in us-east-1 with every option on;
 * - `GeorgiEuPlatform` (+ `GeorgiEuPlatform-edge`): a platform in eu-central-1, whose
 *   CloudFront certificate and web ACL live in a us-east-1 companion stack;
 * - `ServiceRepoExample`: what a service repository's app does: import the platform by name.
 */
export function buildExampleApp(outdir: string): App {
  // Real Availability Zone names instead of the "dummy1a" that an AZ look-up without credentials gives.
  const app = new App({
    outdir,
    context: {
      [`availability-zones:account=${ACCOUNT}:region=us-east-1`]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      [`availability-zones:account=${ACCOUNT}:region=eu-central-1`]: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    },
  });

  const platformStack = new Stack(app, 'GeorgiPlatform', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new GlobalPlatform(platformStack, 'Platform', {
    platformName: 'georgi',
    domainName: 'georgi.io',
    longLivedConnections: true,
    waf: true,
    wafBlockedIpRanges: ['198.51.100.0/24'],
    accessLogs: true,
    alarmEmails: ['ops@georgi.io'],
    monthlyBudgetUsd: 150,
  });

  const euStack = new Stack(app, 'GeorgiEuPlatform', {
    env: { account: ACCOUNT, region: 'eu-central-1' },
    crossRegionReferences: true,
  });
  new GlobalPlatform(euStack, 'Platform', {
    platformName: 'georgi-eu',
    domainName: 'eu.georgi.io',
    maxAzs: 3,
    waf: true,
    interfaceEndpoints: true,
  });

  // A service repository's app: no access to the platform's code, only its name.
  const serviceStack = new Stack(app, 'ServiceRepoExample', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const platform = GlobalPlatform.fromPlatformName(serviceStack, 'Platform', 'georgi', { longLivedConnections: true });
  new apigwv2.HttpRoute(serviceStack, 'StatusRoute', {
    httpApi: platform.httpApi,
    routeKey: apigwv2.HttpRouteKey.with('/status', apigwv2.HttpMethod.GET),
    integration: new integrations.HttpUrlIntegration('Status', 'https://status.georgi.io/'),
  });
  new ec2.SecurityGroup(serviceStack, 'ServiceSecurityGroup', {
    vpc: platform.vpc,
    description: 'example service security group in the platform VPC',
    allowAllOutbound: false,
  });
  new cloudwatch.Alarm(serviceStack, 'ExampleAlarm', {
    metric: new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: '5xx', dimensionsMap: { ApiId: platform.httpApi.apiId }, period: Duration.minutes(5) }),
    threshold: 10,
    evaluationPeriods: 1,
  }).addAlarmAction(new actions.SnsAction(platform.alarmTopic));

  return app;
}
