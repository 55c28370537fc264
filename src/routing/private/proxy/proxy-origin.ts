import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { PROXY_LOGS_PREFIX as PROXY_LOG_PREFIX } from './log-forwarder';
import { proxyPublisher } from './proxy-publisher';
import { proxyInstanceUserData } from './proxy-user-data';
import { PROXY_BUNDLE_KEY } from './publisher-code';
import { platformPath, proxyRoutesPath } from '../../../contract/names';
import { PropError } from '../../../core/errors';
import { addNagSuppressions } from '../../../core/nag';
import { isUnresolved, validateIntegerRange } from '../../../core/validation';
import { ProxyInstanceOptions } from '../../long-lived-origin-type';
import { admitCloudFront } from '../long-lived-origin';

/** The port the proxy listens on for CloudFront (HTTP inside the VPC). @internal */
export const PROXY_PORT = 80;

/** @internal */
export interface LongLivedProxyProps {
  readonly platformName: string;
  /** `<platformName>-<Region>`: the VPC origin's name must be unique in the account. */
  readonly accountWidePrefix: string;
  readonly vpc: ec2.IVpc;
  /** The platform's private subnets; the instance goes into one of them. */
  readonly subnets: ec2.SubnetSelection;
  /** The platform's Cloud Map namespace, where the services' SRV records are. */
  readonly namespaceName: string;
  readonly options: ProxyInstanceOptions;
  readonly idleTimeout: Duration;
  readonly readTimeout: Duration;
  /** Who may reach the proxy; undefined: CloudFront's VPC origin security group, looked up at deploy time. */
  readonly cloudFrontPeer?: ec2.IPeer;
  /**
   * Open the proxy's port to CloudFront here (see `LongLivedOriginProps.admitCloudFront`).
   * @default true
   */
  readonly admitCloudFront?: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Where the proxy bucket's server access logs go. */
  readonly accessLogsBucket?: s3.IBucket;
}

/**
 * The long-lived origin as one small instance running HAProxy (`LongLivedOriginType.proxyInstance()`):
 * - the instance, in one private subnet, IMDSv2 only, no key pair, no public address, reached
 *   by CloudFront through a VPC origin on port 80 (only from CloudFront's VPC origin group);
 * - a bucket that carries its configuration (one bundle object) and its log batches, which the
 *   instance reaches through the VPC's S3 gateway endpoint (no NAT needed);
 * - the publisher function that renders the configuration from the services' route records
 *   (SSM) and forwards the log batches to the platform log group `/platform/<name>/long-lived-proxy`;
 * - alarms: the instance's status (to the platform's topic) and a reboot when its own status
 *   check fails (EC2's automatic recovery handles the system check on the same instance id).
 * @internal
 */
export class LongLivedProxy extends Construct {
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly instance: ec2.Instance;
  public readonly vpcOrigin: cloudfront.VpcOrigin;
  public readonly origin: cloudfront.IOrigin;
  public readonly bucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** Alarms for the platform's topic. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private lookup?: IConstruct;

