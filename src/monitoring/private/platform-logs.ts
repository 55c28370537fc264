import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { platformPath } from '../../contract/names';
import { PropError } from '../../core/errors';
import { addNagSuppressions, suppressS3HelperFunctions } from '../../core/nag';
import { validateRetention } from '../../core/validation';

/** @internal */
export interface PlatformLogsProps {
  readonly platformName: string;
  readonly retention: logs.RetentionDays;
  readonly flowLogs: boolean;
  readonly accessLogs: boolean;
  /** Of the log groups and the bucket; with DESTROY the bucket is emptied first. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The platform's central logs: CloudWatch log groups for the API's access log and the VPC flow
 * log, named `/platform/<name>/...`, and (optionally) one S3 bucket for the access logs of the
 * front door and the internal load balancer, which only S3 can receive.
 *
 * @internal
 */
export class PlatformLogs extends Construct {
  public readonly apiAccessLogGroup: logs.LogGroup;
  public readonly flowLogGroup?: logs.LogGroup;
  public readonly accessLogsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: PlatformLogsProps) {
    super(scope, id);
    const group = (name: string) => new logs.LogGroup(this, name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()), {
      logGroupName: `${platformPath(props.platformName)}/${name}`,
      retention: props.retention,
      removalPolicy: props.removalPolicy,
    });
    this.apiAccessLogGroup = group('api-access');
    if (props.flowLogs) this.flowLogGroup = group('vpc-flow');

    if (props.accessLogs) {
      const days = props.retention === logs.RetentionDays.INFINITE ? undefined : props.retention;
      this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED, // ALB access logs accept SSE-S3 only
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        // CloudFront standard logs are written with an ACL, which needs ACLs enabled.
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        lifecycleRules: days ? [{ expiration: Duration.days(days) }] : undefined,
        removalPolicy: props.removalPolicy,
        autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
      });
      addNagSuppressions(this.accessLogsBucket, [{
        id: 'AwsSolutions-S1',
        reason: 'this is the access-log bucket itself; logging its own access into itself would loop',
      }]);
      suppressS3HelperFunctions(Stack.of(this));
    }
  }
}

/** Log retention, and a removal policy the logs, the bucket and the KMS keys support. @internal */
export function validateLogOptions(scope: IConstruct, retention: logs.RetentionDays | undefined, removalPolicy: RemovalPolicy | undefined): void {
  if (retention !== undefined) validateRetention(scope, 'logRetention', retention);
  if (removalPolicy === RemovalPolicy.SNAPSHOT) {
    throw new PropError(scope, 'removalPolicy', removalPolicy,
      'expected RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY: log groups, buckets and KMS keys have no snapshots');
  }
}
