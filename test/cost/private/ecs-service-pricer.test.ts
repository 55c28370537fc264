import { CostEstimator, CostLineItem, StackCostEstimate } from '../../../src';
import { SERVICE_CONNECT_PROXY_MEMORY_MIB } from '../../../src/contract/names';
import { PROXY_MEMORY_MIB } from '../../../src/cost/private/ecs-service-pricer';

// Hand-written templates with the ServiceConnectConfiguration shape ContainerService renders, and
// hand-computed figures (us-east-1 list prices, 730 hours a month).
const HOURS = 730;
const X86_TASK_HOUR = 0.5 * 0.04048 + 1 * 0.004445; // 0.5 vCPU / 1 GB
const NAMESPACE_ARN = 'arn:aws:servicediscovery:us-east-1:111111111111:namespace/ns-platform';

const ORDERS_SC = {
  PortName: 'http',
  DiscoveryName: 'orders-sc',
  ClientAliases: [{ Port: 80, DnsName: 'orders' }],
  IngressPortOverride: 19080,
  Timeout: { IdleTimeoutSeconds: 300, PerRequestTimeoutSeconds: 30 },
};
const LOGS = {
  LogDriver: 'awslogs',
  Options: { 'awslogs-group': { Ref: 'Logs' }, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'service-connect' },
};

function template(serviceConnect: any, service: Record<string, any> = {}): any {
  return {
    Resources: {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
      TaskDef: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Cpu: '512',
          Memory: '1024',
          NetworkMode: 'awsvpc',
          RequiresCompatibilities: ['FARGATE'],
          ContainerDefinitions: [{ Name: 'app', Image: 'app', Memory: 960, PortMappings: [{ Name: 'http', ContainerPort: 8080, AppProtocol: 'http' }] }],
        },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: 'platform',
          LaunchType: 'FARGATE',
          DesiredCount: 2,
          TaskDefinition: { Ref: 'TaskDef' },
          ...(serviceConnect ? { ServiceConnectConfiguration: serviceConnect } : {}),
          Tags: [{ Key: 'service', Value: 'orders' }],
          ...service,
        },
      },
    },
  };
}

