import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { IConstruct } from 'constructs';
import { GlobalPlatform, GlobalPlatformProps, StaticSite, StaticSiteProps } from '../../src';
import { ENV, georgiPlatform } from '../helpers/fixtures';

const SITE = path.join(__dirname, '../fixtures/site');
const CUSTOM_CSP = "default-src 'self'; connect-src 'self' https://example.org";

interface Synth {
  readonly stack: Stack;
  readonly platform: GlobalPlatform;
  readonly site: StaticSite;
  readonly template: Template;
}

function synth(props: Partial<StaticSiteProps> = {}, platformProps: Partial<GlobalPlatformProps> = {},
  siteProps?: (platform: GlobalPlatform) => Partial<StaticSiteProps>): Synth {
  const stack = new Stack(new App(), 'Platform', { env: ENV });
  const platform = georgiPlatform(stack, { longLivedConnections: {}, ...platformProps });
  const site = new StaticSite(stack, 'Docs', {
    platform,
    siteName: 'docs',
    sourcePath: SITE,
    config: { apiUrl: 'https://api.georgi.io/docs' },
    ...props,
    ...(siteProps ? siteProps(platform) : {}),
  });
  return { stack, platform, site, template: Template.fromStack(stack) };
}

function idOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

function bucket(s: Synth): any {
  return s.template.toJSON().Resources[idOf(s.stack, s.site.bucket)];
}

function distributionConfig(s: Synth): any {
  return s.template.toJSON().Resources[idOf(s.stack, s.site.distribution)].Properties.DistributionConfig;
}

