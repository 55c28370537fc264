import { Annotations, CfnOutput, Duration, Fn, Names, RemovalPolicy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { ControlWaivers } from '../../core/controls';
import { PropError } from '../../core/errors';
import { GuardWaiversValidator } from '../../core/guard-waivers-validator';
import { addNagSuppressions } from '../../core/nag';
import { addStackDependency } from '../../core/stacks';
import { tagServiceResources } from '../../core/tags';

/** A commercial, GovCloud or China Region name such as `eu-west-1`, `ap-southeast-5` or `us-gov-west-1`. */
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Status codes of the primary (the site's bucket) on which CloudFront asks the replica. Only
 * errors of S3 itself: with origin access control a missing object is a 403 (and a 404 with
 * `s3:ListBucket`), which the site's single-page-app fallback turns into `index.html`; failing over
 * on them would ask the replica for every unknown path, and the replica, a copy behind the
 * primary, never has a file that the primary lacks. Connection failures and timeouts fail over
 * whatever the list says.
 * @internal
 */
export const REPLICA_FAILOVER_STATUS_CODES = [500, 502, 503, 504];

/** The output of the site's stack with the distribution id, read by the replica's policy stack. */
const DISTRIBUTION_OUTPUT = 'DistributionId';
/** The output of the replica stack with the replica bucket's name. */
const BUCKET_OUTPUT = 'ReplicaBucketName';

/**
 * `replicaRegion` of a site in `siteStack`: a Region name, known at synth time (it names a stack's
 * Region), other than the site stack's Region, which must be explicit too.
 * @internal
 */
export function validateReplicaRegion(scope: IConstruct, prop: string, region: string): void {
  if (Token.isUnresolved(region)) {
    throw new PropError(scope, prop, '(unresolved)', 'expected a Region name known at synth time such as "eu-west-1": the replica bucket is'
      + ' created in a stack of that Region');
  }
  if (!REGION_RE.test(region)) {
    throw new PropError(scope, prop, region, 'expected a Region name such as "eu-west-1" or "ap-southeast-2"');
  }
  const siteRegion = Stack.of(scope).region;
  if (Token.isUnresolved(siteRegion)) {
    throw new PropError(scope, 'stack region', '(unresolved)', `a site with ${prop} needs a stack with an explicit region (env: { account, region }):`
      + ' the replica\'s stacks read the site\'s distribution from that Region');
  }
  if (region === siteRegion) {
    throw new PropError(scope, prop, region, `expected another Region than the site's own (${siteRegion}): a replica in the same Region fails with it`);
  }
  // Replication and the stacks' cross-Region outputs stay within a partition.
  const partition = RegionInfo.get(region).partition;
  const sitePartition = RegionInfo.get(siteRegion).partition;
  if (partition === undefined) {
    // A Region newer than this aws-cdk-lib: allowed, with a warning (its partition is unknown).
    Annotations.of(scope).addWarningV2('@georgi-io/platform-constructs:unknownReplicaRegion', `${prop} "${region}" is a region this aws-cdk-lib`
      + ` does not know: check that it is in the site's partition (${sitePartition ?? 'unknown'}), or upgrade aws-cdk-lib`);
    return;
  }
  if (sitePartition !== undefined && partition !== sitePartition) {
    throw new PropError(scope, prop, region, `expected a Region in the site's partition (${sitePartition}), not ${partition}:`
      + ' replication and cross-Region stack outputs do not cross partitions');
  }
}

/** @internal */
export interface SiteReplicaProps {
  readonly siteName: string;
  readonly platformName: string;
  readonly region: string;
  /** The site's bucket (versioned), the replication source. */
  readonly bucket: s3.Bucket;
}

/**
 * The replica of a static site in another Region (see `StaticSiteProps.replicaRegion`): two sibling
 * stacks of the site's stack in the same app or stage, and in the site's stack the replication
 * role, the site bucket's replication rule and the origin group.
 *
 * Order (no cycle, no crossRegionReferences): `<stack>-<siteName>-<region>` holds the replica
 * bucket and deploys first (S3 refuses a replication rule whose destination is not versioned:
 * PutBucketReplication answers "Destination bucket must have versioning enabled"); the site's
 * stack reads the bucket's name with `Fn::GetStackOutput`; `<stack>-<siteName>-<region>-policy`
 * deploys after the site's stack and gives the bucket its policy, which names the distribution
 * (`AWS:SourceArn`), read with `Fn::GetStackOutput` too. A bucket has one policy, so all of the
 * replica bucket's statements are in that last stack.
 * @internal
 */
export class SiteReplica {
  /** The stack with the replica bucket, deployed before the site's stack. */
  public readonly bucketStack: Stack;
  /** The stack with the replica bucket's policy, deployed after the site's stack. */
  public readonly policyStack: Stack;
  /** The replica bucket, as the replica stack holds it. */
  public readonly replicaBucket: s3.Bucket;
  /** The replica bucket, as the site's stack reads it (Fn::GetStackOutput). */
  public readonly importedReplica: s3.IBucket;
  /** The replication role of the site's bucket. */
  public readonly replicationRole: iam.Role;

  private readonly site: Construct;
  private readonly props: SiteReplicaProps;

  constructor(site: Construct, props: SiteReplicaProps) {
    this.site = site;
    this.props = props;
    const siteStack = Stack.of(site);
    const parent = Stage.of(siteStack) ?? siteStack.node.root;
    const baseId = `${siteStack.node.id}-${props.siteName}-${props.region}`;
    if (parent.node.tryFindChild(baseId)) {
      throw new PropError(site, 'siteName', props.siteName, `the stack ${siteStack.stackName} already holds a site ${props.siteName} with a replica in ${props.region}`);
    }
    const env = { account: siteStack.account, region: props.region };
    const baseName = `${siteStack.stackName}-${props.siteName}-${props.region}`;
    this.bucketStack = new Stack(parent, baseId, {
      env,
      stackName: baseName,
      description: `replica bucket of the ${props.siteName} site (stack ${siteStack.stackName}); deploy before it`,
    });
    this.policyStack = new Stack(parent, `${baseId}-policy`, {
      env,
      stackName: `${baseName}-policy`,
      description: `policy of the replica bucket of the ${props.siteName} site (stack ${siteStack.stackName}); deploy after it`,
    });

    this.replicaBucket = this.createReplicaBucket();
    const bucketName = this.readFromBucketStack(siteStack);
    this.importedReplica = s3.Bucket.fromBucketAttributes(site, 'ReplicaBucket', { bucketName, region: props.region, account: siteStack.account });

    // Least privilege after "Setting up permissions for live replication" (Amazon S3 User Guide,
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html).
    this.replicationRole = new iam.Role(site, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `S3 replicates the ${props.siteName} site's files to ${props.region}`,
    });
    this.replicationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: [props.bucket.bucketArn],
    }));
    this.replicationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      resources: [props.bucket.arnForObjects('*')],
    }));
    this.replicationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      resources: [this.importedReplica.arnForObjects('*')],
    }));
    addNagSuppressions(this.replicationRole, [{
      id: 'AwsSolutions-IAM5',
      reason: 'S3 replication reads every object version of the site bucket and writes every key of its replica: the object wildcards are the two buckets\' own',
    }], true);

    const cfnBucket = props.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.replicationConfiguration = {
      role: this.replicationRole.roleArn,
      rules: [{
        id: `replicate-to-${props.region}`,
        status: 'Enabled',
        priority: 0,
        filter: { prefix: '' },
        // Files that a deploy prunes are deleted in the replica too (delete markers replicate).
        deleteMarkerReplication: { status: 'Enabled' },
        destination: { bucket: this.importedReplica.bucketArn },
      }],
    };
  }

  /**
   * The origin of the site's behaviours: the site's bucket, and the replica when the site's bucket
   * fails, through the same origin access control (one serves any number of S3 origins).
   */
  public originGroup(primary: cloudfront.IOrigin, originAccessControl: cloudfront.IOriginAccessControl): cloudfront.IOrigin {
    const fallbackOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.importedReplica, { originAccessControl });
    return new origins.OriginGroup({ primaryOrigin: primary, fallbackOrigin, fallbackStatusCodes: REPLICA_FAILOVER_STATUS_CODES });
  }

  /**
   * The replica's bucket policy, in the policy stack (after the distribution exists): TLS 1.2 or
   * newer only, and reads by this distribution only, through origin access control.
   */
  public grantRead(distribution: cloudfront.IDistribution): void {
    // aws-cdk-lib cannot write the policy of the imported replica: the policy stack does.
    Annotations.of(this.site).acknowledgeWarning('@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      'the replica bucket\'s policy, with this distribution as AWS:SourceArn, is in the replica\'s policy stack');
    const siteStack = Stack.of(this.site);
    const outputId = `${Names.uniqueId(this.site).replace(/[^A-Za-z0-9]/g, '')}${DISTRIBUTION_OUTPUT}`;
    const output = new CfnOutput(siteStack, outputId, {
      value: distribution.distributionId,
      description: `read by ${this.policyStack.stackName} (Fn::GetStackOutput)`,
    });
    output.overrideLogicalId(outputId);
    addStackDependency(this.policyStack, siteStack, `names the distribution of the ${this.props.siteName} site in its replica's bucket policy`);
    addStackDependency(this.policyStack, this.bucketStack, `holds the policy of the replica bucket of the ${this.props.siteName} site`);
    const distributionId = Fn.getStackOutput(siteStack.stackName, outputId, siteStack.region);

    const scope = new Construct(this.policyStack, 'Replica');
    ControlWaivers.applyTo(scope);
    tagServiceResources(scope, this.props.platformName, this.props.siteName);
    const bucketName = Fn.getStackOutput(this.bucketStack.stackName, BUCKET_OUTPUT, this.props.region);
    const bucket = s3.Bucket.fromBucketAttributes(scope, 'ReplicaBucket', { bucketName, region: this.props.region });
    const policy = new s3.BucketPolicy(scope, 'Policy', { bucket });
    const everything = [bucket.bucketArn, bucket.arnForObjects('*')];
    policy.document.addStatements(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: everything,
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: everything,
        conditions: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      }),
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { StringEquals: { 'AWS:SourceArn': `arn:${this.policyStack.partition}:cloudfront::${this.policyStack.account}:distribution/${distributionId}` } },
      }),
    );
    // CT.S3.PR.8 recognises the bucket's ARN only as a literal or a GetAtt of a bucket in the same template.
    GuardWaiversValidator.waive(policy, 's3_bucket_policy_ssl_requests_only_check', 'the statement is there (deny s3:* when aws:SecureTransport is false):'
      + ' the bucket is in the replica stack, so its ARN is a deploy-time value (Fn::GetStackOutput) that the rule cannot read');
  }

  private createReplicaBucket(): s3.Bucket {
    const scope = new Construct(this.bucketStack, 'Replica');
    ControlWaivers.applyTo(scope);
    tagServiceResources(scope, this.props.platformName, this.props.siteName);
    const bucket = new s3.Bucket(scope, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Replication needs versioning on both buckets; the replaced versions of a file go after
      // 30 days as in the site's bucket, and so do the delete markers left alone after them.
      versioned: true,
      lifecycleRules: [{
        id: 'expire-replaced-files',
        noncurrentVersionExpiration: Duration.days(30),
        expiredObjectDeleteMarker: true,
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      // Retained whatever the site's removal policy: emptying a bucket on delete (aws-cdk-lib's
      // autoDeleteObjects) needs a statement in its policy, which is in the policy stack, deleted first.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const output = new CfnOutput(this.bucketStack, BUCKET_OUTPUT, {
      value: bucket.bucketName,
      description: `read by ${Stack.of(this.site).stackName} and ${this.policyStack.stackName} (Fn::GetStackOutput)`,
    });
    output.overrideLogicalId(BUCKET_OUTPUT);
    addNagSuppressions(bucket, [
      {
        id: 'AwsSolutions-S1',
        reason: 'a replica of a site bucket, read only by the site\'s CloudFront distribution (origin access control), whose access logs record every request',
      },
      {
        id: 'AwsSolutions-S10',
        reason: 'the bucket\'s policy (TLS only, 1.2 or newer) is in the replica\'s policy stack, which deploys after the site\'s distribution that it names',
      },
      {
        id: 'NIST.800.53.R5-S3BucketSSLRequestsOnly',
        reason: 'the bucket\'s policy (TLS only, 1.2 or newer) is in the replica\'s policy stack, which deploys after the site\'s distribution that it names',
      },
    ]);
    return bucket;
  }

  /** The replica bucket's name for `consumer`'s stack, which deploys after the replica stack. */
  private readFromBucketStack(consumer: Stack): string {
    addStackDependency(consumer, this.bucketStack, `replicates the ${this.props.siteName} site to the bucket of ${this.bucketStack.stackName}`);
    return Fn.getStackOutput(this.bucketStack.stackName, BUCKET_OUTPUT, this.props.region);
  }
}
