import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GlobalPlatform } from '../../../src';
import { synthPlatform as synth } from '../../helpers/fixtures';

function onlyId(template: Template, type: string): string {
  const found = Object.keys(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('shared ECS cluster', () => {
  let template: Template;
  let stack: Stack;
  let platform: GlobalPlatform;
  beforeAll(() => {
    ({ template, stack, platform } = synth());
  });

  test('is named after the platform', () => {
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'georgi' });
  });

  test('has the FARGATE and FARGATE_SPOT capacity providers', () => {
    const cluster = onlyId(template, 'AWS::ECS::Cluster');
    template.resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 1);
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      Cluster: { Ref: cluster },
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    });
  });

  test('Container Insights is off by default', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
    });
  });

  test('the cluster property is in the platform VPC', () => {
    expect(stack.resolve(platform.cluster.vpc.vpcId)).toEqual({ Ref: onlyId(template, 'AWS::EC2::VPC') });
    expect(stack.resolve(platform.cluster.clusterName)).toEqual({ Ref: onlyId(template, 'AWS::ECS::Cluster') });
  });

  test('Container Insights on with containerInsights: true', () => {
    const on = synth({ containerInsights: true }).template;
    on.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('the cluster name follows the platform name', () => {
    const other = synth({ platformName: 'acme' }).template;
    other.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'acme' });
  });
});

describe('Cloud Map namespace', () => {
  test('a private DNS namespace <platformName>.internal in the platform VPC', () => {
    const { template, stack, platform } = synth();
    const vpc = onlyId(template, 'AWS::EC2::VPC');
    template.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 1);
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: 'georgi.internal',
      Vpc: { Ref: vpc },
    });
    expect(platform.namespace.namespaceName).toBe('georgi.internal');
    expect(stack.resolve(platform.namespace.namespaceId))
      .toEqual({ 'Fn::GetAtt': [onlyId(template, 'AWS::ServiceDiscovery::PrivateDnsNamespace'), 'Id'] });
  });

  test('a custom namespaceName', () => {
    const { template, platform } = synth({ namespaceName: 'svc.georgi.local' });
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: 'svc.georgi.local',
      Vpc: { Ref: onlyId(template, 'AWS::EC2::VPC') },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/compute/namespace-name', Value: 'svc.georgi.local' });
    expect(platform.namespace.namespaceName).toBe('svc.georgi.local');
  });
});