function bucketPolicyStatements(s: Synth): any[] {
  const bucketId = idOf(s.stack, s.site.bucket);
  const policies = Object.values(s.template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

function headersPolicy(s: Synth): { id: string; config: any } {
  const found = Object.entries(s.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  expect(found).toHaveLength(1);
  return { id: found[0][0], config: (found[0][1] as any).Properties.ResponseHeadersPolicyConfig };
}

describe('cost-allocation tags', () => {
  test('the bucket and the distribution carry platform and service (the site name)', () => {
    const s = synth();
    const expected = expect.arrayContaining([{ Key: 'platform', Value: 'georgi' }, { Key: 'service', Value: 'docs' }]);
    expect(bucket(s).Properties.Tags).toEqual(expected);
    expect(s.template.toJSON().Resources[idOf(s.stack, s.site.distribution)].Properties.Tags).toEqual(expected);
  });
});

describe('StaticSite with defaults', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  test('a private bucket: public access blocked, S3-managed encryption', () => {
    const props = bucket(s).Properties;
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(props.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(props.WebsiteConfiguration).toBeUndefined();
  });

  test('the bucket policy denies requests without TLS', () => {
    const bucketArn = { 'Fn::GetAtt': [idOf(s.stack, s.site.bucket), 'Arn'] };
    expect(bucketPolicyStatements(s)).toEqual(expect.arrayContaining([expect.objectContaining({
      Effect: 'Deny',
      Action: 's3:*',
      Principal: { AWS: '*' },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
    })]));
  });

  test('the bucket policy allows only CloudFront, only for this distribution, only to read objects', () => {
    const allows = bucketPolicyStatements(s).filter(st => st.Effect === 'Allow');
    expect(allows).toEqual([{
      Effect: 'Allow',
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(s.stack, s.site.bucket), 'Arn'] }, '/*']] },
      Condition: {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/',
              { Ref: idOf(s.stack, s.site.distribution) }]],
          },
        },
      },
    }]);
  });

  test('every origin of the distribution is the bucket behind an origin access control (no OAI)', () => {
    const oacIds = Object.keys(s.template.findResources('AWS::CloudFront::OriginAccessControl', {
      Properties: { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) },
    }));
    expect(oacIds.length).toBeGreaterThan(0);
    s.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const origins: any[] = distributionConfig(s).Origins;
    expect(origins.length).toBeGreaterThan(0);
    for (const origin of origins) {
      expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [idOf(s.stack, s.site.bucket), 'RegionalDomainName'] });
      expect(oacIds.map(id => ({ 'Fn::GetAtt': [id, 'Id'] }))).toContainEqual(origin.OriginAccessControlId);
      expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    }
  });

  test('the distribution serves docs.georgi.io with the platform certificate and TLS 1.2 (2021)', () => {
    const config = distributionConfig(s);
    expect(config.Aliases).toEqual(['docs.georgi.io']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: s.stack.resolve(s.platform.edgeCertificate.certificateArn),
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(s.site.url).toBe('https://docs.georgi.io');
    expect(s.site.domainName).toBe('docs.georgi.io');
  });

  test('index.html is the root object and unknown paths (403 and 404) answer /index.html with 200', () => {
    const config = distributionConfig(s);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.CustomErrorResponses).toEqual([
      expect.objectContaining({ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html' }),
      expect.objectContaining({ ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html' }),
    ]);
  });

  test('viewers are redirected to HTTPS and get the security headers', () => {
    const config = distributionConfig(s);
    const headers = headersPolicy(s).id;
    expect(config.DefaultCacheBehavior).toEqual(expect.objectContaining({
      ViewerProtocolPolicy: 'redirect-to-https',
      ResponseHeadersPolicyId: { Ref: headers },
      CachePolicyId: cloudfront.CachePolicy.CACHING_OPTIMIZED.cachePolicyId,
    }));
  });

  test('security headers: HSTS, X-Frame-Options DENY, nosniff, and a CSP that allows the platform API', () => {
    const headers = headersPolicy(s).config.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toEqual(expect.objectContaining({
      AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true,
    }));
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    const csp: string = headers.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toContain("connect-src 'self' https://api.georgi.io wss://api.georgi.io");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
  });

  test('/config.json is never cached and gets the same headers', () => {
    const behaviors: any[] = distributionConfig(s).CacheBehaviors;
    expect(behaviors).toEqual([expect.objectContaining({
      PathPattern: '/config.json',
      CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
      ViewerProtocolPolicy: 'redirect-to-https',
      ResponseHeadersPolicyId: { Ref: headersPolicy(s).id },
    })]);
    expect(cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId).not.toBe(distributionConfig(s).DefaultCacheBehavior.CachePolicyId);
  });

  test('A and AAAA alias records for docs.georgi.io point to the distribution in the platform zone', () => {
    for (const type of ['A', 'AAAA']) {
      s.template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'docs.georgi.io.',
        Type: type,
        HostedZoneId: s.stack.resolve(s.platform.hostedZone.hostedZoneId),
        AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [idOf(s.stack, s.site.distribution), 'DomainName'] } }),
      });
    }
  });

  test('deploys the folder and config.json to the bucket and invalidates the distribution', () => {
    s.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: idOf(s.stack, s.site.bucket) },
      DistributionId: { Ref: idOf(s.stack, s.site.distribution) },
      SourceObjectKeys: Match.arrayWith([Match.stringLikeRegexp('\\.zip$')]),
      Prune: true,
    });
    const deployment = Object.values(s.template.findResources('Custom::CDKBucketDeployment'))[0];
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
  });

  test('the bucket is retained by default and nothing empties it', () => {
    expect(bucket(s).DeletionPolicy).toBe('Retain');
    expect(bucket(s).UpdateReplacePolicy).toBe('Retain');
    s.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('no access logs by default', () => {
    expect(bucket(s).Properties.LoggingConfiguration).toBeUndefined();
    expect(distributionConfig(s).Logging).toBeUndefined();
  });
});

