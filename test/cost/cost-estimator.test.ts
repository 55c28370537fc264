import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Stage, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { CostEstimator, CostLineItem, StackCostEstimate } from '../../src';
import { ACCOUNT, ENV } from '../helpers/fixtures';

// Hand-computed figures: us-east-1 list prices times 730 hours a month (the price list's own
// numbers are not read here, so a changed price fails these tests until they are updated).
const HOURS = 730;
const WEEKDAY_HOURS = 60 * HOURS / 168; // 07:00-19:00 Monday to Friday

function estimate(stack: Stack): StackCostEstimate {
  return CostEstimator.fromTemplate(Template.fromStack(stack).toJSON(), stack.stackName, stack.region);
}

function items(result: StackCostEstimate, description: RegExp): CostLineItem[] {
  return result.items.filter(i => description.test(i.description));
}

function only(result: StackCostEstimate, description: RegExp): CostLineItem {
  const found = items(result, description);
  expect(found).toHaveLength(1);
  return found[0];
}

function vpcStack(natGateways = 0, natProvider?: ec2.NatProvider, app = new App(), id = 'S'): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(app, id, { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways,
    natGatewayProvider: natProvider,
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    subnetConfiguration: natGateways > 0
      ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }]
      : [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  return { stack, vpc };
}

describe('network', () => {
  test('a NAT gateway: $0.045 an hour, its Elastic IP $0.005 an hour, data processed per use', () => {
    const result = estimate(vpcStack(1).stack);
    expect(only(result, /^NAT gateway$/).monthlyUsd).toBeCloseTo(0.045 * HOURS, 6); // $32.85
    expect(only(result, /Elastic IP/).monthlyUsd).toBeCloseTo(0.005 * HOURS, 6); // $3.65
    expect(result.monthlyUsd).toBeCloseTo(36.5, 6);
    expect(result.usagePrices).toContainEqual(expect.objectContaining({ description: 'NAT gateway data processed', priceUsd: 0.045 }));
    expect(result.unpriced).toEqual([]);
  });

  test('a NAT instance (t4g.nano): the instance, its 8 GB root volume and its public IPv4', () => {
    const nat = ec2.NatProvider.instanceV2({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO) });
    const result = estimate(vpcStack(1, nat).stack);
    expect(only(result, /EC2 instance t4g\.nano/).monthlyUsd).toBeCloseTo(0.0042 * HOURS, 6); // $3.07
    expect(only(result, /EBS root volume 8 GB/).monthlyUsd).toBeCloseTo(8 * 0.08, 6); // $0.64
    expect(only(result, /public IPv4 address of/).monthlyUsd).toBeCloseTo(0.005 * HOURS, 6);
    expect(items(result, /NAT gateway/)).toEqual([]);
  });

  test('an instance type the price list does not have is listed as not priced', () => {
    const nat = ec2.NatProvider.instanceV2({ instanceType: new ec2.InstanceType('c7gn.16xlarge') });
    const result = estimate(vpcStack(1, nat).stack);
    expect(result.unpriced).toContainEqual(expect.objectContaining({
      resourceType: 'AWS::EC2::Instance', reason: 'instance type c7gn.16xlarge has no price in the price list',
    }));
  });

  test('interface endpoints are billed per AZ; gateway endpoints are free', () => {
    const { stack, vpc } = vpcStack(0);
    vpc.addInterfaceEndpoint('Ecr', { service: ec2.InterfaceVpcEndpointAwsService.ECR, subnets: { subnetType: ec2.SubnetType.PUBLIC } });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const result = estimate(stack);
    const endpoint = only(result, /interface VPC endpoint/);
    expect(endpoint.description).toMatch(/ecr\.api in 2 AZ\(s\)/);
    expect(endpoint.monthlyUsd).toBeCloseTo(2 * 0.01 * HOURS, 6); // $14.60
    expect(result.monthlyUsd).toBeCloseTo(14.6, 6);
  });

  test('load balancers: an ALB or an NLB, $0.0225 an hour each; capacity units per use', () => {
    const { stack, vpc } = vpcStack(0);
    new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, internetFacing: true });
    const result = estimate(stack);
    expect(only(result, /Application Load Balancer \(internet-facing\)/).monthlyUsd).toBeCloseTo(0.0225 * HOURS, 6); // $16.43
    expect(only(result, /Network Load Balancer/).monthlyUsd).toBeCloseTo(0.0225 * HOURS, 6);
    expect(result.usagePrices.map(u => [u.description, u.priceUsd])).toEqual(expect.arrayContaining([
      ['ALB capacity units', 0.008], ['NLB capacity units', 0.006],
    ]));
    // internet-facing: one public IPv4 per zone, $3.65 each
    const ipv4 = items(result, /public IPv4 addresses of the load balancer \(2 zone\(s\)\)/);
    expect(ipv4.map(i => i.monthlyUsd)).toEqual([2 * 0.005 * HOURS, 2 * 0.005 * HOURS]);
  });

  test('an internal load balancer has no public IPv4', () => {
    const { stack, vpc } = vpcStack(0);
    new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: false, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    const result = estimate(stack);
    expect(result.items.map(i => i.description)).toEqual(['Application Load Balancer (internal)']);
  });

  test('an instance with an Elastic IP: the address is priced once, as the EIP', () => {
    const template = {
      Resources: {
        Nat: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 't4g.nano', NetworkInterfaces: [{ AssociatePublicIpAddress: true }] } },
        Eip: { Type: 'AWS::EC2::EIP', Properties: { InstanceId: { Ref: 'Nat' } } },
      },
    };
    const result = CostEstimator.fromTemplate(template, 'S', 'us-east-1');
    expect(items(result, /public IPv4|Elastic IP/).map(i => i.description)).toEqual(['public IPv4 address (Elastic IP)']);
  });
});

