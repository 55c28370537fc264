import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ContainerService, ContainerServiceProps, GlobalPlatform, ServiceConnectProtocol, TtsService } from '../../src';
import { georgiPlatform, importedPlatform, serviceFactory, testStack } from '../helpers/fixtures';

/*
 * The service mesh (ECS Service Connect) on ContainerService: the proxy's configuration, the
 * security group rules between callers and callees (across apps through SSM, in one app by
 * reference), the internal-only shape, and every error.
 */

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/hello:1');
const CA_ARN = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';

/** A service repository app (platform imported) with one service; the template. */
function serviceRepo(props: Partial<ContainerServiceProps>, serviceName = 'orders'): { stack: Stack; service: ContainerService; template: Template } {
  const { stack, platform } = importedPlatform(false, new App(), `${serviceName}-repo`);
  const service = new ContainerService(stack, 'Service', { platform, serviceName, image: IMAGE, ...props });
  return { stack, service, template: Template.fromStack(stack) };
}

const ecsService = (template: Template) => Object.values(template.findResources('AWS::ECS::Service'))[0].Properties;
const containerOf = (template: Template) => Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
/** Every rule (inline or separate) that opens a port range containing `port`, as JSON. */
function rulesOnPort(template: Template, port: number): any[] {
  const inline = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
    .flatMap(r => [...(r.Properties.SecurityGroupIngress ?? []).map((x: any) => ({ ...x, in: true })),
      ...(r.Properties.SecurityGroupEgress ?? []).map((x: any) => ({ ...x, in: false }))]);
  const separate = [
    ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(r => ({ ...r.Properties, in: true })),
    ...Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map(r => ({ ...r.Properties, in: false })),
  ];
  return [...inline, ...separate].filter(r => r.FromPort <= port && r.ToPort >= port);
}

const callee = serviceRepo({ serviceConnect: { allowedCallers: ['web'] } });
const caller = serviceRepo({ serviceConnect: { calls: ['orders'], clientOnly: true } }, 'web');

