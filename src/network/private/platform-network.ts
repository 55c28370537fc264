import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { checkNatInstanceImage, defaultNatInstanceImage, natInstanceStatusAlarm, natInstanceUserData } from './nat-instance';
import { PropError } from '../../core/errors';
import { addNagSuppressions, SECURITY_GROUP_INGRESS_RULES } from '../../core/nag';
import { isUnresolved, parseIpv4Cidr, validateIntegerRange, validateUnique } from '../../core/validation';
import { NatType } from '../nat-type';
import { PlatformNetworkOptions } from '../network-options';

/** cdk-nag cannot evaluate an ingress rule whose source is the VPC's CIDR token. */
const VPC_CIDR_INGRESS = {
  id: 'CdkNagValidationFailure',
  reason: 'AwsSolutions-EC23 cannot read the source of this ingress rule: it is the VPC CIDR (a token), never 0.0.0.0/0',
  failingRules: SECURITY_GROUP_INGRESS_RULES,
};

/** @internal */
export interface PlatformNetworkProps {
  /** Names the NAT instances' alarms. */
  readonly platformName: string;
  readonly cidr: string;
  /** How many zones: the first ones of the Region (when `availabilityZones` is not set). */
  readonly maxAzs?: number;
  /** The zones by name, instead of `maxAzs`. */
  readonly availabilityZones?: string[];
  readonly natType: NatType;
  readonly natGateways: number;
  readonly interfaceEndpoints: boolean;
  /** Undefined: no flow logs. */
  readonly flowLogGroup?: logs.ILogGroup;
  readonly flowLogTrafficType: ec2.FlowLogTrafficType;
}

/**
 * The platform's VPC: public subnets for NAT, private subnets for every service (or, with
 * `NatType.PUBLIC_TASKS`, services in the public subnets with public IPv4 addresses and the
 * private subnets isolated), an S3 gateway endpoint, optional interface endpoints and flow logs.
 *
 * @internal
 */
