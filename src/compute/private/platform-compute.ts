import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { addNagSuppressions } from '../../core/nag';

/** @internal */
export interface PlatformComputeProps {
  readonly platformName: string;
  readonly vpc: ec2.IVpc;
  readonly namespaceName: string;
  readonly containerInsights: boolean;
}

/**
 * One shared ECS cluster (FARGATE and FARGATE_SPOT capacity providers) and the Cloud Map
 * private DNS namespace that services register in.
 *
 * @internal
 */
export class PlatformCompute extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly namespace: servicediscovery.PrivateDnsNamespace;

  constructor(scope: Construct, id: string, props: PlatformComputeProps) {
    super(scope, id);

    this.namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: props.namespaceName,
      vpc: props.vpc,
      description: `service discovery for the ${props.platformName} platform`,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: props.platformName,
      vpc: props.vpc,
      enableFargateCapacityProviders: true,
      containerInsightsV2: props.containerInsights ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
    });

    if (!props.containerInsights) {
      addNagSuppressions(this.cluster, [{
        id: 'AwsSolutions-ECS4',
        reason: 'Container Insights is off by default to save its per-metric cost; turn it on with the GlobalPlatform prop containerInsights: true',
      }]);
    }
  }
}
