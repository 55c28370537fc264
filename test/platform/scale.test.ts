import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiRoutes, ApiTarget, ContainerService, GlobalPlatform } from '../../src';
import { ACCOUNT } from '../helpers/fixtures';

// A platform and 100 services, each in its own stack, in the mix of issue 20: per ten services,
// six plain container services, two with long-lived paths, one with a JWT issuer and CORS, and
// one Lambda function. Every quota that the services share on the platform is counted from the
// synthesized templates, and must stay within AWS's default.

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/service:1');

/** The templates of the platform's stack and of 100 service stacks. */
function synthHundred(): { platform: any; services: any[] } {
  const app = new App();
  const env = { account: ACCOUNT, region: 'us-east-1' };
  const platformStack = new Stack(app, 'Platform', { env });
  const platform = new GlobalPlatform(platformStack, 'Platform', {
    platformName: 'georgi', domainName: 'georgi.io', availabilityZones: ['us-east-1a', 'us-east-1b'], longLivedConnections: {},
  });
  const stacks: Stack[] = [];
  for (let n = 0; n < 100; n++) {
    const stack = new Stack(app, `Service${n}`, { env });
    stacks.push(stack);
    const serviceName = `svc${n}`;
    const kind = n % 10;
    if (kind === 9) {
      const handler = new lambda.Function(stack, 'Handler', {
        runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      });
      new ApiRoutes(stack, 'Routes', { platform, serviceName, target: ApiTarget.lambdaFunction(handler) });
    } else {
      new ContainerService(stack, 'Service', {
        platform,
        serviceName,
        image: IMAGE,
        ...(kind === 6 || kind === 7 ? { longLivedPaths: ['/ws', '/mcp'] } : {}),
        ...(kind === 8 ? { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['app'], cors: { allowOrigins: ['https://app.georgi.io'] } } : {}),
      });
    }
  }
  const assembly = app.synth();
  const template = (stack: Stack) => assembly.getStackArtifact(stack.artifactId).template;
  return { platform: template(platformStack), services: stacks.map(template) };
}

/** Resources of `type` in `template`. */
function of(template: any, type: string): any[] {
  return Object.values(template.Resources ?? {}).filter((r: any) => r.Type === type);
}

describe('a platform with 100 services in their own stacks', () => {
  const { platform, services } = synthHundred();
  const all = [platform, ...services];
  const count = (type: string, filter: (r: any) => boolean = () => true) => all.flatMap(t => of(t, type)).filter(filter).length;
  const logicalIdOf = (type: string, match: (r: any) => boolean) =>
    Object.entries(platform.Resources).find(([, r]: [string, any]) => r.Type === type && match(r))![0];
  const vpcLinkGroup = logicalIdOf('AWS::EC2::SecurityGroup', r => /VPC link/.test(r.Properties.GroupDescription));
  const albGroup = logicalIdOf('AWS::EC2::SecurityGroup', r => /long-lived origin ALB/.test(r.Properties.GroupDescription));
  /** Rules of one platform security group: inline in it, or standalone in any stack (referenced by id or import). */
  const rulesOn = (groupId: string, direction: 'Ingress' | 'Egress') => {
    const group = platform.Resources[groupId].Properties;
    const inline = (group[direction === 'Ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress'] ?? []).length;
    const standalone = all.flatMap(t => of(t, `AWS::EC2::SecurityGroup${direction}`))
      .filter(r => JSON.stringify(r.Properties.GroupId).includes(groupId)).length;
    return inline + standalone;
  };

  const usage: Array<[string, number, number]> = [];
  const within = (quota: string, used: number, limit: number) => {
    usage.push([quota, used, limit]);
    expect(used).toBeLessThanOrEqual(limit);
  };
  afterAll(() => {
    // The usage of each quota, for the closing note and the README table.
    console.log(usage.map(([q, u, l]) => `${q}: ${u} of ${l}`).join('\n'));
  });

  test('HTTP API: routes (300), integrations (300), authorizers (10)', () => {
    within('HTTP API routes per API', count('AWS::ApiGatewayV2::Route'), 300);
    within('HTTP API integrations per API', count('AWS::ApiGatewayV2::Integration'), 300);
    within('HTTP API authorizers per API', count('AWS::ApiGatewayV2::Authorizer'), 10);
    // The authorizers are the platform's two, whatever the number of services.
    expect(services.flatMap(t => of(t, 'AWS::ApiGatewayV2::Authorizer'))).toHaveLength(0);
  });

  test('internal ALB: rules (100) and target groups (100)', () => {
    within('ALB rules per load balancer', count('AWS::ElasticLoadBalancingV2::ListenerRule'), 100);
    within('ALB target groups per load balancer', count('AWS::ElasticLoadBalancingV2::TargetGroup'), 100);
  });

  test('the platform\'s security groups: 60 inbound and 60 outbound rules each', () => {
    for (const [name, id] of [['VPC link', vpcLinkGroup], ['long-lived ALB', albGroup]]) {
      within(`${name} security group inbound rules`, rulesOn(id, 'Ingress'), 60);
      within(`${name} security group outbound rules`, rulesOn(id, 'Egress'), 60);
    }
  });

  test('CloudFront: cache behaviours per distribution (75)', () => {
    const [distribution] = of(platform, 'AWS::CloudFront::Distribution');
    within('CloudFront cache behaviours per distribution', 1 + (distribution.Properties.DistributionConfig.CacheBehaviors ?? []).length, 75);
  });

  test('every service template stays within CloudFormation\'s 500 resources', () => {
    within('CloudFormation resources in the largest service template', Math.max(...services.map(t => Object.keys(t.Resources).length)), 500);
  });
});