export class PlatformNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** The subnets where service tasks run. */
  public readonly serviceSubnets: ec2.SubnetSelection;
  /** The private subnets of the VPC link, the internal load balancer and interface endpoints. */
  public readonly privateSubnets: ec2.SubnetSelection;
  /** Whether service tasks get a public IPv4 address (`NatType.PUBLIC_TASKS`). */
  public readonly assignPublicIp: boolean;
  /**
   * One alarm per NAT instance: a failed status check, or no status data (a stopped instance).
   * Without actions: the platform sends them to its alarm topic. Empty without NAT instances.
   */
  public readonly natInstanceAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);

    const publicTasks = props.natType.kind === 'public-tasks';
    const isolated = props.natType.kind === 'none' || publicTasks;
    const natInstance = props.natType.kind === 'instance'
      ? ec2.NatProvider.instanceV2({
        instanceType: props.natType.instanceType!,
        // Resolved at launch unless pinned: a deploy after AWS publishes a new image keeps the instance.
        machineImage: props.natType.machineImage ?? defaultNatInstanceImage(props.natType.instanceType!),
        // aws-cdk-lib's default set-up, retried, verified and failing visibly (nat-instance.ts).
        userData: natInstanceUserData(),
        defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
        // The public subnets do not hand out addresses (below): the instance asks for its own.
        associatePublicIpAddress: true,
      })
      : undefined;
    const privateType = isolated ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;

    if (!props.availabilityZones) checkZoneLookup(this);
    this.vpc = withGivenZones(Stack.of(this), props.availabilityZones, () => new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: props.maxAzs,
      availabilityZones: props.availabilityZones,
      natGateways: isolated ? 0 : props.natGateways,
      natGatewayProvider: natInstance,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        // No address on launch (Control Tower subnet_auto_assign_public_ip_disabled_check,
        // NIST VPCSubnetAutoAssignPublicIpDisabled): NAT gateways take an Elastic IP, NAT
        // instances and NatType.PUBLIC_TASKS tasks ask for their own address.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: privateType, cidrMask: 20 },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    }));
    if (!this.vpc.availabilityZones.some(zone => Token.isUnresolved(zone))) {
      // aws-cdk-lib's synth-time template validation (which newer releases run on every synth)
      // warns about every subnet with a literal zone (W3010); here the zones are literal on
      // purpose: named, or looked up for the account (and cached in cdk.context.json).
      Validations.of(this.vpc).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason: 'the zones are named by availabilityZones or read from the account\'s looked-up zones in the context: the VPC lays out its subnets per zone at synth',
      });
    }
    this.privateSubnets = { subnetType: privateType };
    this.serviceSubnets = publicTasks ? { subnetType: ec2.SubnetType.PUBLIC } : this.privateSubnets;
    this.assignPublicIp = publicTasks;

    if (natInstance) {
      // IMDSv2 only (NIST EC2IMDSv2Enabled): AWS::EC2::Instance has no metadata options, so each
      // instance gets a launch template of its own, which also holds its image. Unnamed: aws-cdk-lib's
      // InstanceRequireImdsv2Aspect names them after the construct id ("NatInstanceLaunchTemplate")
      // unless a feature flag is set, and two NAT instances, or two platforms, would collide.
      natInstance.gatewayInstances.forEach((instance, i) => {
        checkNatInstanceImage(instance);
        this.natInstanceAlarms.push(natInstanceStatusAlarm(this, `NatInstanceStatusAlarm${i + 1}`, instance, props.platformName, i + 1));
        const cfnInstance = instance.node.defaultChild as ec2.CfnInstance;
        // The image goes into the launch template too: EC2 documents `resolve:ssm:` image ids for
        // launch templates, and AWS::EC2::Instance takes its image from one when it names none.
        const template = new ec2.CfnLaunchTemplate(this, `NatInstanceMetadata${i + 1}`, {
          launchTemplateData: {
            imageId: cfnInstance.imageId,
            metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' },
          },
        });
        cfnInstance.imageId = undefined;
        cfnInstance.launchTemplate = {
          launchTemplateId: template.ref,
          version: template.attrLatestVersionNumber,
        };
      });
      // NAT instances forward traffic from the private subnets only.
      natInstance.securityGroup.addIngressRule(ec2.Peer.ipv4(this.vpc.vpcCidrBlock), ec2.Port.allTraffic(),
        'traffic from the platform VPC to the internet');
      addNagSuppressions(natInstance.securityGroup, [VPC_CIDR_INGRESS]);
      addNagSuppressions(this.vpc, [
        { id: 'AwsSolutions-EC26', reason: 'NAT instance root volume holds no data beyond the Amazon Linux 2023 image; chosen with NatType.instance() to save cost' },
        { id: 'AwsSolutions-EC28', reason: 'detailed monitoring on the NAT instance (about $2.10 a month of metrics) would add 70% to its cost; NatType.instance() is the cost-saving option' },
        { id: 'AwsSolutions-EC29', reason: 'the NAT instance is replaceable and carries no state; termination protection would block stack updates' },
      ], true);
    }

    if (props.interfaceEndpoints) {
      const endpoints: Array<[string, ec2.InterfaceVpcEndpointAwsService]> = [
        ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
        ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
        ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
        ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
        // SSM parameters: secrets from Parameter Store, TtsService's settings store.
        ['Ssm', ec2.InterfaceVpcEndpointAwsService.SSM],
      ];
      for (const [name, service] of endpoints) {
        const endpoint = this.vpc.addInterfaceEndpoint(name, { service, subnets: this.privateSubnets, privateDnsEnabled: true });
        addNagSuppressions(endpoint, [VPC_CIDR_INGRESS], true);
      }
    }

    if (props.flowLogGroup) {
      this.vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(props.flowLogGroup),
        trafficType: props.flowLogTrafficType,
      });
    } else {
      addNagSuppressions(this.vpc, [
        { id: 'AwsSolutions-VPC7', reason: 'flow logs were turned off with the GlobalPlatform prop flowLogs: false' },
      ]);
    }
  }
}

/**
 * Before the VPC is built without named zones: when the CDK CLI could not look up the account's
 * zones (no credentials, or none for that account), it runs the app again with the look-up's
 * error in the context (`$providerError`). Then fail with what to set instead of the CLI's
 * "Need to perform AWS calls" alone.
 * @internal
 */
export function checkZoneLookup(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return;
  const answer = stack.node.tryGetContext(`availability-zones:account=${stack.account}:region=${stack.region}`);
  const lookupError = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? answer.$providerError : undefined;
  if (lookupError === undefined) return;
  const region = stack.region;
  throw new PropError(scope, 'availabilityZones', '(not set)', `the Availability Zones of account ${stack.account} in ${region} could not be`
    + ` looked up (${String(lookupError).split('\n')[0]}): name them, e.g. availabilityZones: ['${region}a', '${region}b']`
    + ` (\`aws ec2 describe-availability-zones --region ${region}\` lists the account's zones), or run \`cdk synth\` once with`
    + ' credentials for the account and commit the cdk.context.json it writes');
}

/**
 * Runs `create` with the stack's Availability Zones read as `zones`, when zones are given.
 *
 * aws-cdk-lib's `Vpc` checks given `availabilityZones` against `stack.availabilityZones`, and for
 * a stack with an explicit account and Region that getter is a context look-up: `cdk synth`
 * then needs AWS credentials although the zones are named. With the zones named, there is
 * nothing to look up: for the duration of the call the stack answers with them. (Zones that do
 * not exist in the account still fail at deploy, as they would after a look-up.)
 * @internal
 */
