import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ACCOUNT } from './fixtures';
import { ContainerService, CostBudget, GlobalPlatform, NatType, TtsService } from '../../src';

/**
 * A platform with every option on (stack `EveryOptionPlatform`), Jessica (TtsService with its
 * page) and a JWT service with CORS (stack `EveryOptionServices`): the app that the security
 * controls and both cdk-nag majors must find clean.
 */
export function everyOptionApp(outdir: string): App {
  const app = new App({
    outdir,
    context: { [`availability-zones:account=${ACCOUNT}:region=us-east-1`]: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
  });
  const env = { account: ACCOUNT, region: 'us-east-1' };
  const platformStack = new Stack(app, 'EveryOptionPlatform', { env });
  const platform = new GlobalPlatform(platformStack, 'Platform', {
    platformName: 'every',
    domainName: 'every.georgi.io',
    longLivedConnections: {},
    waf: { allowedIpRanges: ['203.0.113.0/24'], blockedIpRanges: ['198.51.100.0/24'] },
    accessLogs: true,
    interfaceEndpoints: true,
    containerInsights: true,
    flowLogs: true,
    natType: NatType.instance(),
    alarmEmails: ['ops@georgi.io'],
    budget: CostBudget.monthly(100, { filterByPlatformTag: true }),
    logRetention: logs.RetentionDays.ONE_YEAR,
  });
  const serviceStack = new Stack(app, 'EveryOptionServices', { env });
  new TtsService(serviceStack, 'Jessica', {
    platform,
    serviceName: 'jessica',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:latest'),
    frontendPath: path.join(__dirname, '..', 'fixtures', 'site'),
    accessLogsBucket: platform.accessLogsBucket,
    logRetention: logs.RetentionDays.ONE_YEAR,
  });
  new ContainerService(serviceStack, 'Secured', {
    platform,
    serviceName: 'secured',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/hello:latest'),
    jwtIssuer: 'https://issuer.example.com',
    jwtAudience: ['secured'],
    cors: { allowOrigins: ['https://app.georgi.io'] },
    logRetention: logs.RetentionDays.ONE_YEAR,
  });
  return app;
}