interface ServiceOptions {
  readonly cpu?: number;
  readonly memoryLimitMiB?: number;
  readonly arm?: boolean;
  readonly spot?: boolean;
  readonly desiredCount?: number;
  readonly weekdays?: boolean;
  readonly assignPublicIp?: boolean;
  readonly cloudMap?: boolean;
  readonly ephemeralStorageGiB?: number;
  readonly strategy?: ecs.CapacityProviderStrategy[];
}

function serviceStack(options: ServiceOptions = {}, app?: App, id?: string): Stack {
  const { stack, vpc } = vpcStack(0, undefined, app, id);
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, enableFargateCapacityProviders: true });
  if (options.cloudMap) {
    cluster.addDefaultCloudMapNamespace({ name: 'svc.internal' });
  }
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task', {
    cpu: options.cpu ?? 256,
    memoryLimitMiB: options.memoryLimitMiB ?? 512,
    ephemeralStorageGiB: options.ephemeralStorageGiB,
    runtimePlatform: { cpuArchitecture: options.arm ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64 },
  });
  taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable') });
  const service = new ecs.FargateService(stack, 'Service', {
    cluster,
    taskDefinition,
    desiredCount: options.desiredCount,
    assignPublicIp: options.assignPublicIp,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    capacityProviderStrategies: options.strategy ?? (options.spot ? [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] : undefined),
    cloudMapOptions: options.cloudMap ? { name: 'app' } : undefined,
  });
  Tags.of(service).add('service', 'app');
  if (options.weekdays) {
    const scaling = service.autoScaleTaskCount({ minCapacity: 1, maxCapacity: 2 });
    scaling.scaleOnSchedule('Start', { schedule: appscaling.Schedule.cron({ minute: '0', hour: '7', weekDay: 'MON-FRI' }), minCapacity: 1, maxCapacity: 2 });
    scaling.scaleOnSchedule('Stop', { schedule: appscaling.Schedule.cron({ minute: '0', hour: '19', weekDay: 'MON-FRI' }), minCapacity: 0, maxCapacity: 0 });
  }
  return stack;
}

