import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import {
  ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, LongLivedOriginType, NatType, TtsService,
} from '../../../../src';
import { errorOf } from '../../../helpers/errors';
import { georgiPlatform, onlyId, testStack } from '../../../helpers/fixtures';

/**
 * The platform with the proxy instance as its long-lived origin (LongLivedOriginType.proxyInstance()),
 * in the lean shape (no NAT), with a service in the same app that has long-lived paths and a JWT.
 * One synthesized app for the suite.
 */
const app = new App();
const stack = testStack(app, 'Platform');
const platform = georgiPlatform(stack, {
  natType: NatType.PUBLIC_TASKS,
  longLivedConnections: { origin: LongLivedOriginType.proxyInstance() },
});
const services = testStack(app, 'Services');
const orders = new ContainerService(services, 'Orders', {
  platform,
  serviceName: 'orders',
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/orders:1'),
  longLivedPaths: ['/ws', '/api/mcp'],
  jwtIssuer: 'https://issuer.example.com',
  jwtAudience: ['orders-api'],
});
new ContainerService(services, 'Plain', {
  platform,
  serviceName: 'plain',
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/plain:1'),
});
const template = Template.fromStack(stack);
const serviceTemplate = Template.fromStack(services);

describe('the platform with a proxy instance as its long-lived origin', () => {
  test('has no load balancer; one t4g.nano in one private subnet, standard credits, encrypted gp3 root volume', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 0);
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.nano',
      CreditSpecification: { CPUCredits: 'standard' },
      NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, DeviceIndex: '0', SubnetId: { Ref: Match.stringLikeRegexp('privateSubnet1') } })],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 8, DeleteOnTermination: true } }],
      LaunchTemplate: Match.objectLike({ LaunchTemplateId: Match.anyValue() }),
    });
    const instance = Object.values(template.findResources('AWS::EC2::Instance'))[0];
    expect(instance.Properties.ImageId).toBeUndefined();
    expect(instance.Properties.KeyName).toBeUndefined();
  });

  test('its user data (the set-up, the first configuration, the agent and its units) stays well below EC2\'s 16 KB', () => {
    const instance = Object.values(template.findResources('AWS::EC2::Instance'))[0];
    const parts: unknown[] = instance.Properties.UserData['Fn::Base64']['Fn::Join'][1];
    // The tokens (the bucket's name) are at most 63 characters each.
    const bytes = parts.reduce((n: number, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : 63), 0);
    expect(bytes).toBeGreaterThan(5_000);
    expect(bytes).toBeLessThan(14 * 1024);
    const text = parts.filter(p => typeof p === 'string').join('');
    for (const step of ['dnf install -y haproxy', 'RuntimeDirectory=haproxy', 'systemctl enable --now platform-proxy-agent.timer', '  user haproxy']) {
      expect(text).toContain(step);
    }
  });

  test('requires IMDSv2, keeps the image resolved at launch and the automatic recovery in its launch template', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
        MaintenanceOptions: { AutoRecovery: 'default' },
      },
    });
  });

  test('CloudFront reaches it through a VPC origin on HTTP port 80, for the long-lived behaviours', () => {
    const instanceId = onlyId(template, 'AWS::EC2::Instance');
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({
        Name: 'georgi-us-east-1-long-lived-proxy',
        OriginProtocolPolicy: 'http-only',
        HTTPPort: 80,
        Arn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: instanceId }])]) }),
      }),
    });
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
    const config = distribution.Properties.DistributionConfig;
    const vpcOrigin = config.Origins.find((o: { VpcOriginConfig?: unknown }) => o.VpcOriginConfig);
    expect(vpcOrigin.VpcOriginConfig.OriginReadTimeout).toBe(60);
    for (const pattern of ['/*/ws', '/*/ws/*', '/*/mcp', '/*/mcp/*']) {
      expect(config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === pattern).TargetOriginId).toBe(vpcOrigin.Id);
    }
  });

  test('admits only CloudFront\'s VPC origin group on port 80, and reaches only the VPC and HTTPS out', () => {
    const group = onlyId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('long-lived proxy instance') });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [group, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('VpcOriginSecurityGroupLookup'), 'SecurityGroups.0.GroupId'] },
    });
    const egress = template.findResources('AWS::EC2::SecurityGroup')[group].Properties.SecurityGroupEgress;
    expect(egress.map((e: { FromPort: number; ToPort: number }) => `${e.FromPort}-${e.ToPort}`).sort()).toEqual(['0-65535', '443-443']);
    expect(template.findResources('AWS::EC2::SecurityGroup')[group].Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('its role reads only the bundle and writes only log batches; no Session Manager unless asked', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('long-lived proxy instance') } });
    const [roleId] = Object.keys(roles);
    expect(roles[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find(p => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
    const actions = policy.Properties.PolicyDocument.Statement.map((s: { Action: string }) => s.Action).sort();
    expect(actions).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(policy)).toContain('/proxy/bundle.json');
    expect(JSON.stringify(policy)).toContain('/logs/*');
  });

  test('the bucket is private, encrypted and TLS-only; log batches expire after a week', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'logs/', ExpirationInDays: 7, Status: 'Enabled' })] },
    });
  });

  test('the publisher runs on route record changes and every 5 minutes, without reserved concurrency (a new account has none to spare)', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({
          ROUTES_PATH: '/platform/georgi/long-lived/routes', NAMESPACE: 'georgi.internal', NAMESERVER: '169.254.169.253:53', IDLE_TIMEOUT_SECONDS: '600',
        }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.ssm'], 'detail-type': ['Parameter Store Change'], 'detail': { name: [{ prefix: '/platform/georgi/long-lived/routes/' }] } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/long-lived-proxy' });
  });

  test('alarms: the status (missing data breaching) notifies the platform topic; the instance check reboots', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'georgi-long-lived-proxy-status',
      MetricName: 'StatusCheckFailed',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'georgi-long-lived-proxy-reboot',
      MetricName: 'StatusCheckFailed_Instance',
      AlarmActions: [{ 'Fn::Join': ['', Match.arrayWith([':automate:us-east-1:ec2:reboot'])] }],
    });
    expect(platform.alarms.map(a => a.node.id)).toContain('StatusAlarm');
  });

  test('publishes its security group for services in other apps, and no listener', () => {
    // Under a key of its own: an app importing the platform with the other kind fails at deploy
    // (a missing parameter) instead of deploying routes nobody reads.
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/front-door/long-lived-proxy-security-group-id' });
    const names = Object.values(template.findResources('AWS::SSM::Parameter')).map(p => p.Properties.Name);
    expect(names).not.toContain('/platform/georgi/front-door/long-lived-listener-arn');
    expect(names).not.toContain('/platform/georgi/front-door/long-lived-security-group-id');
  });
});

