import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ACCOUNT } from './fixtures';
import { ContainerService, CostBudget, GlobalPlatform, LongLivedOriginType, NatType, TtsService } from '../../src';

/**
 * A platform with every option on (stack `EveryOptionPlatform`), Jessica (TtsService with its
 * page), a JWT service with CORS that calls an internal mesh service with TLS (stack
 * `EveryOptionServices`), and a platform whose long-lived origin is the proxy instance with a
 * JWT service on it (`EveryOptionProxy`): the app that the security
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
  const secured = new ContainerService(serviceStack, 'Secured', {
    platform,
    serviceName: 'secured',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/hello:latest'),
    jwtIssuer: 'https://issuer.example.com',
    jwtAudience: ['secured'],
    cors: { allowOrigins: ['https://app.georgi.io'] },
    logRetention: logs.RetentionDays.ONE_YEAR,
    serviceConnect: { calls: ['ledger'], accessLogs: true },
  });
  // An internal service in the mesh, with TLS from a private CA and a caller from another app.
  const key = new kms.Key(serviceStack, 'MeshKey', { enableKeyRotation: true, description: 'service connect TLS keys' });
  // The team's own key, as the alarm topic's: grants only for AWS resources (CT.KMS.PR.3).
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  const ledger = new ContainerService(serviceStack, 'Ledger', {
    platform,
    serviceName: 'ledger',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/hello:latest'),
    publicRoutes: false,
    serviceConnect: {
      allowedCallers: ['partner'],
      tls: {
        certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(serviceStack, 'MeshCa',
          `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`),
        kmsKey: key,
      },
    },
    logRetention: logs.RetentionDays.ONE_YEAR,
  });
  ledger.allowServiceConnectFrom(secured);

  // The proxy instance as the long-lived origin (Session Manager on, access logs), with a JWT
  // service on its long-lived paths (stack `EveryOptionProxy`).
  const proxyStack = new Stack(app, 'EveryOptionProxy', { env });
  const proxyPlatform = new GlobalPlatform(proxyStack, 'Platform', {
    platformName: 'every-proxy',
    domainName: 'proxy.georgi.io',
    longLivedConnections: { origin: LongLivedOriginType.proxyInstance({ sessionManager: true, maxConnections: 2000 }) },
    accessLogs: true,
    natType: NatType.instance(),
    alarmEmails: ['ops@georgi.io'],
    logRetention: logs.RetentionDays.ONE_YEAR,
  });
  new ContainerService(proxyStack, 'Streams', {
    platform: proxyPlatform,
    serviceName: 'streams',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/hello:latest'),
    longLivedPaths: ['/ws', '/mcp'],
    jwtIssuer: 'https://issuer.example.com',
    jwtAudience: ['streams'],
    logRetention: logs.RetentionDays.ONE_YEAR,
  });
  return app;
}
