import { CfnResource, Token } from 'aws-cdk-lib';

/**
 * The security controls this library is held against: the AWS Control Tower proactive controls
 * (the cfn-guard rules that `@cdklabs/cdk-validator-cfnguard` bundles) and cdk-nag's NIST
 * 800-53 R5 pack, beside AwsSolutions. Each control is met by default, met by an opt-in prop (whose
 * monthly cost the reason gives), or waived with the reason it does not apply or costs too much.
 *
 * One list for the waivers the constructs record (as cdk-nag suppressions and as
 * `Metadata.guard.SuppressedRules`), for the README's table (`scripts/control-table.ts`) and for
 * the tests; `ControlWaivers` (src/core/controls.ts) applies it. See docs/adr/0011-security-controls.md.
 */

/** How a control is met. @internal */
export type ControlStatus = 'default' | 'opt-in' | 'waived';

/** One control. @internal */
export interface Control {
  /** Short, stable id (used in the README table). */
  readonly id: string;
  /** What the control asks for. */
  readonly title: string;
  /** Control Tower cfn-guard rule names (the `[CT....]` ids in the rules' messages). */
  readonly guard: string[];
  /** cdk-nag NIST 800-53 R5 rule ids. */
  readonly nist: string[];
  readonly status: ControlStatus;
  /**
   * default: how the library meets it; opt-in and waived: the reason recorded where the finding
   * is raised (for opt-in: the prop and its monthly cost).
   */
  readonly reason: string;
  /**
   * The CloudFormation resources the waiver applies to: for an opt-in or waived control, where
   * it is raised; for a control met by default, its exceptions (with `exception` as reason).
   */
  readonly appliesTo?: (resource: CfnResource, properties: Record<string, any>) => boolean;
  /** A control met by default: why `appliesTo`'s resources are exempt. */
  readonly exception?: string;
}

const isType = (...types: string[]) => (r: CfnResource) => types.includes(r.cfnResourceType);
const literal = (value: unknown) => typeof value === 'string' && !Token.isUnresolved(value);
const asList = (value: unknown): any[] => Array.isArray(value) ? value : [];

