import { App, CfnElement, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import {
  ContainerService, ContainerServiceProps, GlobalPlatform, IGlobalPlatform, NatType, PathMode, ServiceSchedule,
} from '../../src';
import { ENV, georgiPlatform, importedPlatform } from '../helpers/fixtures';
import { onlyOne } from '../helpers/templates';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1');
const SECRET_TEXT = 'tok_live_DO_NOT_LEAK_4242';

interface Synth {
  readonly stack: Stack;
  readonly platform: IGlobalPlatform;
  readonly service: ContainerService;
  readonly template: Template;
}

/** One platform app with one ContainerService `service1`; `extra` may add props that need the stack. */
function synth(props: Partial<ContainerServiceProps> = {}, extra?: (stack: Stack) => Partial<ContainerServiceProps>): Synth {
  const stack = new Stack(new App(), 'Platform', { env: ENV });
  const platform = georgiPlatform(stack, { longLivedConnections: {} });
  const service = new ContainerService(stack, 'Service1', {
    platform,
    serviceName: 'service1',
    image: IMAGE,
    ...props,
    ...(extra ? extra(stack) : {}),
  });
  return { stack, platform, service, template: Template.fromStack(stack) };
}

/** Logical id of a construct's CloudFormation resource. */
function idOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

function only(template: Template, type: string, properties?: Record<string, unknown>): { id: string; resource: any } {
  const found = Object.entries(template.findResources(type, properties ? { Properties: properties } : undefined));
  expect(found).toHaveLength(1);
  return { id: found[0][0], resource: found[0][1] };
}

function ecsService(s: Synth): any {
  return s.template.toJSON().Resources[idOf(s.stack, s.service.service)].Properties;
}

function container(s: Synth): any {
  const resource = s.template.toJSON().Resources[idOf(s.stack, s.service.taskDefinition)];
  expect(resource.Type).toBe('AWS::ECS::TaskDefinition');
  expect(resource.Properties.ContainerDefinitions).toHaveLength(1);
  return resource.Properties.ContainerDefinitions[0];
}

function scalableTarget(s: Synth): any {
  const { resource } = only(s.template, 'AWS::ApplicationAutoScaling::ScalableTarget', {
    ResourceId: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [idOf(s.stack, s.service.service), 'Name'] }])] },
  });
  return resource.Properties;
}

function alarm(s: Synth, name: string): any {
  return only(s.template, 'AWS::CloudWatch::Alarm', { AlarmName: name }).resource.Properties;
}

function noTaskExpression(s: Synth): string {
  const metrics: any[] = alarm(s, 'georgi-service1-no-running-task').Metrics;
  const top = metrics.filter(m => m.ReturnData !== false);
  expect(top).toHaveLength(1);
  return top[0].Expression;
}

/** Ingress rules of the service's security group, inline or as separate resources. */
function ingressRules(s: Synth): any[] {
  const sgId = idOf(s.stack, s.service.securityGroup);
  const inline = s.template.toJSON().Resources[sgId].Properties.SecurityGroupIngress ?? [];
  const separate = Object.values(s.template.findResources('AWS::EC2::SecurityGroupIngress', {
    Properties: { GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] } },
  })).map(r => r.Properties);
  return [...inline, ...separate];
}

