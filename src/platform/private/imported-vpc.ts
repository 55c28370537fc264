import { ArnFormat, Resource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, DependencyGroup, IDependable } from 'constructs';
import { AttributeError } from '../../core/errors';

/**
 * aws-cdk-lib's `VpcBase` (not exported): the subnet selection logic every VPC shares. The
 * imported platform's VPC extends it so that `selectSubnets` behaves as for any VPC.
 */
type VpcBaseMembers = Pick<ec2.IVpc, 'selectSubnets' | 'enableVpnGateway' | 'addVpnConnection' | 'addClientVpnEndpoint'
  | 'addGatewayEndpoint' | 'addInterfaceEndpoint' | 'addFlowLog' | 'vpnGatewayId' | 'vpcRef'>;
type VpcBaseClass = new (scope: Construct, id: string) => Resource & VpcBaseMembers;

/** The class of aws-cdk-lib's VPC chain that defines `selectSubnets`: `VpcBase` (below `Vpc`). */
function findVpcBase(): VpcBaseClass | undefined {
  for (let c = Object.getPrototypeOf(ec2.Vpc); c && c !== Resource; c = Object.getPrototypeOf(c)) {
    if (Object.prototype.hasOwnProperty.call(c.prototype, 'selectSubnets') && !Object.prototype.hasOwnProperty.call(c, 'fromVpcAttributes')) return c;
  }
  return undefined;
}

/** Reads one attribute of the platform (an SSM parameter, declared on first call). @internal */
export type AttributeReader = () => string;

/** How one subnet reads its id, zone and route table. */
interface SubnetAttributes {
  readonly subnetId: AttributeReader;
  readonly zone: AttributeReader;
  readonly routeTableId: AttributeReader;
}

/** A subnet of the imported platform whose attributes are read from SSM only when used. */
class ImportedPlatformSubnet extends Resource implements ec2.ISubnet {
  public readonly internetConnectivityEstablished: IDependable = new DependencyGroup();
  public readonly routeTable: ec2.IRouteTable;

  constructor(scope: Construct, id: string, private readonly attributes: SubnetAttributes) {
    super(scope, id);
    this.routeTable = { get routeTableId() { return attributes.routeTableId(); } };
  }

  public get subnetId(): string {
    return this.attributes.subnetId();
  }

  public get availabilityZone(): string {
    return this.attributes.zone();
  }

  public get subnetRef(): ec2.SubnetReference {
    return { subnetId: this.subnetId };
  }

  public get ipv4CidrBlock(): string {
    throw new AttributeError(this, 'ipv4CidrBlock', 'an imported platform publishes the ids, zones and route tables of its'
      + ' subnets, not their CIDR blocks; use the VPC\'s vpcCidrBlock, which it publishes');
  }

  public associateNetworkAcl(id: string, networkAcl: ec2.INetworkAcl): void {
    new ec2.SubnetNetworkAclAssociation(this, id, { networkAcl, subnet: this });
  }
}

/** What the imported VPC reads, each on first use. @internal */
export interface ImportedPlatformVpcAttributes {
  readonly vpcId: AttributeReader;
  readonly vpcCidr: AttributeReader;
  /** The i-th entry of a published list. */
  readonly zone: (i: number) => string;
  readonly publicSubnetId: (i: number) => string;
  readonly publicRouteTableId: (i: number) => string;
  readonly serviceSubnetId: (i: number) => string;
  readonly serviceRouteTableId: (i: number) => string;
  /** The number of zones (and subnets per group). */
  readonly zoneCount: number;
}

/**
 * The platform's VPC in another app: its id, CIDR, zones, public and service subnets and their
 * route tables are each read from SSM when a construct first uses them, so a service's template
 * declares only the parameters it needs (cfn-lint W2001 finds no unused one). The service
 * subnets are its private subnets, as `serviceSubnets` selects them.
 *
 * Built on aws-cdk-lib's `VpcBase` when this aws-cdk-lib has it; otherwise (a future version that
 * moved it) on `Vpc.fromVpcAttributes`, which reads every attribute at once.
 *
 * @internal
 */
export function importedPlatformVpc(scope: Construct, id: string, attributes: ImportedPlatformVpcAttributes): ec2.IVpc {
  const base = findVpcBase();
  if (!base) {
    const items = (item: (i: number) => string) => [...Array(attributes.zoneCount).keys()].map(item);
    return ec2.Vpc.fromVpcAttributes(scope, id, {
      vpcId: attributes.vpcId(),
      vpcCidrBlock: attributes.vpcCidr(),
      availabilityZones: items(attributes.zone),
      publicSubnetIds: items(attributes.publicSubnetId),
      publicSubnetRouteTableIds: items(attributes.publicRouteTableId),
      privateSubnetIds: items(attributes.serviceSubnetId),
      privateSubnetRouteTableIds: items(attributes.serviceRouteTableId),
    });
  }
  class ImportedPlatformVpc extends base implements ec2.IVpc {
    public readonly publicSubnets: ec2.ISubnet[];
    public readonly privateSubnets: ec2.ISubnet[];
    public readonly isolatedSubnets: ec2.ISubnet[] = [];
    public readonly internetConnectivityEstablished: IDependable = new DependencyGroup();
    private readonly attributes: ImportedPlatformVpcAttributes;

    constructor(vpcScope: Construct, vpcId: string, vpcAttributes: ImportedPlatformVpcAttributes) {
      super(vpcScope, vpcId);
      const a = vpcAttributes;
      this.attributes = a;
      const indexes = [...Array(a.zoneCount).keys()];
      // Construct ids as in the platform's own VPC: subnet groups `public` and `private`.
      this.publicSubnets = indexes.map(i => new ImportedPlatformSubnet(this, `publicSubnet${i + 1}`, {
        subnetId: () => a.publicSubnetId(i), zone: () => a.zone(i), routeTableId: () => a.publicRouteTableId(i),
      }));
      this.privateSubnets = indexes.map(i => new ImportedPlatformSubnet(this, `privateSubnet${i + 1}`, {
        subnetId: () => a.serviceSubnetId(i), zone: () => a.zone(i), routeTableId: () => a.serviceRouteTableId(i),
      }));
    }

    public get vpcId(): string {
      return this.attributes.vpcId();
    }

    public get vpcArn(): string {
      return Stack.of(this).formatArn({ service: 'ec2', resource: 'vpc', resourceName: this.vpcId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    }

    public get vpcCidrBlock(): string {
      return this.attributes.vpcCidr();
    }

    public get availabilityZones(): string[] {
      return [...Array(this.attributes.zoneCount).keys()].map(i => this.attributes.zone(i));
    }
  }
  return new ImportedPlatformVpc(scope, id, attributes);
}
