import { CfnResource, Duration, Names, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { SiteReplica, validateReplicaRegion } from './private/site-replica';
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

  /**
   * A second Region (such as `eu-west-1`) with a copy of the site: a replica bucket there, S3
   * Cross-Region Replication from the site's bucket to it (deleted files included), and an origin
   * group as the origin of the site's behaviours: CloudFront asks the replica when the site's
   * bucket answers 500, 502, 503 or 504, or does not answer (by default 3 connection attempts of
   * 10 s each). Not on 403 and 404: with origin access control a missing file is a 403, which the
   * single-page-app fallback serves as `index.html`; the replica, a copy behind the site's bucket,
   * would never have it either. Origin groups fail over GET, HEAD and OPTIONS only, all that the
   * site's behaviours allow (GET and HEAD). See
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html.
   *
   * Two stacks are added beside the site's stack, in the same app or stage:
   * `<stackName>-<siteName>-<region>` with the replica bucket, deployed first (S3 accepts a
   * replication rule only to an existing, versioned bucket), and
   * `<stackName>-<siteName>-<region>-policy` with the replica bucket's policy (TLS 1.2 or newer,
   * reads by this distribution only), deployed after the site's stack whose distribution it
   * names. Values cross with `Fn::GetStackOutput`. Deploy with `cdk deploy --all` (or name all
   * three): until the policy stack is deployed, the replica cannot be read. The site's stack
   * must have an explicit Region, and the replica's Region must be in the same partition.
   *
   * Deployed files reach the replica through replication, not through the deployment: "the
   * majority of objects replicate within 15 minutes, but they can sometimes take a couple of
   * hours" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-troubleshoot.html;
   * S3 Replication Time Control, a paid option not used here, promises 15 minutes). So, during
   * a failover soon after a deploy, the replica may serve the previous version of some files.
   * Setting the option on an existing site deploys its files again, so that the files there
   * before replication (which S3 does not replicate) reach the replica too.
   *
   * The replica bucket is versioned, encrypted with SSE-S3, keeps replaced files 30 days like
   * the site's bucket, and is retained when its stack is deleted, whatever `removalPolicy` says
   * (empty and delete it by hand).
   *
   * Cost a month (us-east-1 list prices, other Regions a little more): the replica's storage,
   * $0.023 per GB-month (with the replaced versions of the last 30 days: every deploy uploads
   * every file again); replication PUT requests at $0.005 per 1,000 files; inter-Region data
   * transfer at $0.02 per GB replicated; CloudFront's requests to the replica only during a
   * failover. A 5 MB site of 50 files deployed 20 times a month costs about 1 cent.
   *
   * @default - no replica: the site is served from its bucket's Region only
   */
  readonly replicaRegion?: string;
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
   * The replica bucket in `replicaRegion`, in its own stack (`<stackName>-<siteName>-<region>`).
   *
   * @default - undefined without `replicaRegion`
   */
  public readonly replicaBucket?: s3.IBucket;

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

    const replica = props.replicaRegion ? new SiteReplica(this, {
      siteName: props.siteName,
      platformName: platform.platformName,
      region: props.replicaRegion,
      bucket: this.bucket,
    }) : undefined;
    this.replicaBucket = replica?.replicaBucket;

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
    const bucketOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket, { originAccessControl });
    const origin = replica ? replica.originGroup(bucketOrigin, originAccessControl) : bucketOrigin;
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

    replica?.grantRead(this.distribution);

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
    if (replica) {
      // A new replica (or a replaced one) changes the deployment, which uploads every file again:
      // S3 replicates only what is written after the replication rule.
      const resource = deployment.node.findAll().find(c => CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::CDKBucketDeployment') as CfnResource;
      resource.addPropertyOverride('ReplicaBucketName', replica.importedReplica.bucketName);
      // The upload waits for the replication role's policy: S3 replicates with it from the first file.
      resource.node.addDependency(replica.replicationRole);
    }
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
    if (props.replicaRegion !== undefined) validateReplicaRegion(this, 'replicaRegion', props.replicaRegion);
  }
}