describe('Fargate services', () => {
  test('x86 on demand, 0.5 vCPU / 1 GB, one task always on: $18.02', () => {
    const result = estimate(serviceStack({ cpu: 512, memoryLimitMiB: 1024, desiredCount: 1 }));
    const task = only(result, /^Fargate task/);
    expect(task.description).toBe('Fargate task 0.5 vCPU / 1 GB X86_64');
    expect(task.quantity).toBeCloseTo(HOURS, 6);
    expect(task.monthlyUsd).toBeCloseTo((0.5 * 0.04048 + 1 * 0.004445) * HOURS, 6);
    expect(task.service).toBe('app');
  });

  test('two tasks cost twice one; ARM64 uses the ARM price', () => {
    const result = estimate(serviceStack({ arm: true, desiredCount: 2 }));
    expect(only(result, /^Fargate task/).monthlyUsd).toBeCloseTo(2 * (0.25 * 0.03238 + 0.5 * 0.00356) * HOURS, 6);
  });

  test('ARM64 on Fargate Spot on the weekday schedule: Spot prices for 60 hours a week', () => {
    const result = estimate(serviceStack({ arm: true, spot: true, weekdays: true }));
    const task = only(result, /^Fargate Spot task/);
    expect(task.description).toBe('Fargate Spot task 0.25 vCPU / 0.5 GB ARM64');
    expect(task.quantity).toBeCloseTo(WEEKDAY_HOURS, 6); // 260.7 task-hours
    expect(task.unitPriceUsd).toBeCloseTo(0.25 * 0.0101131 + 0.5 * 0.00111194, 6);
    expect(task.note).toMatch(/1 task\(s\) 60 h a week, 0 task\(s\) 108 h a week/);
    expect(items(result, /^Fargate task/)).toEqual([]);
  });

  test('a DesiredCount within a scaling target that nothing moves (no schedule, no policy): that many tasks', () => {
    const stack = serviceStack({ desiredCount: 3 });
    const service = stack.node.findAll().find((c): c is ecs.FargateService => c instanceof ecs.FargateService)!;
    service.autoScaleTaskCount({ minCapacity: 1, maxCapacity: 5 });
    expect(only(estimate(stack), /^Fargate task/).quantity).toBeCloseTo(3 * HOURS, 6);
  });

  test('no strategy of its own: the cluster\'s default capacity provider strategy of the same template (Spot)', () => {
    const stack = serviceStack({ desiredCount: 1 });
    const cluster = stack.node.findAll().find((c): c is ecs.Cluster => c instanceof ecs.Cluster)!;
    cluster.addDefaultCapacityProviderStrategy([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
    // neither a launch type nor a strategy of its own (aws-cdk-lib sets LaunchType FARGATE otherwise)
    stack.node.findAll().find((c): c is ecs.CfnService => c instanceof ecs.CfnService)!.addPropertyDeletionOverride('LaunchType');
    const result = estimate(stack);
    expect(only(result, /^Fargate Spot task/).quantity).toBeCloseTo(HOURS, 6);
    expect(items(result, /^Fargate task/)).toEqual([]);
  });

  test('a base on Fargate and the rest on Spot: the first task on demand', () => {
    const result = estimate(serviceStack({
      desiredCount: 3,
      strategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 0 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }],
    }));
    expect(only(result, /^Fargate task/).quantity).toBeCloseTo(HOURS, 6);
    expect(only(result, /^Fargate Spot task/).quantity).toBeCloseTo(2 * HOURS, 6);
  });

  test('a public IPv4 per running task, a Cloud Map instance per task, ephemeral storage above 20 GB', () => {
    const result = estimate(serviceStack({ weekdays: true, assignPublicIp: true, cloudMap: true, ephemeralStorageGiB: 30 }));
    expect(only(result, /public IPv4 address per running task/).monthlyUsd).toBeCloseTo(0.005 * WEEKDAY_HOURS, 6); // $1.30
    expect(only(result, /Cloud Map registered task/).monthlyUsd).toBeCloseTo(0.1 * WEEKDAY_HOURS / HOURS, 6);
    expect(only(result, /^Fargate task/).unitPriceUsd).toBeCloseTo(0.25 * 0.04048 + 0.5 * 0.004445 + 10 * 0.000111, 6);
    expect(only(result, /Cloud Map DNS namespace/).monthlyUsd).toBe(0.5);
  });

  test('CPU target tracking: the two alarms Application Auto Scaling creates, $0.10 each', () => {
    const stack = serviceStack({ weekdays: true });
    const target = stack.node.findAll().find((c): c is appscaling.ScalableTarget => c instanceof appscaling.ScalableTarget)!;
    target.scaleToTrackMetric('Cpu', { targetValue: 60, predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION });
    target.scaleToTrackMetric('NoScaleIn', {
      targetValue: 60, predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_MEMORY_UTILIZATION, disableScaleIn: true,
    });
    const result = estimate(stack);
    expect(items(result, /target tracking/).map(i => i.monthlyUsd).sort()).toEqual([0.1, 0.2]);
    expect(result.freeTier).toEqual([expect.objectContaining({ upToMonthlyUsd: 0.3 })]);
  });

  test('AssignPublicIp read from an SSM parameter that another stack of the assembly publishes', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-ssm-'));
    const app = new App({ outdir });
    const platform = new Stack(app, 'Platform', { env: ENV });
    new ssm.StringParameter(platform, 'Egress', { parameterName: '/platform/p/network/assign-public-ip', stringValue: 'ENABLED' });
    const service = serviceStack({ desiredCount: 1 }, app, 'Service');
    const cfnService = service.node.findAll().find((c): c is ecs.CfnService => c instanceof ecs.CfnService)!;
    cfnService.addPropertyOverride('NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp',
      ssm.StringParameter.valueForStringParameter(service, '/platform/p/network/assign-public-ip'));
    app.synth();
    const fromAssembly = CostEstimator.fromCloudAssembly(outdir).stacks.find(s => s.stackName === 'Service')!;
    const ipv4 = only(fromAssembly, /public IPv4 address per running task/);
    expect(ipv4.monthlyUsd).toBeCloseTo(0.005 * HOURS, 6);
    expect(ipv4.note).toBeUndefined();
    // Alone, the service's template cannot know: priced as ENABLED, with a note.
    const alone = estimate(service);
    expect(only(alone, /public IPv4 address per running task/).note).toMatch(/only known at deploy time: priced as ENABLED/);
    // DISABLED published: no IPv4 charge.
    const disabled = CostEstimator.fromTemplate(Template.fromStack(service).toJSON(), 'Service', 'us-east-1', {
      ssmParameterValues: { '/platform/p/network/assign-public-ip': 'DISABLED' },
    });
    expect(items(disabled, /public IPv4/)).toEqual([]);
  });

  test('a schedule that does not repeat weekly leaves the service unpriced, with the reason', () => {
    const stack = serviceStack({ weekdays: true });
    const target = stack.node.findAll().find((c): c is appscaling.CfnScalableTarget => c instanceof appscaling.CfnScalableTarget)!;
    target.addPropertyOverride('ScheduledActions.0.Schedule', 'cron(0 7 1 * ? *)');
    const result = estimate(stack);
    expect(items(result, /Fargate/)).toEqual([]);
    expect(result.unpriced).toContainEqual(expect.objectContaining({
      resourceType: 'AWS::ECS::Service', reason: expect.stringMatching(/scheduled action Start .*cron\(0 7 1 \* \? \*\).* does not repeat weekly/),
    }));
  });
});