describe('a callee in one repository, a caller in another', () => {
  test('the callee takes calls at http://orders through its proxy on 19080, registered as orders-sc in the platform namespace', () => {
    const config = ecsService(callee.template).ServiceConnectConfiguration;
    expect(config).toEqual({
      Enabled: true,
      // The imported platform's namespace ARN, built from its published id.
      Namespace: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':servicediscovery:us-east-1:123456789012:namespace/',
          { Ref: expect.stringMatching(/^SsmParameterValueplatformgeorgicomputenamespaceid/) }]],
      },
      Services: [{
        PortName: 'http',
        DiscoveryName: 'orders-sc',
        ClientAliases: [{ Port: 80, DnsName: 'orders' }],
        IngressPortOverride: 19080,
        Timeout: { PerRequestTimeoutSeconds: 30, IdleTimeoutSeconds: 300 },
      }],
      LogConfiguration: {
        LogDriver: 'awslogs',
        Options: expect.objectContaining({ 'awslogs-stream-prefix': 'service-connect', 'awslogs-group': { Ref: expect.any(String) } }),
      },
    });
  });

  test('the SRV registration for the VPC link stays beside the mesh (a different Cloud Map service)', () => {
    expect(ecsService(callee.template).ServiceRegistries).toHaveLength(1);
    callee.template.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'orders', DnsConfig: Match.objectLike({ DnsRecords: [{ Type: 'SRV', TTL: 10 }] }) });
  });

  test('the container leaves 64 MiB of the task to the proxy and names its protocol', () => {
    const container = containerOf(callee.template);
    expect(container.Memory).toBe(1024 - 64);
    expect(container.PortMappings).toEqual([{ ContainerPort: 8080, Protocol: 'tcp', Name: 'http', AppProtocol: 'http' }]);
  });

  test('the callee admits the caller, by the group the caller publishes, on the proxy port only', () => {
    const ingress = rulesOnPort(callee.template, 19080).filter(r => r.in);
    expect(ingress).toEqual([expect.objectContaining({
      IpProtocol: 'tcp',
      FromPort: 19080,
      ToPort: 19080,
      SourceSecurityGroupId: { Ref: expect.stringMatching(/^SsmParameterValueplatformgeorgiserviceswebmeshsecuritygroupid/) },
    })]);
    const parameters = callee.template.toJSON().Parameters;
    const [, parameter] = Object.entries<any>(parameters).find(([id]) => id.startsWith('SsmParameterValueplatformgeorgiserviceswebmesh'))!;
    expect(parameter).toEqual(expect.objectContaining({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/platform/georgi/services/web/mesh/security-group-id' }));
  });

  test('each publishes its task security group for callees in other repositories', () => {
    for (const [repo, name] of [[callee, 'orders'], [caller, 'web']] as const) {
      repo.template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: `/platform/georgi/services/${name}/mesh/security-group-id`,
        Value: { 'Fn::GetAtt': [repo.stack.getLogicalId(repo.service.securityGroup.node.defaultChild as any), 'GroupId'] },
      });
    }
  });

  test('the caller may reach any proxy port in the VPC (the callee decides), nothing else new', () => {
    const egress = rulesOnPort(caller.template, 19080).filter(r => !r.in);
    expect(egress).toEqual([expect.objectContaining({
      IpProtocol: 'tcp', FromPort: 19080, ToPort: 19080, CidrIp: { Ref: expect.stringMatching(/^SsmParameterValueplatformgeorginetworkvpccidr/) },
    })]);
    expect(rulesOnPort(caller.template, 19080).filter(r => r.in)).toEqual([]);
    // A callee that calls nobody sends nothing to the mesh.
    expect(rulesOnPort(callee.template, 19080).filter(r => !r.in)).toEqual([]);
  });

  test('the caller gets the callee URL, and a client-only proxy with no endpoint', () => {
    expect(containerOf(caller.template).Environment).toEqual([{ Name: 'ORDERS_URL', Value: 'http://orders' }]);
    const config = ecsService(caller.template).ServiceConnectConfiguration;
    expect(config.Enabled).toBe(true);
    expect(config.Services).toBeUndefined();
    expect(containerOf(caller.template).PortMappings[0].AppProtocol).toBeUndefined();
    expect(containerOf(caller.template).Memory).toBe(960);
  });

  test('the records for platform-dev carry the alias and the calls', () => {
    const record = (service: ContainerService) => service.node.metadata.find(m => (m.data as any)?.kind === 'container')!.data as any;
    expect(record(callee.service).serviceConnect).toEqual({ alias: 'orders', calls: [] });
    expect(record(caller.service).serviceConnect).toEqual({ calls: [{ service: 'orders', variable: 'ORDERS_URL' }] });
  });
});