export function withGivenZones<T>(stack: Stack, zones: string[] | undefined, create: () => T): T {
  if (!zones || Object.getOwnPropertyDescriptor(stack, 'availabilityZones')) return create();
  Object.defineProperty(stack, 'availabilityZones', { value: zones, configurable: true });
  try {
    return create();
  } finally {
    delete (stack as unknown as Record<string, unknown>).availabilityZones;
  }
}

/**
 * The VPC's range (private, with room for the subnets), its zones (of the stack's Region) and
 * its NAT (at most one per zone; none only with interface endpoints).
 * @internal
 */
export function validateNetworkOptions(scope: IConstruct, props: PlatformNetworkOptions, region: string): void {
  const zones = props.availabilityZones;
  if (zones !== undefined && props.maxAzs !== undefined) {
    throw new PropError(scope, 'maxAzs', props.maxAzs, 'set either maxAzs or availabilityZones, not both');
  }
  if (zones !== undefined && isUnresolved(zones)) {
    throw new PropError(scope, 'availabilityZones', '(a token)', 'expected the zone names themselves: the VPC lays out its subnets at synth time');
  }
  if (zones !== undefined) validateAvailabilityZones(scope, zones, region);
  const maxAzs = zones?.length ?? props.maxAzs ?? 2;
  validateIntegerRange(scope, 'maxAzs', props.maxAzs ?? 2, 2, 6);
  validateIntegerRange(scope, 'natGateways', props.natGateways, 0, 6);
  if (props.natGateways !== undefined && !isUnresolved(props.natGateways) && props.natGateways > maxAzs) {
    throw new PropError(scope, 'natGateways', props.natGateways, `at most one per Availability Zone (maxAzs is ${maxAzs})`);
  }
  const natKind = (props.natType ?? NatType.GATEWAY).kind;
  if ((natKind === 'none' || natKind === 'public-tasks') && props.natGateways) {
    throw new PropError(scope, 'natGateways', props.natGateways, `must be 0 or unset with NatType.${natKind === 'none' ? 'NONE' : 'PUBLIC_TASKS'}`);
  }
  if (natKind === 'none' && props.interfaceEndpoints !== true) {
    throw new PropError(scope, 'interfaceEndpoints', props.interfaceEndpoints ?? false,
      'must be true with NatType.NONE: without a NAT the service subnets reach AWS only through VPC endpoints,'
      + ' and tasks need them to pull images, write logs and read secrets and parameters');
  }
  if ((natKind === 'gateway' || natKind === 'instance') && props.natGateways === 0) {
    throw new PropError(scope, 'natGateways', 0, `at least 1 with NatType.${natKind.toUpperCase()}; use NatType.NONE or NatType.PUBLIC_TASKS for no NAT`);
  }
  if (props.vpcCidr !== undefined && !isUnresolved(props.vpcCidr)) validateVpcCidr(scope, props.vpcCidr, maxAzs);
}

function validateVpcCidr(scope: IConstruct, vpcCidr: string, maxAzs: number): void {
  const range = parseIpv4Cidr(scope, 'vpcCidr', vpcCidr);
  const privateBlocks = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(c => parseIpv4Cidr(scope, 'vpcCidr', c));
  if (!privateBlocks.some(b => range.first >= b.first && range.last <= b.last)) {
    throw new PropError(scope, 'vpcCidr', vpcCidr, 'expected a private (RFC 1918) block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16');
  }
  // CDK allocates in order: the public /24s, then the private /20s from the next /20 boundary.
  const needed = Math.ceil((maxAzs * 256) / 4096) * 4096 + maxAzs * 4096;
  const largestPrefix = 32 - Math.ceil(Math.log2(needed));
  if (range.prefix < 16 || range.last - range.first + 1 < needed) {
    throw new PropError(scope, 'vpcCidr', vpcCidr,
      `expected a /16 to /${largestPrefix} block: room for a /24 public and a /20 private subnet in each of ${maxAzs} AZs`);
  }
}

function validateAvailabilityZones(scope: IConstruct, zones: string[], region: string): void {
  if (zones.length < 2 || zones.length > 6) {
    throw new PropError(scope, 'availabilityZones', zones, 'expected 2 to 6 zones');
  }
  for (const zone of zones) {
    if (isUnresolved(zone)) continue;
    if (!/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone)) {
      throw new PropError(scope, 'availabilityZones', zone, 'expected a zone name such as "us-east-1b"');
    }
    if (!isUnresolved(region) && !(zone.startsWith(region) && zone.length === region.length + 1)) {
      throw new PropError(scope, 'availabilityZones', zone, `expected a zone of the platform's Region ${region}, such as "${region}a"`);
    }
  }
  validateUnique(scope, 'availabilityZones', zones, 'list each zone once');
}