describe('security, DNS and monitoring', () => {
  test('WAF: $5 a web ACL plus $1 a rule; requests per use', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new wafv2.CfnWebACL(stack, 'Acl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'acl', sampledRequestsEnabled: true },
      rules: ['A', 'B', 'C'].map((name, priority) => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
      })),
    });
    const result = estimate(stack);
    expect(result.monthlyUsd).toBeCloseTo(5 + 3, 6);
    expect(only(result, /WAF rules \(3\)/).monthlyUsd).toBe(3);
    expect(result.usagePrices).toContainEqual(expect.objectContaining({ description: 'WAF requests inspected', priceUsd: 0.6 }));
  });

  test('a KMS key $1, a secret $0.40, a hosted zone $0.50, a private DNS namespace $0.50, an HTTP namespace nothing', () => {
    const { stack, vpc } = vpcStack(0);
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new secretsmanager.Secret(stack, 'Secret');
    new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    new servicediscovery.PrivateDnsNamespace(stack, 'Private', { name: 'svc.internal', vpc });
    new servicediscovery.HttpNamespace(stack, 'Http', { name: 'http-ns' });
    const result = estimate(stack);
    expect(only(result, /KMS/).monthlyUsd).toBe(1);
    expect(only(result, /KMS/).note).toMatch(/rotation/);
    expect(only(result, /Secrets Manager/).monthlyUsd).toBe(0.4);
    expect(only(result, /^Route 53 hosted zone$/).monthlyUsd).toBe(0.5);
    expect(only(result, /Cloud Map DNS namespace/).monthlyUsd).toBe(0.5);
    expect(result.monthlyUsd).toBeCloseTo(2.4, 6);
    expect(result.unpriced).toEqual([]);
  });

  test('dashboards $3, alarms $0.10 per metric ($0.30 at high resolution); free tiers shown, not subtracted', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new cloudwatch.Dashboard(stack, 'Dashboard');
    const metric = (name: string) => new cloudwatch.Metric({ namespace: 'App', metricName: name });
    new cloudwatch.Alarm(stack, 'Single', { metric: metric('a'), threshold: 1, evaluationPeriods: 1 });
    new cloudwatch.Alarm(stack, 'Math', {
      metric: new cloudwatch.MathExpression({ expression: 'a + b + c', usingMetrics: { a: metric('a'), b: metric('b'), c: metric('c') } }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    new cloudwatch.Alarm(stack, 'Fast', { metric: metric('f').with({ period: Duration.seconds(10) }), threshold: 1, evaluationPeriods: 1 });
    const result = estimate(stack);
    expect(only(result, /dashboard/).monthlyUsd).toBe(3);
    expect(items(result, /^CloudWatch alarm$/).map(i => i.monthlyUsd).sort()).toEqual([0.1, 0.3]);
    expect(only(result, /high resolution/).monthlyUsd).toBeCloseTo(0.3, 6);
    expect(result.monthlyUsd).toBeCloseTo(3 + 0.1 + 0.3 + 0.3, 6);
    expect(result.freeTier.map(f => f.upToMonthlyUsd)).toEqual([3, 0.5]);
  });
});