const estimate = (t: any): StackCostEstimate => CostEstimator.fromTemplate(t, 'Orders', 'us-east-1');
const items = (r: StackCostEstimate, description: RegExp): CostLineItem[] => r.items.filter(i => description.test(i.description));
function only(r: StackCostEstimate, description: RegExp): CostLineItem {
  const found = items(r, description);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('ECS Service Connect', () => {
  test('a callee (one Service Connect service, 2 tasks all month): a Cloud Map instance per task, $0.20; the proxy a $0 line', () => {
    const result = estimate(template({ Enabled: true, Namespace: NAMESPACE_ARN, Services: [ORDERS_SC], LogConfiguration: LOGS }));
    const cloudMap = only(result, /^Cloud Map registered task \(Service Connect\)$/);
    expect(cloudMap).toMatchObject({ logicalId: 'Service', resourceType: 'AWS::ECS::Service', service: 'orders', perRunningTask: true });
    expect(cloudMap.quantity).toBeCloseTo(2, 6); // 2 tasks x 730 h / 730 h
    expect(cloudMap.monthlyUsd).toBeCloseTo(0.2, 6);
    expect(cloudMap.note).toBe('one instance per running task; billing of Service Connect registrations unconfirmed');

    const proxy = only(result, /^Service Connect proxy/);
    expect(proxy).toMatchObject({ monthlyUsd: 0, unitPriceUsd: 0, unit: 'task-hour', perRunningTask: true, service: 'orders' });
    expect(proxy.quantity).toBeCloseTo(2 * HOURS, 6);
    // 64 MiB of 2 tasks' memory all month: 2 x 730 x 0.004445 x 64/1024 = $0.41
    expect(proxy.note).toBe('priced in the Fargate task: 64 MiB of the task\'s memory reserved (about $0.41 a month of it); AWS suggests 256 CPU units');

    // The task is priced once, as before; the total is the tasks plus the Cloud Map instances.
    expect(only(result, /^Fargate task/).monthlyUsd).toBeCloseTo(2 * X86_TASK_HOUR * HOURS, 6);
    expect(result.monthlyUsd).toBeCloseTo(2 * X86_TASK_HOUR * HOURS + 0.2, 6);
    expect(result.services).toEqual([{ service: 'orders', monthlyUsd: expect.closeTo(2 * X86_TASK_HOUR * HOURS + 0.2, 6) }]);
    expect(result.usagePrices).toContainEqual({
      description: 'Cloud Map API calls (whether Service Connect\'s discovery calls are billed is unconfirmed)',
      priceUsd: 1,
      unit: 'million API calls',
      logicalIds: ['Service'],
    });
    expect(result.unpriced).toEqual([]);
  });

  test('beside the SRV registration (ServiceRegistries): two Cloud Map instances per task, one in each Cloud Map service', () => {
    const t = template({ Enabled: true, Namespace: NAMESPACE_ARN, Services: [ORDERS_SC] },
      { ServiceRegistries: [{ RegistryArn: { 'Fn::GetAtt': ['Srv', 'Arn'] }, ContainerName: 'app', ContainerPort: 8080 }] });
    t.Resources.Srv = { Type: 'AWS::ServiceDiscovery::Service', Properties: { Name: 'orders' } };
    const result = estimate(t);
    expect(only(result, /^Cloud Map registered task$/)).toMatchObject({ logicalId: 'Srv', monthlyUsd: 0.2 });
    expect(only(result, /^Cloud Map registered task \(Service Connect\)$/)).toMatchObject({ logicalId: 'Service', monthlyUsd: 0.2 });
  });

  test('on the weekday schedule, on Fargate Spot, with two Service Connect services: the instances follow the task-hours', () => {
    const t = template({ Enabled: true, Namespace: NAMESPACE_ARN, Services: [ORDERS_SC, { ...ORDERS_SC, PortName: 'grpc', DiscoveryName: 'orders-grpc-sc' }] },
      { LaunchType: undefined, CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] });
    t.Resources.Scaling = {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Properties: {
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: { 'Fn::Join': ['', ['service/platform/', { 'Fn::GetAtt': ['Service', 'Name'] }]] },
        MinCapacity: 1,
        MaxCapacity: 2,
        ServiceNamespace: 'ecs',
        ScheduledActions: [
          { ScheduledActionName: 'Start', Schedule: 'cron(0 7 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } },
          { ScheduledActionName: 'Stop', Schedule: 'cron(0 19 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } },
        ],
      },
    };
    const weekdayHours = 60 * HOURS / 168; // 260.7 task-hours
    const result = estimate(t);
    const cloudMap = only(result, /^Cloud Map registered task \(Service Connect\)$/);
    expect(cloudMap.quantity).toBeCloseTo(2 * weekdayHours / HOURS, 6);
    expect(cloudMap.monthlyUsd).toBeCloseTo(0.1 * 2 * weekdayHours / HOURS, 6); // $0.07
    expect(cloudMap.note).toMatch(/^one instance per running task in each of its 2 Service Connect services;/);
    // The proxy's share at the Spot memory price: 260.7 x 0.00138835 x 64/1024 = $0.02
    expect(only(result, /^Service Connect proxy/).note).toMatch(/about \$0\.02 a month of it/);
    expect(only(result, /^Fargate Spot task/).quantity).toBeCloseTo(weekdayHours, 6);
  });

  test('a client-only service (no Services) registers nothing: only the proxy line; Enabled false adds nothing', () => {
    const client = estimate(template({ Enabled: true, Namespace: NAMESPACE_ARN, LogConfiguration: LOGS }));
    expect(only(client, /^Service Connect proxy/).monthlyUsd).toBe(0);
    expect(items(client, /Cloud Map/)).toEqual([]);

    const off = estimate(template({ Enabled: false, Services: [ORDERS_SC] }));
    expect(off.items).toEqual(estimate(template(undefined)).items);
    expect(off.usagePrices).toEqual(estimate(template(undefined)).usagePrices);
  });
});

test('TLS: the certificates ECS issues as a per-use price; a CA from outside the stack named in a note', () => {
  const tls = { IssuerCertificateAuthority: { AwsPcaAuthorityArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/ca-1' }, RoleArn: 'r' };
  const result = estimate(template({ Enabled: true, Namespace: NAMESPACE_ARN, Services: [{ ...ORDERS_SC, Tls: tls }] }));
  expect(result.usagePrices).toContainEqual({
    description: 'Service Connect TLS certificates (issued per task and rotated by ECS; short-lived mode)',
    priceUsd: 0.058,
    unit: 'certificate issued',
    logicalIds: ['Service'],
  });
  expect(result.notes).toContainEqual('Service: Service Connect TLS uses a private CA from outside this stack, priced where it is created'
    + ' ($50 a month in short-lived mode, $400 general purpose)');
  // A CA in the same template is priced there (its own line): no note.
  const t = template({ Enabled: true, Namespace: NAMESPACE_ARN, Services: [{ ...ORDERS_SC, Tls: { ...tls, IssuerCertificateAuthority: { AwsPcaAuthorityArn: { Ref: 'Ca' } } } }] });
  t.Resources.Ca = { Type: 'AWS::ACMPCA::CertificateAuthority', Properties: { Type: 'ROOT', KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: {}, UsageMode: 'SHORT_LIVED_CERTIFICATE' } };
  const inStack = estimate(t);
  expect(inStack.notes.filter(n => /Service Connect TLS/.test(n))).toEqual([]);
  expect(inStack.items.filter(i => i.resourceType === 'AWS::ACMPCA::CertificateAuthority').map(i => i.monthlyUsd)).toEqual([50]);
});

test('the estimator reserves the proxy memory the library keeps free', () => {
  expect(PROXY_MEMORY_MIB).toBe(SERVICE_CONNECT_PROXY_MEMORY_MIB);
});