  constructor(scope: Construct, id: string, props: LongLivedProxyProps) {
    super(scope, id);
    const options = props.options;
    const instanceType = options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO);
    const subnet = pickSubnet(this, props.vpc, props.subnets, options.availabilityZone);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `${platformPath(props.platformName)}/long-lived-proxy`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The publisher deletes each log batch once forwarded; a batch it could not forward goes
      // after a week. The configuration bundle is rewritten, never expired.
      lifecycleRules: [{ prefix: PROXY_LOG_PREFIX, expiration: Duration.days(7) }],
      removalPolicy: props.removalPolicy,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? 'long-lived-proxy-bucket/' : undefined,
    });
    if (!props.accessLogsBucket) {
      addNagSuppressions(this.bucket, [{
        id: 'AwsSolutions-S1',
        reason: 'server access logs are off because the GlobalPlatform prop accessLogs is false; the bucket holds only the proxy\'s rendered configuration and its log batches',
      }]);
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.platformName} long-lived proxy instance: CloudFront VPC origin in, service tasks and S3 out`,
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.allTcp(), 'to service tasks in the VPC');
    // S3 (configuration, logs, Amazon Linux packages) through the gateway endpoint; the SSM
    // endpoints for Session Manager where the subnets reach them.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3 (gateway endpoint) and AWS APIs');

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `${props.platformName} long-lived proxy instance: reads its configuration, writes its log batches`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(PROXY_BUNDLE_KEY)] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${PROXY_LOG_PREFIX}*`)] }));
    addNagSuppressions(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'the instance writes its log batches under logs/ in its own bucket (one object per batch, named at run time)',
      appliesTo: [`Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${PROXY_LOG_PREFIX}*`],
    }], true);
    if (options.sessionManager) {
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'));
      addNagSuppressions(role, [{
        id: 'AwsSolutions-IAM4',
        reason: 'sessionManager: true asks for Session Manager, which needs AWS\'s AmazonSSMManagedInstanceCore on the instance role',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
      }]);
    }

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [subnet] },
      instanceType,
      machineImage: options.machineImage ?? defaultProxyImage(instanceType),
      securityGroup: this.securityGroup,
      role,
      userData: proxyInstanceUserData({
        bucketName: this.bucket.bucketName,
        region: Stack.of(this).region,
        idleTimeoutSeconds: props.idleTimeout.toSeconds(),
        maxConnections: options.maxConnections ?? 4096,
      }),
      // A new set-up (a new version of this library) gives a new instance: cloud-init runs user
      // data only at an instance's first boot.
      userDataCausesReplacement: true,
      associatePublicIpAddress: false,
      detailedMonitoring: false,
      // Burstable types default to unlimited credits, billed when the average passes the
      // baseline (5% of 2 vCPUs on a t4g.nano): standard caps the bill at the hourly price.
      creditSpecification: ec2.CpuCredits.STANDARD,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
      }],
    });
    imageAndMetadataInLaunchTemplate(this, this.instance);
    addNagSuppressions(this.instance, [
      { id: 'AwsSolutions-EC28', reason: 'detailed monitoring (about $2.10 a month of metrics) would add 60% to the proxy instance\'s cost; its status checks are 1-minute metrics anyway' },
      { id: 'AwsSolutions-EC29', reason: 'the proxy instance carries no state (its configuration is rendered into S3); termination protection would block stack updates' },
    ]);

    this.vpcOrigin = new cloudfront.VpcOrigin(this, 'VpcOrigin', {
      endpoint: cloudfront.VpcOriginEndpoint.ec2Instance(this.instance),
      vpcOriginName: `${props.accountWidePrefix}-long-lived-proxy`,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      httpPort: PROXY_PORT,
      httpsPort: 443,
    });
    this.origin = origins.VpcOrigin.withVpcOrigin(this.vpcOrigin, {
      readTimeout: props.readTimeout,
      keepaliveTimeout: Duration.seconds(60),
    });
    if (props.admitCloudFront !== false) {
      this.lookup = admitCloudFront(this, this.securityGroup, props.vpc, this.vpcOrigin, PROXY_PORT, props.cloudFrontPeer);
    }

    proxyPublisher(this, 'Publisher', {
      platformName: props.platformName,
      bucket: this.bucket,
      logGroup: this.logGroup,
      routesPath: proxyRoutesPath(props.platformName),
      namespaceName: props.namespaceName,
      idleTimeoutSeconds: props.idleTimeout.toSeconds(),
      maxConnections: options.maxConnections ?? 4096,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.alarms.push(...proxyAlarms(this, props.platformName, this.instance));

  }

  /** Makes the VPC origin security group look-up wait for the distribution (see `LongLivedOrigin.lookUpAfter`). */
  public lookUpAfter(distribution: IConstruct): void {
    this.lookup?.node.addDependency(distribution);
  }
}

/** The private subnet of the instance: the first, or the one in `availabilityZone`. */
function pickSubnet(scope: Construct, vpc: ec2.IVpc, selection: ec2.SubnetSelection, zone?: string): ec2.ISubnet {
  const subnets = vpc.selectSubnets(selection).subnets;
  if (zone === undefined || isUnresolved(zone)) return subnets[0];
  const match = subnets.find(s => s.availabilityZone === zone);
  if (!match) {
    throw new PropError(scope, 'longLivedConnections.origin availabilityZone', zone,
      `expected one of the platform's zones: ${subnets.map(s => s.availabilityZone).join(', ')}`);
  }
  return match;
}