describe('attribution, Regions and what cannot be priced', () => {
  test('a resource type that takes no tags belongs to the service of the construct it sits in (by aws:cdk:path)', () => {
    const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
    const stack = new Stack(app, 'S', { env: ENV });
    const construct = new Construct(stack, 'Orders');
    new cloudwatch.Dashboard(construct, 'Dashboard');
    new kms.Key(construct, 'Key');
    Tags.of(construct).add('service', 'orders');
    new cloudwatch.Dashboard(stack, 'PlatformDashboard');
    const result = CostEstimator.fromTemplate(app.synth().getStackByName('S').template, 'S', 'us-east-1');
    const dashboards = items(result, /dashboard/);
    expect(dashboards.map(d => d.service)).toEqual(['orders', undefined]);
    expect(result.services).toEqual([{ service: 'orders', monthlyUsd: 4 }]);
  });

  test('a Region without a price list is priced with us-east-1 and says so; no Region likewise', () => {
    const template = { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: {} } } };
    expect(CostEstimator.fromTemplate(template, 'S', 'ap-south-1').notes).toContain('no price list for ap-south-1: priced with us-east-1 prices');
    expect(CostEstimator.fromTemplate(template, 'S', 'ap-south-1').priceRegion).toBe('us-east-1');
    expect(CostEstimator.fromTemplate(template, 'S').notes[0]).toMatch(/environment-agnostic stack: priced with us-east-1 prices/);
    expect(() => CostEstimator.fromTemplate(template, 'S', undefined, { defaultRegion: 'xx-nowhere-1' }))
      .toThrow('invalid defaultRegion xx-nowhere-1: prices exist for us-east-1, eu-central-1, us-west-2, eu-west-1, ap-southeast-1');
  });

  test('eu-central-1 uses its own prices', () => {
    const result = estimate(Object.assign(vpcStack(1).stack));
    const eu = CostEstimator.fromTemplate(Template.fromStack(vpcStack(1).stack).toJSON(), 'S', 'eu-central-1');
    expect(eu.priceRegion).toBe('eu-central-1');
    expect(only(eu, /^NAT gateway$/).unitPriceUsd).not.toBe(only(result, /^NAT gateway$/).unitPriceUsd);
  });

  test('detailed route metrics on an HTTP API stage: a per-use price, not a fixed charge', () => {
    const template = {
      Resources: {
        Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { DefaultRouteSettings: { DetailedMetricsEnabled: true } } },
        Plain: { Type: 'AWS::ApiGatewayV2::Stage', Properties: {} },
      },
    };
    const result = CostEstimator.fromTemplate(template, 'S', 'us-east-1');
    expect(result.monthlyUsd).toBe(0);
    expect(result.usagePrices).toEqual([expect.objectContaining({ priceUsd: 0.3, unit: 'metric-month', logicalIds: ['Stage'] })]);
  });

  test('every resource type without a price is listed with the reason', () => {
    const template = { Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: {} }, Role: { Type: 'AWS::IAM::Role', Properties: {} } } };
    const result = CostEstimator.fromTemplate(template, 'S', 'us-east-1');
    expect(result.unpriced).toEqual([{ logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', reason: 'no price for this resource type' }]);
    expect(result.monthlyUsd).toBe(0);
  });
});