function policiesOfRole(s: Synth, roleId: string): any[] {
  return Object.values(s.template.findResources('AWS::IAM::Policy'))
    .filter(p => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .map(p => p.Properties.PolicyDocument);
}

describe('ContainerService with defaults', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  test('a Fargate service named after the service on the platform cluster', () => {
    const props = ecsService(s);
    expect(props.Cluster).toEqual(s.stack.resolve(s.platform.cluster.clusterName));
    expect(props.ServiceName).toBe('service1');
    expect(props.TaskDefinition).toEqual({ Ref: idOf(s.stack, s.service.taskDefinition) });
    expect(props.LaunchType).toBeUndefined();
    s.template.resourceCountIs('AWS::ECS::Service', 1);
  });

  test('runs in the platform private subnets without a public IP, behind its own security group', () => {
    const network = ecsService(s).NetworkConfiguration.AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe('DISABLED');
    expect(network.Subnets).toEqual(s.stack.resolve(s.platform.vpc.privateSubnets.map(sn => sn.subnetId)));
    expect(network.Subnets).not.toEqual(s.stack.resolve(s.platform.vpc.publicSubnets.map(sn => sn.subnetId)));
    expect(network.SecurityGroups).toEqual([{ 'Fn::GetAtt': [idOf(s.stack, s.service.securityGroup), 'GroupId'] }]);
  });

  test('has a deployment circuit breaker with rollback', () => {
    expect(ecsService(s).DeploymentConfiguration).toEqual(expect.objectContaining({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
    }));
  });

  test('uses the FARGATE capacity provider', () => {
    expect(ecsService(s).CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
  });

  test('task of 512 CPU units and 1024 MiB on Linux x86_64', () => {
    s.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512',
      Memory: '1024',
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
  });

  test('the container listens on 8080', () => {
    const c = container(s);
    expect(c.Name).toBe('service1');
    expect(c.Image).toBe('public.ecr.aws/georgi/jessica:1');
    expect(c.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 8080, Protocol: 'tcp' })]);
  });

  test('the container health check calls /<service>/health on the container port', () => {
    const health = container(s).HealthCheck;
    expect(health.Command[0]).toBe('CMD-SHELL');
    expect(health.Command[1]).toContain('http://127.0.0.1:8080/service1/health');
    expect(health).toEqual(expect.objectContaining({ Interval: 30, StartPeriod: 30, Retries: 3 }));
  });

  test('no environment and no secrets unless given', () => {
    const c = container(s);
    expect(c.Environment).toBeUndefined();
    expect(c.Secrets).toBeUndefined();
  });

  test('registers SRV records with the container port in the platform namespace', () => {
    const discovery = only(s.template, 'AWS::ServiceDiscovery::Service');
    expect(discovery.resource.Properties).toEqual(expect.objectContaining({
      Name: 'service1',
      NamespaceId: s.stack.resolve(s.platform.namespace.namespaceId),
      DnsConfig: expect.objectContaining({ DnsRecords: [{ Type: 'SRV', TTL: 10 }] }),
    }));
    expect(ecsService(s).ServiceRegistries).toEqual([{
      RegistryArn: { 'Fn::GetAtt': [discovery.id, 'Arn'] },
      ContainerName: 'service1',
      ContainerPort: 8080,
    }]);
  });

  test('logs to /platform/georgi/services/service1, kept 30 days and retained', () => {
    const group = only(s.template, 'AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/services/service1' });
    expect(group.resource.Properties.RetentionInDays).toBe(30);
    expect(group.resource.DeletionPolicy).toBe('Retain');
    expect(container(s).LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: expect.objectContaining({ 'awslogs-group': { Ref: group.id }, 'awslogs-stream-prefix': 'service1' }),
    });
  });

  test('the security group sends only HTTPS (tcp 443) to 0.0.0.0/0', () => {
    const sgId = idOf(s.stack, s.service.securityGroup);
    const sg = s.template.toJSON().Resources[sgId].Properties;
    expect(sg.VpcId).toEqual(s.stack.resolve(s.platform.vpc.vpcId));
    expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    const separateEgress = s.template.findResources('AWS::EC2::SecurityGroupEgress', {
      Properties: { GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] } },
    });
    expect(separateEgress).toEqual({});
  });

  test('the security group admits only the VPC link security group, on the container port', () => {
    expect(ingressRules(s)).toEqual([expect.objectContaining({
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: s.stack.resolve(s.platform.vpcLinkSecurityGroup.securityGroupId),
    })]);
    expect(JSON.stringify(ingressRules(s))).not.toContain('0.0.0.0/0');
  });

  test('ECS Exec is off and the task role gets no SSM messages permissions', () => {
    expect(ecsService(s).EnableExecuteCommand).toBe(false);
    const taskRole = idOf(s.stack, s.service.taskDefinition.taskRole);
    expect(JSON.stringify(policiesOfRole(s, taskRole))).not.toContain('ssmmessages');
  });

  test('scales the service between 1 and 2 tasks, with no schedule', () => {
    const target = scalableTarget(s);
    expect(target.MinCapacity).toBe(1);
    expect(target.MaxCapacity).toBe(2);
    expect(target.ScalableDimension).toBe('ecs:service:DesiredCount');
    expect(target.ScheduledActions).toBeUndefined();
    // No DesiredCount: CloudFormation would reset it at every update; the scalable target owns it.
    expect(ecsService(s).DesiredCount).toBeUndefined();
  });

  test('utilizationAlarms: false: the 5xx and no-running-task alarms only (no CPU or memory alarm)', () => {
    const lean = synth({ utilizationAlarms: false });
    const names = Object.values(lean.template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName).sort();
    expect(names).toEqual(['georgi-api-5xx-rate', 'georgi-api-latency-p99', 'georgi-certificate-regional-expiry',
      'georgi-service1-api-5xx-rate', 'georgi-service1-no-running-task']);
    expect(lean.service.alarms.map(a => a.node.id).sort()).toEqual(['NoRunningTaskAlarm', 'ServerErrorRateAlarm']);
  });

  test('maxCapacity equal to minCapacity: no scaling policy (its two alarms would cost $0.20 a month for nothing)', () => {
    const fixed = synth({ minCapacity: 1, maxCapacity: 1 });
    fixed.template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    // the scalable target stays: it holds the capacities (and a schedule's actions)
    expect(only(fixed.template, 'AWS::ApplicationAutoScaling::ScalableTarget').resource.Properties).toEqual(expect.objectContaining({ MinCapacity: 1, MaxCapacity: 1 }));
  });

  test('tracks 60% average CPU on its scalable target', () => {
    const targetId = only(s.template, 'AWS::ApplicationAutoScaling::ScalableTarget').id;
    s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      ScalingTargetId: { Ref: targetId },
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
    });
  });

  test('no-running-task alarm: always in hours, 0 where ECS published no sample', () => {
    const expression = noTaskExpression(s);
    // IF(TS, TS, S): where the always-true condition has a value and samples has none, IF gives 0
    expect(expression).toBe('IF(clock, samples, 1)');
    const props = alarm(s, 'georgi-service1-no-running-task');
    const clock = props.Metrics.find((m: any) => m.Id === 'clock');
    expect(clock).toEqual(expect.objectContaining({ Expression: 'TIME_SERIES(1)', ReturnData: false }));
    const samples = props.Metrics.find((m: any) => m.MetricStat);
    expect(samples.Id).toBe('samples');
    expect(samples.MetricStat).toEqual(expect.objectContaining({ Stat: 'SampleCount', Period: 300 }));
    expect(samples.MetricStat.Metric.Dimensions).toEqual(expect.arrayContaining([
      { Name: 'ServiceName', Value: { 'Fn::GetAtt': [idOf(s.stack, s.service.service), 'Name'] } },
    ]));
    expect(props).toEqual(expect.objectContaining({ ComparisonOperator: 'LessThanThreshold', Threshold: 1 }));
  });

  test('CPU and memory alarms above 80% on the service', () => {
    const serviceName = { 'Fn::GetAtt': [idOf(s.stack, s.service.service), 'Name'] };
    const cpu = alarm(s, 'georgi-service1-cpu-high');
    expect(cpu).toEqual(expect.objectContaining({ MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Threshold: 80 }));
    expect(cpu.Dimensions).toEqual(expect.arrayContaining([{ Name: 'ServiceName', Value: serviceName }]));
    const memory = alarm(s, 'georgi-service1-memory-high');
    expect(memory).toEqual(expect.objectContaining({ MetricName: 'MemoryUtilization', Threshold: 80 }));
    expect(memory.Dimensions).toEqual(expect.arrayContaining([{ Name: 'ServiceName', Value: serviceName }]));
  });

  test('every service alarm notifies the platform topic', () => {
    const topic = s.stack.resolve(s.platform.alarmTopic.topicArn);
    expect(s.service.alarms).toHaveLength(4);
    for (const name of ['no-running-task', 'cpu-high', 'memory-high', 'api-5xx-rate']) {
      const props = alarm(s, `georgi-service1-${name}`);
      expect(props.AlarmActions).toEqual([topic]);
    }
  });

  test('tags the Fargate service (and propagates to tasks) with service=service1', () => {
    const props = ecsService(s);
    expect(props.Tags).toEqual(expect.arrayContaining([{ Key: 'service', Value: 'service1' }]));
    expect(props.PropagateTags).toBe('SERVICE');
  });

  test('outputs the API URL', () => {
    const outputs = s.template.findOutputs('*', { Value: 'https://api.georgi.io/service1' });
    expect(Object.keys(outputs)).toEqual([expect.stringMatching(/^Service1ApiUrl/)]);
    expect(s.service.url).toBe('https://api.georgi.io/service1');
  });

  test('routes ANY /service1 and its proxy on the platform API to the Cloud Map service through the VPC link', () => {
    const apiId = s.stack.resolve(s.platform.httpApi.apiId);
    const discovery = only(s.template, 'AWS::ServiceDiscovery::Service').id;
    const integration = only(s.template, 'AWS::ApiGatewayV2::Integration', { IntegrationUri: { 'Fn::GetAtt': [discovery, 'Arn'] } });
    expect(integration.resource.Properties).toEqual(expect.objectContaining({
      ApiId: apiId,
      ConnectionType: 'VPC_LINK',
      ConnectionId: s.stack.resolve(s.platform.vpcLink.vpcLinkId),
    }));
    for (const routeKey of ['ANY /service1', 'ANY /service1/{proxy+}']) {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        ApiId: apiId,
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integration.id }]] },
      });
    }
  });

  test('no long-lived rules and no grace period without longLivedPaths', () => {
    s.template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    expect(ecsService(s).HealthCheckGracePeriodSeconds).toBeUndefined();
  });
});