describe('a service on a platform with the proxy instance', () => {
  test('registers its routes as an SSM record, with its JWT claims, instead of listener rules', () => {
    serviceTemplate.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    serviceTemplate.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
    const parameter = Object.values(serviceTemplate.findResources('AWS::SSM::Parameter'))
      .find(p => p.Properties.Name === '/platform/georgi/long-lived/routes/orders')!;
    const value = parameter.Properties.Value;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    expect(text).toContain('"srv":"_orders._tcp"');
    expect(text).toContain('"paths":["/ws","/api/mcp"]');
    expect(text).toContain('"healthCheckPath":"/orders/health"');
    expect(text).toContain('"jwt":{"issuer":"https://issuer.example.com","audiences":["orders-api"],"audienceClaim":"aud","jwksUri":"https://issuer.example.com/.well-known/jwks.json"}');
  });

  test('registers its tasks in Cloud Map as _<service>._tcp (HAProxy\'s SRV form); a service without long-lived paths keeps its name', () => {
    serviceTemplate.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: '_orders._tcp' });
    serviceTemplate.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'plain' });
  });

  test('opens its port to the proxy\'s security group only', () => {
    const ingress = Object.values(serviceTemplate.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter(r => r.Properties.Description === 'platform long-lived proxy instance');
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080 });
    expect(orders.routes?.longLivedTargetGroup).toBeUndefined();
  });

  test('may verify JWTs on long-lived paths without a NAT (the publisher fetches the keys outside the VPC)', () => {
    expect(orders.routes?.longLivedUrls).toEqual(['wss://api.georgi.io/orders/ws', 'https://api.georgi.io/orders/api/mcp']);
  });
});

