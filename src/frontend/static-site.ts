import { Duration, Names, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { addLocalRunRecord } from '../contract/local-run';
import { IGlobalPlatform } from '../contract/platform';
import { ControlWaivers } from '../core/controls';
import { PropError } from '../core/errors';
import { addNagSuppressions, suppressS3HelperFunctions } from '../core/nag';
import { addStackDependency } from '../core/stacks';
import { tagServiceResources } from '../core/tags';
import { validateDnsName, validateSiteFolder } from '../core/validation';

/** Properties of `StaticSite`. */
export interface StaticSiteProps {
  /** The platform whose domain, zone and us-east-1 certificate the site uses. */
  readonly platform: IGlobalPlatform;

  /** The sub-domain: the site is served on `<siteName>.<domain>`. DNS-safe, 2-63 characters. */
  readonly siteName: string;

  /** A local folder with the built site; it must contain `index.html`. */
  readonly sourcePath: string;

  /**
   * Values written to `/config.json` next to the site, read by the page at run time (API and
   * WebSocket URLs, so nothing is hard-coded). Values may be deploy-time tokens.
   *
   * @default - no config.json
   */
  readonly config?: Record<string, string>;

  /**
   * Serve `index.html` for unknown paths (single-page-app routing).
   *
   * @default true
   */
  readonly spaFallback?: boolean;

  /**
   * The page's Content-Security-Policy.
   *
   * @default - `default-src 'self'`, plus `connect-src` to `https://api.<domain>` and
   *   `wss://api.<domain>`, `media-src` and `img-src` for `data:` (and `blob:` audio), and
   *   `style-src 'unsafe-inline'`
   */
  readonly contentSecurityPolicy?: string;

  /**
   * CloudFront price class.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * A bucket for S3 server access logs and CloudFront standard logs (e.g. the platform's
   * `accessLogsBucket`; it must have ACLs enabled for CloudFront).
   *
   * @default - no access logs
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * What happens to the site bucket when it leaves the stack. With `DESTROY` its objects are
   * deleted too (a custom resource empties it).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A static site on `<siteName>.<domain>`: a private, encrypted S3 bucket served only through
 * CloudFront with origin access control, TLS 1.2+, security response headers, single-page-app
 * fallback, a Route 53 alias, and the contents of a local folder plus a generated `config.json`.
 *
 * Every resource carries the cost-allocation tags `platform` and `service` (the site name).
 *
 * Cost: S3 storage and CloudFront beyond its free tier (1 TB and 10 million requests a month).
 */
export class StaticSite extends Construct {
  /** The site's bucket. */
  public readonly bucket: s3.Bucket;

  /** The site's distribution. */
  public readonly distribution: cloudfront.Distribution;

  /** The site's host name, `<siteName>.<domain>`. */
  public readonly domainName: string;

  /** The site's URL, `https://<siteName>.<domain>`. */
  public readonly url: string;

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the site's properties
   */
  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    ControlWaivers.applyTo(this);
    this.validateProps(props);
    const platform = props.platform;
    tagServiceResources(this, platform.platformName, props.siteName);
    this.domainName = `${props.siteName}.${platform.domainName}`;
    this.url = `https://${this.domainName}`;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Versioned, and replaced files go 30 days after a deploy: a bad deploy can be undone, and
      // the old versions of a web page cost pennies (Control Tower S3 versioning and lifecycle).
      versioned: true,
      lifecycleRules: [{
        id: 'expire-replaced-files',
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? `s3/${props.siteName}/` : undefined,
    });

    const api = platform.apiDomainName;
    const csp = props.contentSecurityPolicy ?? [
      "default-src 'self'",
      `connect-src 'self' https://${api} wss://${api}`,
      "media-src 'self' blob: data:",
      "img-src 'self' data:",
      "style-src 'self' 'unsafe-inline'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ].join('; ');
    // CloudFront policies and origin access controls are named per account: aws-cdk-lib's default
    // names come from the construct path alone, so the same stack in a second Region collided
    // (409). The names carry the Region (at most 14 characters, such as ap-southeast-5).
    const region = Stack.of(this).region;
    // The certificate and zone of a platform outside us-east-1 are read from its companion stack
    // (Fn::GetStackOutput), which carries no dependency: deploy after the platform's stack, which
    // deploys after its companion stack (also with --concurrency, and destroy in reverse).
    const platformStack = Stack.of(platform);
    if (platformStack !== Stack.of(this) && Stage.of(platformStack) === Stage.of(this)) {
      addStackDependency(Stack.of(this), platformStack, `uses the certificate and hosted zone of the platform ${platform.platformName}`);
    }
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${Names.uniqueResourceName(this, { maxLength: 96 })}-headers-${region}`,
      comment: `security headers of ${props.siteName}`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    const spaFallback = props.spaFallback ?? true;
    const originAccessControl = new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
      originAccessControlName: `${Names.uniqueResourceName(this, { maxLength: 45 })}-${region}`,
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket, { originAccessControl });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${platform.platformName} ${props.siteName} site`,
      domainNames: [this.domainName],
      certificate: platform.edgeCertificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      defaultRootObject: 'index.html',
      enableLogging: props.accessLogsBucket !== undefined,
      logBucket: props.accessLogsBucket,
      logFilePrefix: props.accessLogsBucket ? `cloudfront/${props.siteName}/` : undefined,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: {
        // The page must always see the current API and WebSocket URLs.
        '/config.json': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: headers,
        },
      },
      // With origin access control S3 answers 403 for a missing key; both become the app shell.
      errorResponses: spaFallback ? [403, 404].map(httpStatus => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(10),
      })) : undefined,
    });

    const sources = [s3deploy.Source.asset(props.sourcePath)];
    if (props.config) sources.push(s3deploy.Source.jsonData('config.json', props.config));
    const deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources,
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
    });
    // For platform-dev: the staged folder (the first source, which Source.asset names Asset1) and the runtime config.
    const folder = deployment.node.tryFindChild('Asset1');
    addLocalRunRecord(this, {
      kind: 'site',
      siteName: props.siteName,
      platformName: platform.platformName,
      domainName: platform.domainName,
      assetPath: folder instanceof s3assets.Asset ? folder.assetPath : undefined,
      config: props.config,
      contentSecurityPolicy: csp,
      spaFallback,
    });

    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'AliasRecord', { zone: platform.hostedZone, recordName: this.domainName, target });
    new route53.AaaaRecord(this, 'AliasRecordIpv6', { zone: platform.hostedZone, recordName: this.domainName, target });

    this.addNagSuppressions(props, deployment);
  }

  private addNagSuppressions(props: StaticSiteProps, deployment: s3deploy.BucketDeployment): void {
    const distributionFindings = [
      { id: 'AwsSolutions-CFR1', reason: 'a public web page for clients worldwide; no country needs to be blocked' },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'a static page without forms or server logic: there is nothing here for a WAF to inspect; the API it calls has its own front door',
      },
    ];
    if (!props.accessLogsBucket) {
      distributionFindings.push({ id: 'AwsSolutions-CFR3', reason: 'no accessLogsBucket was given to StaticSite; pass the platform accessLogsBucket to keep CloudFront logs' });
      addNagSuppressions(this.bucket, [
        { id: 'AwsSolutions-S1', reason: 'no accessLogsBucket was given to StaticSite; the bucket is reachable only through CloudFront origin access control' },
      ]);
    }
    addNagSuppressions(this.distribution, distributionFindings);
    // aws-cdk-lib's own singleton functions: the bucket deployment handler and the auto-delete provider.
    suppressS3HelperFunctions(Stack.of(this), true);
    addNagSuppressions(deployment, [
      { id: 'AwsSolutions-IAM5', reason: 'aws-cdk-lib BucketDeployment needs object-level wildcards on the site bucket and its asset bucket to sync files' },
    ], true);
  }

  private validateProps(props: StaticSiteProps): void {
    validateDnsName(this, 'siteName', props.siteName, 63);
    if (props.siteName === 'api') {
      throw new PropError(this, 'siteName', props.siteName, '"api" is the platform\'s front door');
    }
    validateSiteFolder(this, 'sourcePath', props.sourcePath, 'the built site');
  }
}