describe('ContainerService with custom props', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({
      cpu: 1024,
      memoryLimitMiB: 2048,
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      containerPort: 3000,
      fargateSpot: true,
      enableExecuteCommand: true,
      minCapacity: 2,
      maxCapacity: 6,
      cpuTargetUtilizationPercent: 45,
      cpuThresholdPercent: 70,
      memoryThresholdPercent: 90,
      logRetention: logs.RetentionDays.ONE_WEEK,
      schedule: ServiceSchedule.weekdays(7, 19),
      environment: { MODE: 'production', LOG_FORMAT: 'json' },
    }, stack => {
      const token = new secretsmanager.Secret(stack, 'ApiToken', { secretStringValue: SecretValue.unsafePlainText(SECRET_TEXT) });
      return { secrets: { API_TOKEN: ecs.Secret.fromSecretsManager(token) } };
    });
  });

  test('task of 1024 CPU units and 2048 MiB on ARM64', () => {
    s.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '2048',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
  });

  test('runs on FARGATE_SPOT', () => {
    expect(ecsService(s).CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
  });

  test('the custom port is used by the container, the health check, Cloud Map and the security group', () => {
    const c = container(s);
    expect(c.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 3000 })]);
    expect(c.HealthCheck.Command[1]).toContain('http://127.0.0.1:3000/service1/health');
    expect(ecsService(s).ServiceRegistries).toEqual([expect.objectContaining({ ContainerPort: 3000 })]);
    expect(ingressRules(s)).toEqual([expect.objectContaining({ FromPort: 3000, ToPort: 3000 })]);
  });

  test('plain environment variables are in Environment', () => {
    expect(container(s).Environment).toEqual(expect.arrayContaining([
      { Name: 'MODE', Value: 'production' },
      { Name: 'LOG_FORMAT', Value: 'json' },
    ]));
  });

  test('a Secrets Manager secret is in Secrets by reference, never its value in Environment', () => {
    const c = container(s);
    const secretId = only(s.template, 'AWS::SecretsManager::Secret', { Description: Match.absent() }).id;
    expect(c.Secrets).toEqual([{ Name: 'API_TOKEN', ValueFrom: { Ref: secretId } }]);
    expect((c.Environment as any[]).map(e => e.Name)).not.toContain('API_TOKEN');
    expect(JSON.stringify(c)).not.toContain(SECRET_TEXT);
    const executionRole = idOf(s.stack, s.service.taskDefinition.executionRole!);
    expect(policiesOfRole(s, executionRole)).toEqual([expect.objectContaining({
      Statement: expect.arrayContaining([expect.objectContaining({
        Action: expect.arrayContaining(['secretsmanager:GetSecretValue']),
        Resource: { Ref: secretId },
      })]),
    })]);
  });

  test('ECS Exec is on, and the task role may open SSM message channels', () => {
    expect(ecsService(s).EnableExecuteCommand).toBe(true);
    const taskRole = idOf(s.stack, s.service.taskDefinition.taskRole);
    const statements = policiesOfRole(s, taskRole).flatMap(d => d.Statement);
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({
      Effect: 'Allow',
      Action: expect.arrayContaining(['ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel']),
    })]));
  });

  test('scales between 2 and 6 tasks', () => {
    const target = scalableTarget(s);
    expect(target.MinCapacity).toBe(2);
    expect(target.MaxCapacity).toBe(6);
    expect(ecsService(s).DesiredCount).toBeUndefined();
  });

  test('tracks 45% CPU', () => {
    s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 45 }),
    });
  });

  test('weekdays 7-19: scales up at 07:00 and to zero at 19:00 UTC, Monday to Friday', () => {
    expect(scalableTarget(s).ScheduledActions).toEqual([
      expect.objectContaining({ Schedule: 'cron(0 7 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 6 } }),
      expect.objectContaining({ Schedule: 'cron(0 19 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } }),
    ]);
  });

  test('the no-running-task alarm is quiet outside Monday to Friday 07:15-19:00', () => {
    const expression = noTaskExpression(s);
    // the hours are read off TIME_SERIES(1), which has a value in every period even with no task
    expect(expression).toMatch(/^IF\(DAY\(clock\) < 6 AND .* >= 435 AND .* < 1140, samples, 1\)$/);
    const clock = alarm(s, 'georgi-service1-no-running-task').Metrics.find((m: any) => m.Id === 'clock');
    expect(clock.Expression).toBe('TIME_SERIES(1)');
  });

  test('CPU alarm at 70% and memory alarm at 90%', () => {
    expect(alarm(s, 'georgi-service1-cpu-high').Threshold).toBe(70);
    expect(alarm(s, 'georgi-service1-memory-high').Threshold).toBe(90);
  });

  test('log retention of one week', () => {
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/services/service1', RetentionInDays: 7 });
  });
});

describe('ContainerService with STRIP_BASE_PATH and a daily schedule', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ pathMode: PathMode.STRIP_BASE_PATH, schedule: ServiceSchedule.daily(6, 22) });
  });

  test('the health check calls /health (the container does not see the base path)', () => {
    const command: string = container(s).HealthCheck.Command[1];
    expect(command).toContain('http://127.0.0.1:8080/health');
    expect(command).not.toContain('/service1/health');
  });

  test('daily 6-22: scales up at 06:00 and to zero at 22:00 UTC every day', () => {
    expect(scalableTarget(s).ScheduledActions).toEqual([
      expect.objectContaining({ Schedule: 'cron(0 6 ? * * *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } }),
      expect.objectContaining({ Schedule: 'cron(0 22 ? * * *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } }),
    ]);
  });

  test('the no-running-task alarm of a daily schedule has no day condition', () => {
    const expression = noTaskExpression(s);
    expect(expression).not.toContain('DAY(');
    expect(expression).toContain('>= 375');
    expect(expression).toContain('< 1320');
  });
});

describe('ContainerService with a custom health check command, long-lived paths and a schedule until midnight', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({
      healthCheckCommand: ['CMD', '/app/healthcheck', '--quiet'],
      longLivedPaths: ['/ws'],
      schedule: ServiceSchedule.weekdays(20, 24),
    });
  });

  test('the container uses the given health check command', () => {
    expect(container(s).HealthCheck).toEqual(expect.objectContaining({
      Command: ['CMD', '/app/healthcheck', '--quiet'],
      Interval: 30,
      StartPeriod: 30,
      Retries: 3,
    }));
  });

  test('an end at 24:00 on weekdays stops at 00:00 Tuesday to Saturday', () => {
    expect(scalableTarget(s).ScheduledActions).toEqual([
      expect.objectContaining({ Schedule: 'cron(0 20 ? * MON-FRI *)' }),
      expect.objectContaining({ Schedule: 'cron(0 0 ? * TUE-SAT *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } }),
    ]);
  });

  test('the security group admits the VPC link and the long-lived load balancer, both only on the container port', () => {
    const rules = ingressRules(s);
    expect(rules).toHaveLength(2);
    const sources = rules.map(r => r.SourceSecurityGroupId);
    expect(sources).toEqual(expect.arrayContaining([
      s.stack.resolve(s.platform.vpcLinkSecurityGroup.securityGroupId),
      s.stack.resolve(s.platform.longLivedListener!.connections.securityGroups[0].securityGroupId),
    ]));
    for (const rule of rules) {
      expect(rule).toEqual(expect.objectContaining({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080 }));
    }
  });

  test('long-lived paths go to a target group of the service on the platform listener', () => {
    const targetGroup = only(s.template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(targetGroup.resource.Properties).toEqual(expect.objectContaining({ Port: 8080, TargetType: 'ip', HealthCheckPath: '/service1/health' }));
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: s.stack.resolve(s.platform.longLivedListener!.listenerArn),
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/service1/ws', '/service1/ws/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup.id } }],
    });
    expect(ecsService(s).LoadBalancers).toEqual([{ ContainerName: 'service1', ContainerPort: 8080, TargetGroupArn: { Ref: targetGroup.id } }]);
    expect(ecsService(s).HealthCheckGracePeriodSeconds).toBe(60);
  });
});

