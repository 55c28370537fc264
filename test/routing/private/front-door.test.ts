import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import { GlobalPlatform } from '../../../src';
import { onlyId, synthPlatform as synth } from '../../helpers/fixtures';

/** AWS managed policy ids (see the CloudFront developer guide). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
const LONG_LIVED_PATTERNS = ['/*/ws', '/*/ws/*', '/*/mcp', '/*/mcp/*'];

function distributionConfig(template: Template): Record<string, any> {
  const distributions = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  expect(distributions).toHaveLength(1);
  return distributions[0].Properties.DistributionConfig;
}

function originById(config: Record<string, any>, id: string): Record<string, any> {
  const found = (config.Origins as Array<Record<string, any>>).filter(o => o.Id === id);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('front door (defaults)', () => {
  let template: Template;
  let stack: Stack;
  let platform: GlobalPlatform;
  let config: Record<string, any>;
  beforeAll(() => {
    ({ template, stack, platform } = synth());
    config = distributionConfig(template);
  });

  test('serves api.georgi.io with the certificate, TLS 1.2 (2021) and SNI', () => {
    const cert = onlyId(template, 'AWS::CertificateManager::Certificate');
    expect(config.Aliases).toEqual(['api.georgi.io']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: { Ref: cert },
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  test('PriceClass_100, HTTP/2 and 3, enabled, comment names the platform', () => {
    expect(config.PriceClass).toBe('PriceClass_100');
    expect(config.HttpVersion).toBe('http2and3');
    expect(config.Enabled).toBe(true);
    expect(config.Comment).toBe('georgi front door: api');
  });

  test("the default behaviour targets the HTTP API's execute-api domain over HTTPS", () => {
    const api = onlyId(template, 'AWS::ApiGatewayV2::Api');
    const origin = originById(config, config.DefaultCacheBehavior.TargetOriginId);
    expect(origin.DomainName).toEqual({
      'Fn::Join': ['', [{ Ref: api }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]],
    });
    expect(origin.CustomOriginConfig).toEqual(expect.objectContaining({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
      OriginReadTimeout: 35,
    }));
  });

  test('the default behaviour: HTTPS only, all methods, no caching, every viewer header except Host', () => {
    expect(config.DefaultCacheBehavior).toEqual(expect.objectContaining({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      Compress: false,
    }));
    expect([...config.DefaultCacheBehavior.AllowedMethods].sort())
      .toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
  });

  test('without long-lived connections: one origin, no additional behaviours, no ALB, no VPC origin', () => {
    expect(config.Origins).toHaveLength(1);
    expect(config.CacheBehaviors).toBeUndefined();
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::CloudFront::VpcOrigin', 0);
  });

  test('no WAF and no logging by default', () => {
    expect(config.WebACLId).toBeUndefined();
    expect(config.Logging).toBeUndefined();
  });

  test('A and AAAA alias records for api.georgi.io point at the distribution', () => {
    const zone = onlyId(template, 'AWS::Route53::HostedZone');
    const dist = onlyId(template, 'AWS::CloudFront::Distribution');
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'api.georgi.io.',
        Type: type,
        HostedZoneId: { Ref: zone },
        AliasTarget: {
          DNSName: { 'Fn::GetAtt': [dist, 'DomainName'] },
          HostedZoneId: Match.anyValue(),
        },
      });
    }
  });

  test('frontDoor property and the published distribution parameters are the distribution', () => {
    const dist = onlyId(template, 'AWS::CloudFront::Distribution');
    expect(stack.resolve(platform.frontDoor.distributionId)).toEqual({ Ref: dist });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/platform/georgi/front-door/distribution-id', Value: { Ref: dist },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/platform/georgi/front-door/distribution-domain-name', Value: { 'Fn::GetAtt': [dist, 'DomainName'] },
    });
  });
});

test('a custom priceClass', () => {
  const { template } = synth({ priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL });
  expect(distributionConfig(template).PriceClass).toBe('PriceClass_All');
});

describe('front door with long-lived connections', () => {
  let template: Template;
  let config: Record<string, any>;
  beforeAll(() => {
    ({ template } = synth({ longLivedConnections: {} }));
    config = distributionConfig(template);
  });

  test('the behaviours /*/ws, /*/ws/*, /*/mcp, /*/mcp/* exist, in this order', () => {
    expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual(LONG_LIVED_PATTERNS);
  });

  test('the long-lived behaviours target the VPC origin of the internal ALB', () => {
    const vpcOrigin = onlyId(template, 'AWS::CloudFront::VpcOrigin');
    for (const behaviour of config.CacheBehaviors) {
      const origin = originById(config, behaviour.TargetOriginId);
      expect(origin.VpcOriginConfig.VpcOriginId).toEqual({ 'Fn::GetAtt': [vpcOrigin, 'Id'] });
      expect(origin.DomainName).toBe('api.georgi.io');
    }
    expect(config.Origins).toHaveLength(2);
  });

  test('the long-lived behaviours forward every viewer header (WebSocket handshake), never cache, HTTPS only', () => {
    for (const behaviour of config.CacheBehaviors) {
      expect(behaviour).toEqual(expect.objectContaining({
        OriginRequestPolicyId: ALL_VIEWER,
        CachePolicyId: CACHING_DISABLED,
        ViewerProtocolPolicy: 'https-only',
        Compress: false,
      }));
      expect(behaviour.AllowedMethods).toHaveLength(7);
    }
  });

  test('the default behaviour still targets the HTTP API with AllViewerExceptHostHeader', () => {
    const api = onlyId(template, 'AWS::ApiGatewayV2::Api');
    const origin = originById(config, config.DefaultCacheBehavior.TargetOriginId);
    expect(JSON.stringify(origin.DomainName)).toContain(api);
    expect(origin.VpcOriginConfig).toBeUndefined();
    expect(config.DefaultCacheBehavior.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
  });

  test('the VPC origin: default read timeout 60 s, keep-alive 60 s', () => {
    const origin = originById(config, config.CacheBehaviors[0].TargetOriginId);
    expect(origin.VpcOriginConfig).toEqual(expect.objectContaining({ OriginReadTimeout: 60, OriginKeepaliveTimeout: 60 }));
  });
});

test('custom longLivedConnections.pathSuffixes give /*/<suffix> and /*/<suffix>/* only', () => {
  const { template, platform } = synth({ longLivedConnections: { pathSuffixes: ['events'] } });
  const config = distributionConfig(template);
  expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual(['/*/events', '/*/events/*']);
  expect(platform.longLivedPathSuffixes).toEqual(['events']);
  template.hasResourceProperties('AWS::SSM::Parameter', {
    Name: '/platform/georgi/front-door/long-lived-path-suffixes', Value: 'events',
  });
});

describe('access logs', () => {
  let template: Template;
  let platform: GlobalPlatform;
  let stack: Stack;
  beforeAll(() => {
    ({ template, platform, stack } = synth({ accessLogs: true, longLivedConnections: {} }));
  });

  test('one S3 bucket: SSE-S3, all public access blocked, objects expire after the retention (30 days)', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  test('the bucket refuses plain HTTP', () => {
    const bucket = onlyId(template, 'AWS::S3::Bucket');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('the distribution logs to the bucket under cloudfront/api/', () => {
    const bucket = onlyId(template, 'AWS::S3::Bucket');
    expect(distributionConfig(template).Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [bucket, 'RegionalDomainName'] },
      Prefix: 'cloudfront/api/',
    });
  });

  test('the long-lived ALB logs to the same bucket', () => {
    const bucket = onlyId(template, 'AWS::S3::Bucket');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: bucket } },
        { Key: 'access_logs.s3.prefix', Value: 'long-lived-alb' },
      ]),
    });
  });

  test('accessLogsBucket property is the bucket', () => {
    expect(stack.resolve(platform.accessLogsBucket!.bucketName)).toEqual({ Ref: onlyId(template, 'AWS::S3::Bucket') });
  });

  test('lifecycle expiration follows logRetention', () => {
    const week = synth({ accessLogs: true, logRetention: logs.RetentionDays.ONE_WEEK }).template;
    week.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7 })] },
    });
  });

  test('no lifecycle expiration with infinite retention', () => {
    const forever = synth({ accessLogs: true, logRetention: logs.RetentionDays.INFINITE }).template;
    forever.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: Match.absent() });
  });
});