/** @internal */
export const CONTROLS: Control[] = [
  // ---------------------------------------------------------------------- met by default
  {
    id: 'api-route-authorization',
    title: 'HTTP API routes have an authorization type',
    guard: ['api_gw_v2_authorization_type_configured_check'],
    nist: [],
    status: 'default',
    reason: 'every service route has the front door\'s origin check (and the JWT check with jwtIssuer) as a Lambda authorizer (ADR 10)',
  },
  {
    id: 'ecs-non-root',
    title: 'containers run as a non-root user',
    guard: ['ecs_task_definition_nonroot_user_check'],
    nist: [],
    status: 'default',
    reason: 'ContainerService sets user 1000:1000 (override: user, allowRootUser)',
  },
  {
    id: 'ecs-read-only-root',
    title: 'containers have a read-only root filesystem',
    guard: ['ecs_containers_readonly_access_check'],
    nist: [],
    status: 'default',
    reason: 'ContainerService sets readonlyRootFilesystem with a /tmp scratch volume (writablePaths)',
  },
  {
    id: 'ecs-memory-limit',
    title: 'containers have a memory hard limit',
    guard: ['ecs_task_definition_memory_hard_limit_check'],
    nist: [],
    status: 'default',
    reason: 'ContainerService sets the container\'s Memory to the task\'s (containerMemoryLimitMiB)',
  },
  {
    id: 'subnet-no-auto-public-ip',
    title: 'subnets do not assign public IPv4 addresses on launch',
    guard: ['subnet_auto_assign_public_ip_disabled_check'],
    nist: ['NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled'],
    status: 'default',
    reason: 'the public subnets have MapPublicIpOnLaunch false: NAT gateways take an Elastic IP, NAT instances and PUBLIC_TASKS tasks ask for their own address',
  },
  {
    id: 'lambda-permission-scoped',
    title: 'Lambda permissions for services name the source account or ARN',
    guard: ['lambda_function_public_access_prohibited_check'],
    nist: [],
    status: 'default',
    reason: 'every Lambda permission for a service principal carries SourceAccount besides its SourceArn',
  },
  {
    id: 'kms-grants-for-aws-resources',
    title: 'KMS keys allow grants only for AWS resources',
    guard: ['kms_create_grant_aws_service_check'],
    nist: [],
    status: 'default',
    reason: 'the alarm topic\'s key policy denies kms:CreateGrant unless kms:GrantIsForAWSResource is true',
  },
  {
    id: 'site-bucket-versioning',
    title: 'S3 buckets are versioned and have a lifecycle policy',
    guard: ['s3_bucket_versioning_enabled_check', 's3_lifecycle_policy_check'],
    nist: ['NIST.800.53.R5-S3BucketVersioningEnabled'],
    status: 'default',
    reason: 'a StaticSite bucket is versioned and removes replaced files 30 days after a deploy (pennies for a web page)',
    exception: 'not applicable to the access-log bucket: log files are written once and expire after their retention',
    appliesTo: (r, p) => isType('AWS::S3::Bucket')(r) && p.VersioningConfiguration?.Status !== 'Enabled',
  },
  {
    id: 'bucket-acls-disabled',
    title: 'S3 buckets have ACLs disabled (bucket owner enforced)',
    guard: ['s3_bucket_acl_prohibited_check'],
    nist: [],
    status: 'default',
    reason: 'site buckets enforce bucket ownership (no ACLs)',
    exception: 'not applicable to the access-log bucket: CloudFront standard logs are delivered with an ACL, which needs object ownership "bucket owner preferred"',
    appliesTo: (r, p) => isType('AWS::S3::Bucket')(r) && p.OwnershipControls?.Rules?.[0]?.ObjectOwnership !== 'BucketOwnerEnforced',
  },
  {
    id: 'nat-instance-imdsv2',
    title: 'EC2 instances require IMDSv2',
    guard: [],
    nist: ['NIST.800.53.R5-EC2IMDSv2Enabled'],
    status: 'default',
    reason: 'NatType.instance()\'s instances require IMDSv2 (a launch template with HttpTokens required)',
  },
  {
    id: 'nat-instance',
    title: 'EC2 instances have no public IPv4, detailed monitoring, encryption in transit, and sit in a VPC subnet',
    guard: ['ec2_instance_no_public_ip_check', 'ec2_instance_detailed_monitoring_enabled_check', 'ec2_instance_nitro_encryption_in_transit_check',
      'ec2_launch_template_monitoring_enabled_check'],
    nist: ['NIST.800.53.R5-EC2InstanceNoPublicIp', 'NIST.800.53.R5-EC2InstancesInVPC', 'NIST.800.53.R5-EC2InstanceDetailedMonitoringEnabled'],
    status: 'waived',
    reason: 'not applicable to NatType.instance() (the $3 alternative to a $33 NAT gateway): a NAT needs its public address and sits in a public subnet of the platform VPC (through its network interface); detailed monitoring (about $2.10 a month of metrics) would add 70% to a t4g.nano, and the Nitro types with encryption in transit cost several times as much',
    appliesTo: isType('AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate'),
  },
  // ----------------------------------------------------------------------- opt-in props
  {
    id: 'log-retention-one-year',
    title: 'log groups keep their logs for at least a year',
    guard: ['cloudwatch_log_group_retention_period_check'],
    nist: [],
    status: 'opt-in',
    reason: 'opt-in: logRetention (platform and services) is 30 days by default to bound storage ($0.03 per GB-month); set logs.RetentionDays.ONE_YEAR or longer',
    appliesTo: (r, p) => isType('AWS::Logs::LogGroup')(r) && typeof p.RetentionInDays === 'number' && p.RetentionInDays < 365,
  },
  {
    id: 'load-balancer-access-logs',
    title: 'load balancers write access logs',
    guard: ['elbv2_logging_enabled_check'],
    nist: ['NIST.800.53.R5-ELBLoggingEnabled'],
    status: 'opt-in',
    reason: 'opt-in: the platform\'s accessLogs: true logs the long-lived origin to the access-log bucket (S3 storage, $0.023 per GB-month)',
    appliesTo: (r, p) => isType('AWS::ElasticLoadBalancingV2::LoadBalancer')(r)
      && !asList(p.LoadBalancerAttributes).some((a: any) => a.Key === 'access_logs.s3.enabled' && a.Value === 'true'),
  },
  {
    id: 'cloudfront-access-logs',
    title: 'CloudFront distributions write access logs',
    guard: ['cloudfront_access_logs_enabled_check'],
    nist: [],
    status: 'opt-in',
    reason: 'opt-in: the platform\'s accessLogs: true (a StaticSite\'s accessLogsBucket) logs the distributions to S3 ($0.023 per GB-month); a bucket of another stack is a deploy-time name the rule cannot read',
    appliesTo: (r, p) => isType('AWS::CloudFront::Distribution')(r) && !literal(p.DistributionConfig?.Logging?.Bucket),
  },
  {
    id: 'container-insights',
    title: 'ECS clusters have Container Insights',
    guard: ['ecs_container_insights_enabled_check'],
    nist: [],
    status: 'opt-in',
    reason: 'opt-in: containerInsights: true (custom metrics per cluster, service and task: a few dollars a month for a few services)',
    appliesTo: (r, p) => isType('AWS::ECS::Cluster')(r)
      && !asList(p.ClusterSettings).some((s: any) => s.Name === 'containerInsights' && s.Value !== 'disabled'),
  },
  // ------------------------------------------------------------------------------ waived
  {
    id: 'log-group-kms',
    title: 'log groups are encrypted with a customer managed KMS key',
    guard: ['cloudwatch_log_group_encrypted_check'],
    nist: ['NIST.800.53.R5-CloudWatchLogGroupEncrypted'],
    status: 'waived',
    reason: 'cost: CloudWatch Logs encrypts log data at rest already; a customer managed key costs $1 a month plus requests and a key policy for the logs service',
    appliesTo: (r, p) => isType('AWS::Logs::LogGroup')(r) && !p.KmsKeyId,
  },
  {
    id: 'lambda-in-vpc',
    title: 'Lambda functions run in a VPC',
    guard: ['lambda_inside_vpc_check'],
    nist: ['NIST.800.53.R5-LambdaInsideVPC'],
    status: 'waived',
    reason: 'not applicable: the library\'s functions (authorizers, CORS preflights, deploy-time helpers) call only AWS APIs and public key sets; in a VPC they would need the NAT or interface endpoints ($7.30 a month per zone each)',
    appliesTo: (r, p) => isType('AWS::Lambda::Function')(r) && !p.VpcConfig,
  },
  {
    id: 'lambda-concurrency',
    title: 'Lambda functions reserve concurrency',
    guard: [],
    nist: ['NIST.800.53.R5-LambdaConcurrency'],
    status: 'waived',
    reason: 'not applicable: a reserved limit on an authorizer or deploy-time helper would turn bursts into errors; the API stage\'s throttling bounds the request rate',
    appliesTo: (r, p) => isType('AWS::Lambda::Function')(r) && p.ReservedConcurrentExecutions === undefined,
  },
  {
    id: 'lambda-dlq',
    title: 'Lambda functions have a dead-letter queue',
    guard: [],
    nist: ['NIST.800.53.R5-LambdaDLQ'],
    status: 'waived',
    reason: 'not applicable: authorizers and preflights are invoked synchronously by API Gateway; the custom-resource handlers are invoked asynchronously by CloudFormation, which fails the deploy on an error, so a dead-letter queue would hold nothing anyone acts on',
    appliesTo: (r, p) => isType('AWS::Lambda::Function')(r) && !p.DeadLetterConfig,
  },
  {
    id: 'iam-no-inline-policy',
    title: 'IAM policies are managed policies, not inline ones',
    guard: [],
    nist: ['NIST.800.53.R5-IAMNoInlinePolicy'],
    status: 'waived',
    reason: 'not applicable: the library\'s grants are AWS::IAM::Policy resources attached to exactly one role and scoped to that role\'s resources; a managed policy could be attached to other principals',
    appliesTo: r => isType('AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group')(r),
  },
  {
    id: 'igw-route',
    title: 'no route to the internet gateway from a subnet',
    guard: [],
    nist: ['NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW'],
    status: 'waived',
    reason: 'not applicable: the public subnets\' default route to the internet gateway makes them public; they hold the NAT and, with NatType.PUBLIC_TASKS, tasks whose security groups admit only the VPC link and the load balancer',
    appliesTo: (r, p) => isType('AWS::EC2::Route')(r) && p.GatewayId !== undefined,
  },
  {
    id: 'ecs-public-ip',
    title: 'ECS services do not assign public IPv4 addresses',
    guard: ['ecs_service_assign_public_ip_disabled_check'],
    nist: [],
    status: 'waived',
    reason: 'cost: ENABLED only with NatType.PUBLIC_TASKS (each task\'s own IPv4, $3.65 a month, instead of a $32.85 NAT gateway); an imported platform\'s setting is read at deploy time; the tasks\' security groups admit only the VPC link and the load balancer',
    appliesTo: (r, p) => isType('AWS::ECS::Service')(r)
      && p.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp !== 'DISABLED',
  },
  {
    id: 'load-balancer-deletion-protection',
    title: 'load balancers have deletion protection',
    guard: ['elbv2_deletion_protection_enabled_check'],
    nist: ['NIST.800.53.R5-ELBDeletionProtectionEnabled'],
    status: 'waived',
    reason: 'not applicable: the internal load balancer holds no data and a deploy recreates it; deletion protection would make every stack deletion fail',
    appliesTo: isType('AWS::ElasticLoadBalancingV2::LoadBalancer'),
  },
  {
    id: 'load-balancer-waf',
    title: 'application load balancers have a web ACL',
    guard: [],
    nist: ['NIST.800.53.R5-ALBWAFEnabled'],
    status: 'waived',
    reason: 'not applicable: the internal load balancer is reached only through CloudFront\'s VPC origin, and the platform\'s web ACL (waf) is on that distribution',
    appliesTo: isType('AWS::ElasticLoadBalancingV2::LoadBalancer'),
  },
  {
    id: 'cloudfront-root-object',
    title: 'CloudFront distributions have a default root object',
    guard: ['cloudfront_default_root_object_configured_check'],
    nist: [],
    status: 'waived',
    reason: 'not applicable: the API front door serves an API, not a web page: / answers 404 (StaticSite sets index.html)',
    appliesTo: (r, p) => isType('AWS::CloudFront::Distribution')(r) && !p.DistributionConfig?.DefaultRootObject,
  },
  {
    id: 'cloudfront-origin-failover',
    title: 'CloudFront distributions have an origin group for failover',
    guard: ['cloudfront_origin_failover_enabled_check'],
    nist: [],
    status: 'waived',
    reason: 'cost: a second origin means a second API or bucket in another Region; a failing origin answers 5xx, which the platform\'s alarms report',
    appliesTo: isType('AWS::CloudFront::Distribution'),
  },
  {
    id: 'cloudfront-certificate',
    title: 'CloudFront distributions use an ACM certificate with SNI',
    guard: ['cloudfront_sni_enabled_check', 'cloudfront_custom_ssl_certificate_check'],
    nist: [],
    status: 'default',
    reason: 'every distribution serves its ACM certificate with SNI and TLSv1.2_2021 (asserted by test/core/controls.test.ts); @cdklabs/cdk-validator-cfnguard 0.0.62 fails on these two rules when the ARN is a deploy-time value (an SSM parameter), so the tests and starters run them disabled (ct-cloudfront-pr-6, ct-cloudfront-pr-7)',
  },
  {
    id: 'bucket-kms',
    title: 'S3 buckets are encrypted with KMS',
    guard: ['s3_bucket_default_encryption_kms_check'],
    nist: ['NIST.800.53.R5-S3DefaultEncryptionKMS'],
    status: 'waived',
    reason: 'cost: SSE-S3 encrypts at rest; a KMS key costs $1 a month plus a request per object read through CloudFront, and log delivery to the access-log bucket would need a key-policy grant',
    appliesTo: isType('AWS::S3::Bucket'),
  },
  {
    id: 'bucket-logging',
    title: 'S3 buckets write server access logs',
    guard: ['s3_bucket_logging_enabled_check'],
    nist: ['NIST.800.53.R5-S3BucketLoggingEnabled'],
    status: 'waived',
    reason: 'opt-in where it means something: a site bucket is read only by its CloudFront distribution, whose access logs (accessLogs) record every request, and with accessLogs it logs to the platform\'s bucket (a deploy-time name the rule cannot read); the access-log bucket does not log itself',
    appliesTo: (r, p) => isType('AWS::S3::Bucket')(r) && !literal(p.LoggingConfiguration?.DestinationBucketName),
  },
  {
    id: 'bucket-object-lock',
    title: 'S3 buckets have object lock',
    guard: ['s3_bucket_object_lock_enabled_check'],
    nist: [],
    status: 'waived',
    reason: 'not applicable: a deploy replaces and prunes a site\'s files, and access logs expire; object lock would forbid both',
    appliesTo: isType('AWS::S3::Bucket'),
  },
  {
    id: 'bucket-event-notifications',
    title: 'S3 buckets send event notifications',
    guard: ['s3_event_notifications_enabled_check'],
    nist: [],
    status: 'waived',
    reason: 'not applicable: nothing consumes events of a web page\'s or an access log\'s objects',
    appliesTo: (r, p) => isType('AWS::S3::Bucket')(r) && !p.NotificationConfiguration,
  },
  {
    id: 'bucket-replication',
    title: 'S3 buckets replicate to another Region',
    guard: [],
    nist: ['NIST.800.53.R5-S3BucketReplicationEnabled'],
    status: 'waived',
    reason: 'cost: a second bucket in another Region doubles storage and requests; a site is deployed again from its repository, access logs are not kept for recovery',
    // A StaticSite with replicaRegion replicates: the rule holds there, no waiver.
    appliesTo: (r, p) => isType('AWS::S3::Bucket')(r) && !p.ReplicationConfiguration,
  },
  {
    id: 'secret-rotation',
    title: 'Secrets Manager secrets rotate automatically',
    guard: [],
    nist: ['NIST.800.53.R5-SecretsManagerRotationEnabled'],
    status: 'waived',
    reason: 'not applicable: an ElevenLabs key is issued by ElevenLabs, and the origin secret must reach CloudFront in a deploy (README "Rotating the origin secret")',
    appliesTo: isType('AWS::SecretsManager::Secret'),
  },
  {
    id: 'secret-kms',
    title: 'Secrets Manager secrets use a customer managed KMS key',
    guard: [],
    nist: ['NIST.800.53.R5-SecretsManagerUsingKMSKey'],
    status: 'waived',
    reason: 'cost: the AWS managed key aws/secretsmanager encrypts them; a customer managed key costs $1 a month',
    appliesTo: (r, p) => isType('AWS::SecretsManager::Secret')(r) && !p.KmsKeyId,
  },
  {
    id: 'waf-logging',
    title: 'WAF web ACLs log requests',
    guard: [],
    nist: ['NIST.800.53.R5-WAFv2LoggingEnabled'],
    status: 'waived',
    reason: 'cost: WAF logs cost $0.50 per GB in CloudWatch Logs; the web ACL\'s metrics and sampled requests are kept without charge',
    appliesTo: isType('AWS::WAFv2::WebACL'),
  },
];

/** The control that a waiver of `rule` (a guard rule name or a NIST rule id) belongs to. @internal */
export function controlOfRule(rule: string): Control | undefined {
  return CONTROLS.find(c => c.guard.includes(rule) || c.nist.includes(rule));
}