describe('ContainerService with a custom health check path and long-lived paths', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ healthCheckPath: '/service1/healthz', longLivedPaths: ['/ws'], schedule: ServiceSchedule.daily(6, 24) });
  });

  test('the container health check uses the custom path', () => {
    expect(container(s).HealthCheck.Command[1]).toContain('http://127.0.0.1:8080/service1/healthz');
  });

  test('the long-lived target group checks the same health path as the container', () => {
    // The load balancer forwards the full path, so the container sees exactly this path.
    const targetGroup = only(s.template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(targetGroup.resource.Properties.HealthCheckPath).toBe('/service1/healthz');
  });

  test('a daily end at 24:00 stops at 00:00 every day', () => {
    expect(scalableTarget(s).ScheduledActions).toEqual([
      expect.objectContaining({ Schedule: 'cron(0 6 ? * * *)' }),
      expect.objectContaining({ Schedule: 'cron(0 0 ? * * *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } }),
    ]);
  });
});

/** The task definition's properties. */
function taskDefinition(s: Synth): any {
  return s.template.toJSON().Resources[idOf(s.stack, s.service.taskDefinition)].Properties;
}

/**
 * The checks of the Control Tower proactive controls' cfn-guard rules (@cdklabs/cdk-validator-cfnguard,
 * rules/control-tower/cfn-guard/ecs) on every container definition: CT.ECS.PR.3 (User exists and
 * is not 0, "0", "root", /^0:.*$/ or /^root:.*$/), CT.ECS.PR.6 (ReadonlyRootFilesystem == true),
 * CT.ECS.PR.7 (Memory >= 4), CT.ECS.PR.11 (no Privileged: true).
 */
function controlTowerFindings(s: Synth): string[] {
  const findings: string[] = [];
  for (const c of taskDefinition(s).ContainerDefinitions) {
    const user = c.User;
    if (user === undefined || user === 0 || user === '0' || user === 'root' || /^0:.*$/.test(user) || /^root:.*$/.test(user)) {
      findings.push(`CT.ECS.PR.3 ${c.Name}: User ${JSON.stringify(user)}`);
    }
    if (c.ReadonlyRootFilesystem !== true) findings.push(`CT.ECS.PR.6 ${c.Name}: ReadonlyRootFilesystem ${c.ReadonlyRootFilesystem}`);
    if (!(typeof c.Memory === 'number' && c.Memory >= 4)) findings.push(`CT.ECS.PR.7 ${c.Name}: Memory ${c.Memory}`);
    if (c.Privileged === true) findings.push(`CT.ECS.PR.11 ${c.Name}: Privileged`);
  }
  return findings;
}

describe('ContainerService container defaults: read-only, non-root, memory limit, no capabilities, init', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  test('the root filesystem is read-only', () => {
    expect(container(s).ReadonlyRootFilesystem).toBe(true);
  });

  test('/tmp is writable: an empty task volume (ephemeral storage) mounted read-write at /tmp', () => {
    expect(taskDefinition(s).Volumes).toEqual([{ Name: 'scratch-tmp' }]);
    expect(container(s).MountPoints).toEqual([{ SourceVolume: 'scratch-tmp', ContainerPath: '/tmp', ReadOnly: false }]);
  });

  test('no extra ephemeral storage: the included 20 GiB, at no cost', () => {
    expect(taskDefinition(s).EphemeralStorage).toBeUndefined();
  });

  test('runs as user 1000:1000 (the node user of the official Node.js images), not as the image\'s user', () => {
    expect(container(s).User).toBe('1000:1000');
  });

  test('the memory hard limit is the task\'s memory (1024 MiB), the only container\'s', () => {
    expect(taskDefinition(s).Memory).toBe('1024');
    expect(container(s).Memory).toBe(1024);
    expect(container(s).MemoryReservation).toBeUndefined();
  });

  test('drops all Linux capabilities, adds none, and runs an init process', () => {
    expect(container(s).LinuxParameters).toEqual({ Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true });
  });

  test('not privileged', () => {
    expect(container(s).Privileged).toBeUndefined();
  });

  test('passes the Control Tower controls CT.ECS.PR.3, 6, 7 and 11 (cfn-guard rule checks)', () => {
    expect(controlTowerFindings(s)).toEqual([]);
  });
});