describe('options', () => {
  test('HTTP/2 and gRPC, no per-request limit for streams, a longer idle time, access logs', () => {
    const grpc = serviceRepo({
      serviceConnect: {
        appProtocol: ServiceConnectProtocol.GRPC, perRequestTimeout: Duration.seconds(0), idleTimeout: Duration.hours(1), accessLogs: true,
      },
    });
    const config = ecsService(grpc.template).ServiceConnectConfiguration;
    expect(config.Services[0].Timeout).toEqual({ PerRequestTimeoutSeconds: 0, IdleTimeoutSeconds: 3600 });
    expect(config.AccessLogConfiguration).toEqual({ Format: 'JSON', IncludeQueryParameters: 'DISABLED' });
    expect(containerOf(grpc.template).PortMappings[0].AppProtocol).toBe('grpc');
    const http2 = serviceRepo({ serviceConnect: { appProtocol: ServiceConnectProtocol.HTTP2 } });
    expect(containerOf(http2.template).PortMappings[0].AppProtocol).toBe('http2');
  });

  test('TLS from a private CA, with an ECS infrastructure role and a customer managed key', () => {
    const { stack, platform } = importedPlatform(false);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ContainerService(stack, 'Service', {
      platform,
      serviceName: 'orders',
      image: IMAGE,
      serviceConnect: { tls: { certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA_ARN), kmsKey: key } },
    });
    const template = Template.fromStack(stack);
    const [roleId] = Object.entries(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'ecs.amazonaws.com' } })] }) },
    }))[0];
    expect(ecsService(template).ServiceConnectConfiguration.Services[0].Tls).toEqual({
      IssuerCertificateAuthority: { AwsPcaAuthorityArn: CA_ARN },
      KmsKey: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] },
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity']] }],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:DescribeKey'] })] },
    });
  });

  test('a callee gets the mesh 5xx-rate alarm (not a gRPC one: its proxies publish no HTTP codes); a client-only caller none', () => {
    const meshAlarms = (service: ContainerService) => service.alarms.map(a => (a.node.defaultChild as any).alarmName).filter(n => /mesh/.test(n));
    expect(meshAlarms(callee.service)).toEqual(['georgi-orders-mesh-5xx-rate']);
    expect(meshAlarms(caller.service)).toEqual([]);
    callee.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'georgi-orders-mesh-5xx-rate',
      Metrics: Match.arrayWith([Match.objectLike({
        MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/ECS', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'TargetDiscoveryName', Value: 'orders-sc' }] } }),
      })]),
    });
    const grpc = serviceRepo({ serviceConnect: { appProtocol: ServiceConnectProtocol.GRPC } });
    expect(meshAlarms(grpc.service)).toEqual([]);
  });

  test('an explicit container memory limit within the headroom is kept, up to the boundary', () => {
    expect(containerOf(serviceRepo({ serviceConnect: {}, containerMemoryLimitMiB: 900 }).template).Memory).toBe(900);
    expect(containerOf(serviceRepo({ serviceConnect: {}, containerMemoryLimitMiB: 960 }).template).Memory).toBe(960);
  });

  test('the mesh alarm\'s threshold', () => {
    const { template } = serviceRepo({ serviceConnect: { serverErrorRateThresholdPercent: 2 } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'georgi-orders-mesh-5xx-rate', Threshold: 2 });
  });

  test('TLS without a key of its own: no key in the configuration, no key policy', () => {
    const { stack, platform } = importedPlatform(false);
    new ContainerService(stack, 'Service', {
      platform,
      serviceName: 'orders',
      image: IMAGE,
      serviceConnect: { tls: { certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA_ARN) } },
    });
    const template = Template.fromStack(stack);
    expect(Object.keys(ecsService(template).ServiceConnectConfiguration.Services[0].Tls).sort()).toEqual(['IssuerCertificateAuthority', 'RoleArn']);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/kms:/);
  });

  test('with long-lived paths the load balancer keeps the container port; the proxy takes calls on 19080', () => {
    const { stack, platform } = importedPlatform(true);
    new ContainerService(stack, 'Service', { platform, serviceName: 'orders', image: IMAGE, serviceConnect: {}, longLivedPaths: ['/ws'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080 });
    expect(ecsService(template).ServiceConnectConfiguration.Services[0].IngressPortOverride).toBe(19080);
    expect(ecsService(template).LoadBalancers).toEqual([expect.objectContaining({ ContainerPort: 8080 })]);
  });

  test('TtsService passes the mesh through', () => {
    const { stack, platform } = importedPlatform(true);
    new TtsService(stack, 'Jessica', { platform, serviceName: 'jessica', image: IMAGE, serviceConnect: {} });
    expect(ecsService(Template.fromStack(stack)).ServiceConnectConfiguration.Services[0].DiscoveryName).toBe('jessica-sc');
  });
});

describe('without serviceConnect', () => {
  const plain = serviceRepo({});

  test('nothing of the mesh: no configuration, no proxy port, the whole task for the container', () => {
    expect(ecsService(plain.template).ServiceConnectConfiguration).toBeUndefined();
    expect(rulesOnPort(plain.template, 19080)).toEqual([]);
    expect(containerOf(plain.template).Memory).toBe(1024);
    expect(containerOf(plain.template).PortMappings[0].AppProtocol).toBeUndefined();
    expect(Object.keys(plain.template.findResources('AWS::SSM::Parameter'))).toEqual([]);
  });
});