describe('imported with the proxy origin', () => {
  test('a service reads the proxy\'s security group and no listener', () => {
    const serviceApp = new App();
    const serviceStack = testStack(serviceApp, 'Service');
    const imported = GlobalPlatform.fromPlatformName(serviceStack, 'Platform', 'georgi', {
      domainName: 'georgi.io', longLivedConnections: { origin: LongLivedOriginType.proxyInstance() },
    });
    new TtsService(serviceStack, 'Jessica', { platform: imported, serviceName: 'jessica', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1') });
    const t = Template.fromStack(serviceStack);
    const parameters = JSON.stringify(t.toJSON().Parameters);
    expect(parameters).toContain('/platform/georgi/front-door/long-lived-proxy-security-group-id');
    expect(parameters).not.toContain('long-lived-listener-arn');
    expect(parameters).not.toContain('/platform/georgi/front-door/long-lived-security-group-id');
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/long-lived/routes/jessica' });
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: '_jessica._tcp' });
  });
});

describe('validation', () => {
  const platformError = (longLivedConnections: object) => errorOf(() => georgiPlatform(testStack(new App()), { longLivedConnections })).message;

  test('originTls: true is refused with the proxy instance', () => {
    expect(platformError({ origin: LongLivedOriginType.proxyInstance(), originTls: true }))
      .toMatch(/longLivedConnections\.originTls.*cannot hold an ACM certificate/);
  });

  test('maxConnections out of range, and a zone that is not the platform\'s, are refused', () => {
    expect(platformError({ origin: LongLivedOriginType.proxyInstance({ maxConnections: 10 }) })).toMatch(/maxConnections/);
    expect(platformError({ origin: LongLivedOriginType.proxyInstance({ availabilityZone: 'eu-west-1a' }) }))
      .toMatch(/availabilityZone.*eu-west-1a.*expected one of the platform's zones/);
  });

  test('longLivedRulePriority is refused: the proxy has no listener rules', () => {
    const s = testStack(app, 'Priority');
    expect(errorOf(() => new ContainerService(s, 'P', {
      platform, serviceName: 'prio', image: ecs.ContainerImage.fromRegistry('x'), longLivedPaths: ['/ws'], longLivedRulePriority: 5000,
    })).message).toMatch(/longLivedRulePriority.*only used with the load balancer origin/);
  });

  test('an ECS service registered in Cloud Map without the "_" form is refused, naming the name to use', () => {
    const s = testStack(app, 'Own');
    const taskDefinition = new ecs.FargateTaskDefinition(s, 'Task');
    taskDefinition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('x'), portMappings: [{ containerPort: 8080 }] });
    const service = new ecs.FargateService(s, 'Service', {
      cluster: platform.cluster,
      taskDefinition,
      cloudMapOptions: { cloudMapNamespace: platform.namespace, name: 'own', dnsRecordType: servicediscovery.DnsRecordType.SRV, containerPort: 8080 },
    });
    expect(errorOf(() => new ApiRoutes(s, 'Routes', {
      platform, serviceName: 'own', target: ApiTarget.ecsService(service, 8080), longLivedPaths: ['/ws'],
    })).message).toMatch(/target.*"own".*register the ECS service in Cloud Map as "_own\._tcp"/);
  });

  test('an audience with a space is refused for the proxy (it is written between quotes)', () => {
    const s = testStack(app, 'Audience');
    expect(errorOf(() => new ContainerService(s, 'A', {
      platform,
      serviceName: 'aud',
      image: ecs.ContainerImage.fromRegistry('x'),
      longLivedPaths: ['/ws'],
      jwtIssuer: 'https://issuer.example.com',
      jwtAudience: ['two words'],
    })).message).toMatch(/jwtAudience.*two words/);
  });

  test('Session Manager adds AWS\'s managed policy to the instance role only when asked', () => {
    const s = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    georgiPlatform(s, { longLivedConnections: { origin: LongLivedOriginType.proxyInstance({ sessionManager: true, instanceType: new ec2.InstanceType('t4g.micro') }) } });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('long-lived proxy instance'),
      ManagedPolicyArns: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AmazonSSMManagedInstanceCore')])] }],
    });
    t.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.micro' });
  });
});