describe('ContainerService container overrides', () => {
  test('readonlyRootFilesystem: false: a writable root filesystem and no scratch volume', () => {
    const s = synth({ readonlyRootFilesystem: false });
    expect(container(s).ReadonlyRootFilesystem).toBe(false);
    expect(taskDefinition(s).Volumes).toBeUndefined();
    expect(container(s).MountPoints).toBeUndefined();
    expect(controlTowerFindings(s)).toEqual(['CT.ECS.PR.6 service1: ReadonlyRootFilesystem false']);
  });

  test('writablePaths: one volume and one read-write mount point per path, /tmp only when listed', () => {
    const s = synth({ writablePaths: ['/var/cache/nginx', '/run'] });
    expect(taskDefinition(s).Volumes).toEqual([{ Name: 'scratch-var-cache-nginx' }, { Name: 'scratch-run' }]);
    expect(container(s).MountPoints).toEqual([
      { SourceVolume: 'scratch-var-cache-nginx', ContainerPath: '/var/cache/nginx', ReadOnly: false },
      { SourceVolume: 'scratch-run', ContainerPath: '/run', ReadOnly: false },
    ]);
    expect(container(s).ReadonlyRootFilesystem).toBe(true);
  });

  test('writablePaths whose names would clash get distinct volume names', () => {
    const s = synth({ writablePaths: ['/a-b', '/a/b'] });
    expect(taskDefinition(s).Volumes).toEqual([{ Name: 'scratch-a-b' }, { Name: 'scratch-a-b-2' }]);
  });

  test('writablePaths: []: read-only everywhere, no volume', () => {
    const s = synth({ writablePaths: [] });
    expect(container(s).ReadonlyRootFilesystem).toBe(true);
    expect(taskDefinition(s).Volumes).toBeUndefined();
    expect(container(s).MountPoints).toBeUndefined();
  });

  test.each(['65534', 'node', '1001:1001', 'app:app', '1000:0'])('user %s is the container\'s User', user => {
    expect(container(synth({ user })).User).toBe(user);
  });

  test('user root with allowRootUser: true runs as root (and fails CT.ECS.PR.3)', () => {
    const s = synth({ user: 'root', allowRootUser: true });
    expect(container(s).User).toBe('root');
    expect(controlTowerFindings(s)).toEqual(['CT.ECS.PR.3 service1: User "root"']);
  });

  test('containerMemoryLimitMiB below the task\'s memory leaves room for another container', () => {
    const s = synth({ memoryLimitMiB: 2048, containerMemoryLimitMiB: 1536 });
    expect(taskDefinition(s).Memory).toBe('2048');
    expect(container(s).Memory).toBe(1536);
  });

  test('the hard limit follows the task\'s memoryLimitMiB', () => {
    expect(container(synth({ cpu: 1024, memoryLimitMiB: 4096 })).Memory).toBe(4096);
  });

  test('dropCapabilities: [] keeps Docker\'s default set (no Drop); addCapabilities SYS_PTRACE adds it', () => {
    const s = synth({ dropCapabilities: [], addCapabilities: [ecs.Capability.SYS_PTRACE] });
    expect(container(s).LinuxParameters).toEqual({ Capabilities: { Add: ['SYS_PTRACE'] }, InitProcessEnabled: true });
  });

  test('dropCapabilities names the dropped ones', () => {
    const s = synth({ dropCapabilities: [ecs.Capability.NET_RAW, ecs.Capability.CHOWN] });
    expect(container(s).LinuxParameters.Capabilities).toEqual({ Drop: ['NET_RAW', 'CHOWN'] });
  });

  test('initProcessEnabled: false: no init process', () => {
    expect(container(synth({ initProcessEnabled: false })).LinuxParameters.InitProcessEnabled).toBe(false);
  });

  test('enableExecuteCommand: the root filesystem is writable by default (ECS Exec\'s agent writes into the container), no scratch volume', () => {
    const s = synth({ enableExecuteCommand: true });
    expect(container(s).ReadonlyRootFilesystem).toBe(false);
    expect(taskDefinition(s).Volumes).toBeUndefined();
    expect(container(s).User).toBe('1000:1000');
    expect(container(s).LinuxParameters).toEqual({ Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true });
  });
});