describe('a service without public routes (internal only, reached through the mesh)', () => {
  const internal = serviceRepo({ publicRoutes: false, serviceConnect: {}, localRun: { command: 'node server.js' } }, 'ledger');

  test('no routes, no SRV registration, no output; only the mesh admits calls', () => {
    expect(internal.service.routes).toBeUndefined();
    expect(internal.service.url).toBeUndefined();
    expect(Object.keys(internal.template.findResources('AWS::ApiGatewayV2::Route'))).toEqual([]);
    expect(Object.keys(internal.template.findResources('AWS::ApiGatewayV2::Integration'))).toEqual([]);
    expect(Object.keys(internal.template.findResources('AWS::ServiceDiscovery::Service'))).toEqual([]);
    expect(ecsService(internal.template).ServiceRegistries).toBeUndefined();
    expect(internal.template.toJSON().Outputs ?? {}).toEqual({});
    const ingress = Object.values(internal.template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toEqual([]);
    expect(ecsService(internal.template).ServiceConnectConfiguration.Services[0].ClientAliases).toEqual([{ Port: 80, DnsName: 'ledger' }]);
  });

  test('its health check is /health (no base path), and its alarms are the container\'s', () => {
    expect(containerOf(internal.template).HealthCheck.Command).toEqual(['CMD-SHELL', 'curl -fsS http://127.0.0.1:8080/health > /dev/null || exit 1']);
    expect(internal.service.alarms.map(a => (a.node.defaultChild as any).alarmName))
      .toEqual(['georgi-ledger-no-running-task', 'georgi-ledger-cpu-high', 'georgi-ledger-memory-high', 'georgi-ledger-mesh-5xx-rate']);
  });

  test('platform-dev finds it by its container record (no routes, its run options) and an ecs target on the service', () => {
    const records = internal.service.node.metadata.map(m => m.data as any);
    expect(records.find(r => r.kind === 'container')).toEqual(expect.objectContaining({
      serviceName: 'ledger',
      platformName: 'georgi',
      routes: undefined,
      healthCheckPath: '/health',
      run: expect.objectContaining({ command: 'node server.js' }),
      domainName: 'georgi.io',
      apiDomainName: 'api.georgi.io',
    }));
    expect(records.find(r => r.kind === 'target')).toEqual(expect.objectContaining({ target: 'ecs', container: 'ledger', containerPort: 8080 }));
  });
});

describe('callers in the same app', () => {
  test('allowServiceConnectFrom admits the caller by reference, across stacks', () => {
    const app = new App();
    const platformStack = testStack(app, 'Platform');
    const platform = georgiPlatform(platformStack);
    const ordersStack = testStack(app, 'Orders');
    const webStack = testStack(app, 'Web');
    const orders = new ContainerService(ordersStack, 'Orders', { platform, serviceName: 'orders', image: IMAGE, serviceConnect: {}, publicRoutes: false });
    const web = new ContainerService(webStack, 'Web', { platform, serviceName: 'web', image: IMAGE, serviceConnect: { calls: ['orders'] } });
    orders.allowServiceConnectFrom(web);
    // The rule lives with the caller, so the callee's stack deploys first (a task resolves only
    // the endpoints that exist when it starts).
    expect(rulesOnPort(Template.fromStack(ordersStack), 19080).filter(r => r.in)).toEqual([]);
    const rules = rulesOnPort(Template.fromStack(webStack), 19080).filter(r => r.in);
    expect(rules).toEqual([expect.objectContaining({ FromPort: 19080, ToPort: 19080, SourceSecurityGroupId: expect.anything() })]);
    expect(JSON.stringify(rules[0].SourceSecurityGroupId)).toMatch(/WebSecurityGroup/);
    expect(JSON.stringify(rules[0].GroupId)).toMatch(/ImportValue.*OrdersSecurityGroup/);
    expect(webStack.dependencies).toContain(ordersStack);
    expect(ordersStack.dependencies).not.toContain(webStack);
  });

  test('in one stack, the caller\'s ECS service waits for the callee\'s', () => {
    const { stack, platform } = importedPlatform(false);
    const orders = new ContainerService(stack, 'Orders', { platform, serviceName: 'orders', image: IMAGE, serviceConnect: {}, publicRoutes: false });
    const web = new ContainerService(stack, 'Web', { platform, serviceName: 'web', image: IMAGE, serviceConnect: { calls: ['orders'] } });
    orders.allowServiceConnectFrom(web);
    orders.allowServiceConnectFrom(web); // once is enough: no second rule
    const template = Template.fromStack(stack);
    const ordersId = stack.getLogicalId(orders.service.node.defaultChild as any);
    expect(template.toJSON().Resources[stack.getLogicalId(web.service.node.defaultChild as any)].DependsOn).toContain(ordersId);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 19080 } }))).toHaveLength(1);
  });

  test('an internal service\'s widgets go to the platform dashboard in its stack', () => {
    const app = new App();
    const stack = testStack(app, 'Platform');
    const platform = georgiPlatform(stack);
    new ContainerService(stack, 'Ledger', { platform, serviceName: 'ledger', image: IMAGE, serviceConnect: {}, publicRoutes: false });
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toMatch(/georgi-ledger CPU and memory/);
    expect(body).toMatch(/ledger mesh calls in/);
  });
});