describe('StaticSite with every option', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth(
      { spaFallback: false, contentSecurityPolicy: CUSTOM_CSP, removalPolicy: RemovalPolicy.DESTROY, config: undefined },
      { accessLogs: true },
      platform => ({ accessLogsBucket: platform.accessLogsBucket }),
    );
  });

  test('no SPA error responses with spaFallback false', () => {
    expect(distributionConfig(s).CustomErrorResponses).toBeUndefined();
    expect(distributionConfig(s).DefaultRootObject).toBe('index.html');
  });

  test('the custom CSP replaces the default one', () => {
    const csp = headersPolicy(s).config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toBe(CUSTOM_CSP);
    expect(headersPolicy(s).config.SecurityHeadersConfig.FrameOptions.FrameOption).toBe('DENY');
  });

  test('DESTROY deletes the bucket and empties it with the auto-delete custom resource', () => {
    expect(bucket(s).DeletionPolicy).toBe('Delete');
    s.template.hasResource('Custom::S3AutoDeleteObjects', {
      Properties: Match.objectLike({ BucketName: { Ref: idOf(s.stack, s.site.bucket) } }),
    });
  });

  test('server access logs go to the access-log bucket under s3/docs/', () => {
    expect(bucket(s).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: s.stack.resolve(s.platform.accessLogsBucket!.bucketName),
      LogFilePrefix: 's3/docs/',
    });
  });

  test('CloudFront standard logs go to the access-log bucket under cloudfront/docs/', () => {
    expect(distributionConfig(s).Logging).toEqual(expect.objectContaining({
      Bucket: s.stack.resolve(s.platform.accessLogsBucket!.bucketRegionalDomainName),
      Prefix: 'cloudfront/docs/',
    }));
  });

  test('without config only the folder is deployed', () => {
    const deployment = Object.values(s.template.findResources('Custom::CDKBucketDeployment'))[0];
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(1);
  });
});

describe('StaticSite validation', () => {
  let stack: Stack;
  let platform: GlobalPlatform;
  let n = 0;
  const make = (props: Partial<StaticSiteProps>) => () => {
    n++;
    return new StaticSite(stack, `Site${n}`, { platform, siteName: `site${n}`, sourcePath: SITE, ...props });
  };
  beforeAll(() => {
    stack = new Stack(new App(), 'Platform', { env: ENV });
    platform = georgiPlatform(stack);
  });

  test('a folder that does not exist is refused', () => {
    const missing = path.join(os.tmpdir(), `static-site-test-missing-${process.pid}-${Date.now()}`);
    expect(fs.existsSync(missing)).toBe(false);
    expect(make({ sourcePath: missing })).toThrow(new RegExp(`invalid sourcePath "${missing.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}": expected a folder with the built site; .* does not exist or is not a folder`));
  });

  test('a file instead of a folder is refused', () => {
    expect(make({ sourcePath: path.join(SITE, 'index.html') })).toThrow(/invalid sourcePath .*does not exist or is not a folder/);
  });

  test('a folder without index.html is refused', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'static-site-test-'));
    try {
      fs.writeFileSync(path.join(empty, 'app.js'), '');
      expect(make({ sourcePath: empty })).toThrow(/invalid sourcePath ".*": expected the folder to contain index.html; .* has none$/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('siteName "api" is refused: it is the platform front door', () => {
    expect(make({ siteName: 'api' })).toThrow(/invalid siteName "api": "api" is the platform's front door$/);
  });

  test.each(['Docs', 'd', 'my_site', 'docs.', '-docs', 'docs-', 'my--site'])('siteName %j is refused', siteName => {
    expect(make({ siteName })).toThrow(new RegExp(`invalid siteName "${siteName.replace('.', '\\.')}"`));
  });

  test('a valid site with the fixture folder is accepted', () => {
    expect(make({ siteName: 'www2' })).not.toThrow();
  });
});

describe('a site in its own stack, on a platform outside us-east-1', () => {
  test('deploys after the platform stack, which deploys after its companion stack (the Fn::GetStackOutput values carry no dependency)', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'eu-west-1' };
    const platformStack = new Stack(app, 'Georgi', { env });
    const platform = new GlobalPlatform(platformStack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io', waf: {} });
    const siteStack = new Stack(app, 'Site', { env });
    new StaticSite(siteStack, 'Web', { platform, siteName: 'web', sourcePath: SITE });
    expect(siteStack.dependencies).toContain(platformStack);
    expect(platformStack.dependencies).toEqual([platform.edgeStack]);
    const template = JSON.stringify(Template.fromStack(siteStack).toJSON());
    expect(template).toContain('"Fn::GetStackOutput"');
    expect(template).not.toMatch(/ExportsReader|CrossRegionExport/);
  });
});