describe('ContainerService on an imported platform', () => {
  let stack: Stack;
  let platform: IGlobalPlatform;
  let service: ContainerService;
  let template: Template;
  const param = (name: string) => {
    const found = Object.entries(template.toJSON().Parameters ?? {}).filter(([, p]: [string, any]) => p.Default === `/platform/georgi/${name}`);
    expect(found).toHaveLength(1);
    return { Ref: found[0][0] };
  };
  beforeAll(() => {
    stack = new Stack(new App(), 'Service1', { env: ENV });
    platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io', longLivedConnections: {} });
    service = new ContainerService(stack, 'Service1', {
      platform,
      serviceName: 'service1',
      image: IMAGE,
      schedule: ServiceSchedule.weekdays(7, 19),
    });
    template = Template.fromStack(stack);
  });

  test('the Fargate service runs on the imported cluster in the imported service subnets', () => {
    const props = template.toJSON().Resources[idOf(stack, service.service)].Properties;
    expect(props.Cluster).toEqual(param('compute/cluster-name'));
    expect(JSON.stringify(props.NetworkConfiguration)).toContain(JSON.stringify(param('network/service-subnet-ids')));
    // ENABLED or DISABLED as the platform published it (NatType.PUBLIC_TASKS or not)
    expect(props.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toEqual(param('network/service-assign-public-ip'));
  });

  test('registers in the imported namespace and routes on the imported API through the imported VPC link', () => {
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', { NamespaceId: param('compute/namespace-id') });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { ApiId: param('api/http-api-id'), ConnectionId: param('api/vpc-link-id') });
    for (const routeKey of ['ANY /service1', 'ANY /service1/{proxy+}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { ApiId: param('api/http-api-id'), RouteKey: routeKey });
    }
  });

  test('admits the imported VPC link security group only', () => {
    const sgId = idOf(stack, service.securityGroup);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] } },
    })).map(r => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({
      SourceSecurityGroupId: param('api/vpc-link-security-group-id'),
      FromPort: 8080,
      ToPort: 8080,
    })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: param('network/vpc-id') });
  });

  test('alarms notify the imported topic, and the schedule applies', () => {
    for (const name of ['no-running-task', 'cpu-high', 'memory-high', 'api-5xx-rate']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `georgi-service1-${name}`,
        AlarmActions: [param('monitoring/alarm-topic-arn')],
      });
    }
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: Match.arrayWith([Match.objectLike({ Schedule: 'cron(0 7 ? * MON-FRI *)' })]),
    });
  });

  test('no dashboard by default (an imported platform has none; its own dashboard shows the service by search)', () => {
    expect(platform.dashboard).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('no CloudFormation import', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
  });
});