/** The newest Amazon Linux 2023 for the instance's architecture, resolved at launch (ADR 12). @internal */
export function defaultProxyImage(instanceType: ec2.InstanceType): ec2.IMachineImage {
  const cpu = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64';
  return ec2.MachineImage.resolveSsmParameterAtLaunch(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${cpu}`);
}

/**
 * IMDSv2 only, and the image in the launch template (as the NAT instances have it, ADR 12):
 * AWS::EC2::Instance has no metadata options, and cfn-lint accepts `resolve:ssm:` image ids only
 * in launch templates. Unnamed, so two platforms in one account do not collide.
 */
function imageAndMetadataInLaunchTemplate(scope: Construct, instance: ec2.Instance): void {
  const cfnInstance = instance.node.defaultChild as ec2.CfnInstance;
  const template = new ec2.CfnLaunchTemplate(scope, 'LaunchTemplate', {
    launchTemplateData: {
      imageId: cfnInstance.imageId,
      metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 },
      // EC2's simplified automatic recovery (the default for supported types, here explicit):
      // a failed system status check moves the same instance, id and private address, to new hardware.
      maintenanceOptions: { autoRecovery: 'default' },
    },
  });
  cfnInstance.imageId = undefined;
  // The subnet names the zone (cfn-lint W3010 would flag the zone name written twice).
  cfnInstance.availabilityZone = undefined;
  cfnInstance.launchTemplate = { launchTemplateId: template.ref, version: template.attrLatestVersionNumber };
}

/**
 * The instance's alarms:
 * - `<platform>-long-lived-proxy-status`: a failed status check, or no status data (a stopped
 *   instance), in 3 of 3 minutes, to the platform's topic ($0.10 a month);
 * - `<platform>-long-lived-proxy-reboot`: the instance's own status check (the OS: memory,
 *   kernel, network configuration) failed for 3 minutes: EC2 reboots it ($0.10 a month).
 */
function proxyAlarms(scope: Construct, platformName: string, instance: ec2.Instance): cloudwatch.Alarm[] {
  const metric = (metricName: string) => new cloudwatch.Metric({
    namespace: 'AWS/EC2',
    metricName,
    dimensionsMap: { InstanceId: instance.instanceId },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(1),
  });
  const status = new cloudwatch.Alarm(scope, 'StatusAlarm', {
    metric: metric('StatusCheckFailed'),
    alarmName: `${platformName}-long-lived-proxy-status`,
    alarmDescription: `The ${platformName} platform's long-lived proxy instance failed a status check or sends no status data (stopped)`
      + ' for 3 minutes: WebSockets and streams on the front door\'s long-lived paths fail (HTTP API routes do not). EC2 recovers a'
      + ' failed system check and the reboot alarm restarts a failed instance check; a stopped instance must be started',
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  const reboot = new cloudwatch.Alarm(scope, 'RebootAlarm', {
    metric: metric('StatusCheckFailed_Instance'),
    alarmName: `${platformName}-long-lived-proxy-reboot`,
    alarmDescription: `Reboots the ${platformName} platform's long-lived proxy instance when its instance status check fails for 3 minutes`,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  reboot.addAlarmAction(new cwActions.Ec2Action(cwActions.Ec2InstanceAction.REBOOT));
  return [status];
}

/** The proxy instance's options. @internal */
export function validateProxyInstanceOptions(scope: IConstruct, prop: string, options: ProxyInstanceOptions): void {
  validateIntegerRange(scope, `${prop}.maxConnections`, options.maxConnections, 100, 100_000);
  const type = options.instanceType;
  if (type && !Token.isUnresolved(type.toString()) && options.machineImage === undefined
    && type.architecture !== ec2.InstanceArchitecture.ARM_64 && type.architecture !== ec2.InstanceArchitecture.X86_64) {
    throw new PropError(scope, `${prop}.instanceType`, type.toString(), 'expected an arm64 or x86_64 instance type');
  }
}