describe('fromCloudAssembly', () => {
  function assembly(): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-'));
    const app = new App({ outdir });
    const a = new Stack(app, 'A', { env: ENV });
    new kms.Key(a, 'Key');
    const stage = new Stage(app, 'Prod', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    const b = new Stack(stage, 'B');
    new secretsmanager.Secret(b, 'Secret');
    app.synth();
    return outdir;
  }

  test('every stack, nested Stages included, with per-stack and total figures', () => {
    const result = CostEstimator.fromCloudAssembly(assembly());
    expect(result.stacks.map(s => [s.stackName, s.region, s.monthlyUsd])).toEqual(expect.arrayContaining([['A', 'us-east-1', 1], ['Prod-B', 'eu-central-1', 0.4]]));
    expect(result.stacks).toHaveLength(2);
    expect(result.totalMonthlyUsd).toBeCloseTo(1.4, 6);
    expect(result.hoursPerMonth).toBe(730);
  });

  test('bad input: one clear message each', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-bad-'));
    expect(() => CostEstimator.fromCloudAssembly(path.join(dir, 'missing'))).toThrow(`no such folder: ${path.join(dir, 'missing')}`);
    expect(() => CostEstimator.fromCloudAssembly(dir)).toThrow(`not a cloud assembly: ${dir} has no manifest.json (run cdk synth first)`);
    const out = assembly();
    fs.writeFileSync(path.join(out, 'A.template.json'), '{ "Resources": ');
    expect(() => CostEstimator.fromCloudAssembly(out)).toThrow(new RegExp(`^cannot parse ${path.join(out, 'A.template.json')}: `));
  });
});