describe('ContainerService on a platform with NatType.PUBLIC_TASKS', () => {
  test('same app: the tasks run in the public subnets with a public IPv4; only the VPC link and the ALB may reach them', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    const platform = georgiPlatform(stack, { natType: NatType.PUBLIC_TASKS, longLivedConnections: {} });
    const service = new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: IMAGE, longLivedPaths: ['/ws'] });
    const template = Template.fromStack(stack);
    const network = template.toJSON().Resources[idOf(stack, service.service)].Properties.NetworkConfiguration.AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe('ENABLED');
    expect(network.Subnets).toEqual(stack.resolve(platform.vpc.publicSubnets.map(sn => sn.subnetId)));
    const sgId = idOf(stack, service.securityGroup);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] } },
    })).map(r => r.Properties);
    expect(ingress.map(r => [r.SourceSecurityGroupId, r.FromPort, r.ToPort, r.CidrIp])).toEqual(expect.arrayContaining([
      [stack.resolve(platform.vpcLinkSecurityGroup.securityGroupId), 8080, 8080, undefined],
    ]));
    expect(ingress).toHaveLength(2); // the VPC link and the long-lived ALB, no CIDR source
    for (const rule of ingress) expect(rule.CidrIp).toBeUndefined();
    const sg = template.toJSON().Resources[sgId].Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]);
  });

  test('imported platform with long-lived connections, service without long-lived paths: no listener parameters declared', () => {
    const { stack, platform } = importedPlatform(true);
    new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: IMAGE });
    const names = Object.values<any>(Template.fromStack(stack).toJSON().Parameters).map(p => p.Default);
    expect(names.filter((n: string) => /long-lived/.test(n))).toEqual([]);
    expect(names).toContain('/platform/georgi/api/vpc-link-id');
  });

  test('imported platform: AssignPublicIp is the platform\'s published value, so one service works on either shape', () => {
    const { stack, platform } = importedPlatform();
    const service = new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: IMAGE });
    const network = Template.fromStack(stack).toJSON().Resources[idOf(stack, service.service)].Properties.NetworkConfiguration.AwsvpcConfiguration;
    const parameters = Template.fromStack(stack).toJSON().Parameters;
    const parameter = Object.entries<any>(parameters).find(([, p]) => p.Default === '/platform/georgi/network/service-assign-public-ip');
    expect(parameter).toBeDefined();
    expect(parameter![1].Type).toBe('AWS::SSM::Parameter::Value<String>');
    expect(network.AssignPublicIp).toEqual({ Ref: parameter![0] });
  });
});