// ===================================================================================== errors

const { messageOf, make } = serviceFactory<ContainerServiceProps, ContainerService>((stack, platform, n, props) =>
  new ContainerService(stack, `Service${n}`, { platform, serviceName: `service${n}`, image: IMAGE, ...props }));

describe('errors', () => {
  test.each<[string, Partial<ContainerServiceProps>, RegExp]>([
    ['publicRoutes false without the mesh', { publicRoutes: false },
      /invalid publicRoutes false: a service without public routes is reached only through the service mesh: set serviceConnect \(and not clientOnly\)$/],
    ['publicRoutes false with a client-only mesh', { publicRoutes: false, serviceConnect: { clientOnly: true, calls: ['orders'] } }, /invalid publicRoutes false/],
    ['a routing prop without public routes', { publicRoutes: false, serviceConnect: {}, basePath: '/x' },
      /invalid basePath "\/x": only used with public routes \(publicRoutes is false: the service is reached only through the service mesh\)$/],
    ['the proxy port as the container port', { serviceConnect: {}, containerPort: 19080 },
      /invalid containerPort 19080: the service connect proxy takes calls on 19080 in the task; choose another container port$/],
    ['a container limit that leaves the proxy no room', { serviceConnect: {}, containerMemoryLimitMiB: 1000 },
      /invalid containerMemoryLimitMiB 1000: with serviceConnect at most 960: the task's 1024 MiB must also hold the service connect proxy \(64 MiB, AWS's suggested minimum\)$/],
    ['a fraction of a second', { serviceConnect: { perRequestTimeout: Duration.millis(1500) } },
      /invalid serviceConnect.perRequestTimeout "1.5s": expected whole seconds, Duration.seconds\(0\) for no limit$/],
    ['an idle time below the request time', { serviceConnect: { perRequestTimeout: Duration.minutes(2), idleTimeout: Duration.minutes(1) } },
      /invalid serviceConnect.idleTimeout "60s": at least perRequestTimeout \(120s\): the proxy closes an idle connection first, cutting a slow answer$/],
    ['a client-only service that calls nobody', { serviceConnect: { clientOnly: true } },
      /invalid serviceConnect.clientOnly true: a client-only service is in the mesh to call others: name them in serviceConnect.calls/],
    ['a mesh alarm threshold for gRPC', { serviceConnect: { appProtocol: ServiceConnectProtocol.GRPC, serverErrorRateThresholdPercent: 5 } },
      /invalid serviceConnect.serverErrorRateThresholdPercent 5: only used with the HTTP and HTTP2 protocols/],
    ['a mesh alarm threshold out of range', { serviceConnect: { serverErrorRateThresholdPercent: 0 } }, /invalid serviceConnect.serverErrorRateThresholdPercent 0/],
    ['a task memory known only at deploy time', { serviceConnect: {}, memoryLimitMiB: Token.asNumber({ Ref: 'Memory' }) },
      /invalid memoryLimitMiB .*: with serviceConnect expected a number known at synth: the container's limit leaves 64 MiB of it to the proxy/],
    ['callee options on a client-only service', { serviceConnect: { clientOnly: true, calls: ['orders'], allowedCallers: ['web'] } },
      /invalid serviceConnect.allowedCallers \["web"\]: only used without clientOnly: a client-only service takes no calls$/],
    ['a protocol on a client-only service', { serviceConnect: { clientOnly: true, calls: ['orders'], appProtocol: ServiceConnectProtocol.GRPC } },
      /invalid serviceConnect.appProtocol "grpc": only used without clientOnly/],
    ['a caller that is not a service name', { serviceConnect: { allowedCallers: ['Web'] } }, /invalid serviceConnect.allowedCallers "Web": expected 2-32 characters/],
    ['a callee with the reserved suffix', { serviceConnect: { calls: ['orders-sc'] } }, /invalid serviceConnect.calls "orders-sc": names ending in "-sc" are reserved/],
    ['a repeated callee', { serviceConnect: { calls: ['orders', 'orders'] } }, /invalid serviceConnect.calls "orders": list each service once/],
    ['too many callers', { serviceConnect: { allowedCallers: Array.from({ length: 51 }, (_, i) => `caller${i}`) } },
      /invalid serviceConnect.allowedCallers "51 services": at most 50: each is an inbound rule/],
    ['a callee URL also in environment', { serviceConnect: { calls: ['tts-api'] }, environment: { TTS_API_URL: 'http://x' } },
      /invalid environment "TTS_API_URL": is set by serviceConnect.calls \(tts-api: http:\/\/tts-api\); a variable comes from one place$/],
  ])('%s', (_, props, expected) => {
    expect(messageOf(props)).toMatch(expected);
  });

  test('calling itself', () => {
    expect(messageOf({ serviceName: 'self1', serviceConnect: { calls: ['self1'] } }))
      .toMatch(/invalid serviceConnect.calls "self1": a service does not call itself through the mesh$/);
  });

  test('an internal-only name that is not DNS-safe (no routes check it)', () => {
    expect(messageOf({ serviceName: 'Ledger', publicRoutes: false, serviceConnect: {} })).toMatch(/invalid serviceName "Ledger": expected 2-32 characters/);
  });

  test('two services of one app with the same mesh name', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io' });
    new ContainerService(stack, 'A', { platform, serviceName: 'ledger', image: IMAGE, publicRoutes: false, serviceConnect: {} });
    expect(() => new ContainerService(stack, 'B', { platform, serviceName: 'ledger', image: IMAGE, publicRoutes: false, serviceConnect: {} }))
      .toThrow(/^S\/B: invalid serviceName "ledger": the service mesh name http:\/\/ledger is already taken by S\/A on platform "georgi"; each service needs its own$/);
  });

  test('an internal service may not take a public service\'s name', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io' });
    new ContainerService(stack, 'Public', { platform, serviceName: 'orders', image: IMAGE });
    expect(() => new ContainerService(stack, 'Internal', { platform, serviceName: 'orders', image: IMAGE, publicRoutes: false, serviceConnect: {} }))
      .toThrow(/^S\/Internal: invalid serviceName "orders": it is already used by S\/Public\/Routes on platform "georgi"/);
  });

  test('allowServiceConnectFrom counts against the 50 callers, and a service does not admit itself', () => {
    const many = make({ serviceConnect: { allowedCallers: Array.from({ length: 50 }, (_, i) => `caller${i}`) } });
    const one = make({ serviceConnect: { calls: [many.node.id.toLowerCase()] } });
    expect(() => many.allowServiceConnectFrom(one)).toThrow(/invalid allowServiceConnectFrom ".*": at most 50 callers with serviceConnect.allowedCallers/);
    expect(() => one.allowServiceConnectFrom(one)).toThrow(/a service does not call itself through the mesh$/);
  });

  test('allowServiceConnectFrom needs both in the mesh, the callee taking calls', () => {
    const meshCallee = make({ serviceConnect: {} });
    const plainCaller = make({});
    expect(() => meshCallee.allowServiceConnectFrom(plainCaller)).toThrow(/invalid serviceConnect "not set": it calls .* through the mesh: set serviceConnect on it$/);
    const clientOnly = make({ serviceConnect: { clientOnly: true, calls: ['orders'] } });
    expect(() => clientOnly.allowServiceConnectFrom(meshCallee)).toThrow(/invalid serviceConnect "clientOnly": allowServiceConnectFrom\(.*\) needs this service in the mesh, taking calls/);
  });
});