// A platform with several Regions: each stack is priced with its own Region's list and says
// which list priced it. One NAT gateway per stack, 730 hours: eu-central-1 $0.052 an hour,
// us-west-2 $0.045, eu-west-1 $0.048, ap-southeast-1 $0.059; ap-south-1 has no list: us-east-1's $0.045.
describe('several Regions', () => {
  function twoRegionApp(): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-regions-'));
    const app = new App({ outdir });
    const stacks = [['Primary', 'eu-central-1'], ['Oregon', 'us-west-2'], ['Ireland', 'eu-west-1'], ['Singapore', 'ap-southeast-1'], ['Mumbai', 'ap-south-1']];
    for (const [id, region] of stacks) {
      const stack = new Stack(app, id, { env: { account: ACCOUNT, region } });
      new ec2.CfnNatGateway(stack, 'Nat', { subnetId: 'subnet-12345678' });
    }
    app.synth();
    return outdir;
  }

  test('each stack with its own Region\'s prices; a Region without a list says which list priced it', () => {
    const result = CostEstimator.fromCloudAssembly(twoRegionApp());
    const byName = Object.fromEntries(result.stacks.map(s => [s.stackName, s]));
    expect(result.stacks.map(s => [s.stackName, s.region, s.priceRegion])).toEqual([
      ['Primary', 'eu-central-1', 'eu-central-1'],
      ['Oregon', 'us-west-2', 'us-west-2'],
      ['Ireland', 'eu-west-1', 'eu-west-1'],
      ['Singapore', 'ap-southeast-1', 'ap-southeast-1'],
      ['Mumbai', 'ap-south-1', 'us-east-1'],
    ]);
    expect(byName.Primary.monthlyUsd).toBeCloseTo(0.052 * HOURS, 6); // $37.96
    expect(byName.Oregon.monthlyUsd).toBeCloseTo(0.045 * HOURS, 6); // $32.85
    expect(byName.Ireland.monthlyUsd).toBeCloseTo(0.048 * HOURS, 6); // $35.04
    expect(byName.Singapore.monthlyUsd).toBeCloseTo(0.059 * HOURS, 6); // $43.07
    expect(byName.Mumbai.monthlyUsd).toBeCloseTo(0.045 * HOURS, 6); // $32.85 at us-east-1 prices
    expect(result.totalMonthlyUsd).toBeCloseTo(181.77, 6); // 37.96 + 32.85 + 35.04 + 43.07 + 32.85
    expect(byName.Mumbai.notes).toContain('no price list for ap-south-1: priced with us-east-1 prices');
    for (const name of ['Primary', 'Oregon', 'Ireland', 'Singapore']) {
      expect(byName[name].notes.filter(n => n.startsWith('no price list'))).toEqual([]);
    }
    // The per-use price follows the Region too: NAT data processed.
    expect(byName.Ireland.usagePrices).toContainEqual(expect.objectContaining({ description: 'NAT gateway data processed', priceUsd: 0.048 }));
  });

  test('the defaultRegion prices a Region without a list: eu-west-1 for ap-south-1', () => {
    const result = CostEstimator.fromCloudAssembly(twoRegionApp(), { defaultRegion: 'eu-west-1' });
    const mumbai = result.stacks.find(s => s.stackName === 'Mumbai')!;
    expect(mumbai.priceRegion).toBe('eu-west-1');
    expect(mumbai.monthlyUsd).toBeCloseTo(0.048 * HOURS, 6);
    expect(mumbai.notes).toContain('no price list for ap-south-1: priced with eu-west-1 prices');
  });
});
