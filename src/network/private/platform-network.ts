import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addNagSuppressions } from '../../core/nag';
import { NatType } from '../nat-type';

/** cdk-nag cannot evaluate an ingress rule whose source is the VPC's CIDR token. */
const VPC_CIDR_INGRESS = {
  id: 'CdkNagValidationFailure',
  reason: 'AwsSolutions-EC23 cannot read the source of this ingress rule: it is the VPC CIDR (a token), never 0.0.0.0/0',
};

/** @internal */
export interface PlatformNetworkProps {
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
 * The platform's VPC: public subnets for NAT, private subnets for every service, an S3
 * gateway endpoint, optional interface endpoints and flow logs.
 *
 * @internal
 */
export class PlatformNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** The subnets that services, the VPC link and the internal load balancer use. */
  public readonly serviceSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);

    const isolated = props.natType.kind === 'none';
    const natInstance = props.natType.kind === 'instance'
      ? ec2.NatProvider.instanceV2({
        instanceType: props.natType.instanceType!,
        defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
      })
      : undefined;
    const privateType = isolated ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: props.maxAzs,
      availabilityZones: props.availabilityZones,
      natGateways: isolated ? 0 : props.natGateways,
      natGatewayProvider: natInstance,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: privateType, cidrMask: 20 },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });
    this.serviceSubnets = { subnetType: privateType };

    if (natInstance) {
      // NAT instances forward traffic from the private subnets only.
      natInstance.securityGroup.addIngressRule(ec2.Peer.ipv4(this.vpc.vpcCidrBlock), ec2.Port.allTraffic(),
        'traffic from the platform VPC to the internet');
      addNagSuppressions(natInstance.securityGroup, [VPC_CIDR_INGRESS]);
      addNagSuppressions(this.vpc, [
        { id: 'AwsSolutions-EC26', reason: 'NAT instance root volume holds no data beyond the Amazon Linux 2023 image; chosen with NatType.instance() to save cost' },
        { id: 'AwsSolutions-EC28', reason: 'detailed monitoring on the NAT instance would cost more than the instance; NatType.instance() is the cost-saving option' },
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
        const endpoint = this.vpc.addInterfaceEndpoint(name, { service, subnets: this.serviceSubnets, privateDnsEnabled: true });
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