describe('ContainerService as a connectable and grantable', () => {
  test.each(['the other resource admits the service', 'the service connects to the other resource'])(
    'connections: %s, through the tasks\' security group (ingress there, egress here)', (how) => {
      const stack = new Stack(new App(), 'Platform', { env: ENV });
      const platform = georgiPlatform(stack);
      const service = new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: IMAGE });
      const database = new ec2.SecurityGroup(stack, 'Database', { vpc: platform.vpc });
      if (how.startsWith('the other')) {
        database.connections.allowFrom(service, ec2.Port.tcp(5432), 'service1 to its database');
      } else {
        service.connections.allowTo(database, ec2.Port.tcp(5432), 'service1 to its database');
      }
      const template = Template.fromStack(stack);
      const taskGroup = stack.resolve(service.securityGroup.securityGroupId);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: stack.resolve(database.securityGroupId), SourceSecurityGroupId: taskGroup, FromPort: 5432, ToPort: 5432,
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: taskGroup, DestinationSecurityGroupId: stack.resolve(database.securityGroupId), FromPort: 5432,
      });
      expect(service.connections.securityGroups).toEqual([service.securityGroup]);
    });

  test('grantPrincipal: grants go to the task role, not the execution role', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    const platform = georgiPlatform(stack);
    const service = new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: IMAGE });
    const bucket = new s3.Bucket(stack, 'Data');
    bucket.grantRead(service);
    const template = Template.fromStack(stack);
    const taskRole = stack.resolve((service.taskDefinition.taskRole as iam.Role).roleName);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(p => JSON.stringify(p.Properties.PolicyDocument).includes(JSON.stringify(stack.resolve(bucket.bucketArn))));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Roles).toEqual([taskRole]);
  });
});

describe('ContainerService passes every routing option to its ApiRoutes', () => {
  test('an authorizer (which ContainerService did not accept before) guards both routes', () => {
    const s = synth({}, stack => {
      const lambdaAuthorizer = new apigwv2.HttpAuthorizer(stack, 'LambdaAuthorizer', {
        httpApi: apigwv2.HttpApi.fromHttpApiAttributes(stack, 'Api', { httpApiId: 'abc123' }),
        type: apigwv2.HttpAuthorizerType.LAMBDA,
        identitySource: ['$request.header.Authorization'],
        authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations',
        payloadFormatVersion: apigwv2.AuthorizerPayloadVersion.VERSION_2_0,
      });
      return { authorizer: { bind: () => ({ authorizerId: lambdaAuthorizer.authorizerId, authorizationType: 'CUSTOM' }) } };
    });
    const routes = Object.values(s.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map(r => [r.Properties.RouteKey, r.Properties.AuthorizationType]).sort()).toEqual([
      ['ANY /service1', 'CUSTOM'], ['ANY /service1/{proxy+}', 'CUSTOM'],
    ]);
  });

  test('base path, JWT, CORS, throttling, the 5xx threshold and an own dashboard', () => {
    const s = synth({
      basePath: '/team/svc',
      jwtIssuer: 'https://issuer.example.com',
      jwtAudience: ['svc'],
      cors: { allowOrigins: ['https://app.georgi.io'] },
      throttlingRateLimit: 20,
      throttlingBurstLimit: 40,
      serverErrorRateThresholdPercent: 2,
      dashboard: true,
    });
    const routes = Object.values(s.template.findResources('AWS::ApiGatewayV2::Route')).map(r => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']);
    expect(routes.sort()).toEqual([
      ['ANY /team/svc', 'CUSTOM'], ['ANY /team/svc/{proxy+}', 'CUSTOM'], ['OPTIONS /team/svc', 'CUSTOM'], ['OPTIONS /team/svc/{proxy+}', 'CUSTOM'],
    ]);
    // The platform's JWT + origin-header check reads the service's issuer and audience (the
    // preflights: the origin header only); the service adds no authorizer of its own.
    const jwt = onlyOne(s.template, 'AWS::SSM::Parameter', r => r.Properties.Name === '/platform/georgi/jwt/service1')[1];
    expect(JSON.parse(jwt.Properties.Value)).toEqual({ basePath: '/team/svc', issuer: 'https://issuer.example.com', audience: ['svc'] });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({ 'ANY /team/svc/{proxy+}': Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }) }),
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'georgi-service1-api-5xx-rate', Threshold: 2 });
    s.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'georgi-us-east-1-service1' });
  });
});
