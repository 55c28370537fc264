import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ContainerSecurityOptions } from './container-security-options';
import { FargateTaskOptions } from './fargate-task-options';
import { addWritablePaths, linuxParametersOf, resolveContainerSecurity } from './private/container-security';
import { configureTaskScaling, FARGATE_TASK_DEFAULTS, fargateTaskOptionsOf, validateFargateTaskOptions } from './private/fargate-task';
import { recordContainer } from './private/local-run';
import {
  allowMeshCaller, appProtocolOf, configureServiceConnect, meshEnvironment, proxyMemoryReserveMiB, validateMeshCaller, validateServiceConnect,
} from './private/service-connect';
import { ServiceConnectOptions, ServiceConnectProtocol } from './service-connect-options';
import { ServiceSchedule } from './service-schedule';
import { meshDiscoveryName, proxySrvServiceName, servicePath } from '../contract/names';
import { PlatformServiceProps } from '../contract/platform';
import { ControlWaivers } from '../core/controls';
import { PropError } from '../core/errors';
import { addNagSuppressions, SECURITY_GROUP_INGRESS_RULES } from '../core/nag';
import { tagServiceResources } from '../core/tags';
import { validateAbsolutePath, validateIntegerRange, validatePercentage, validateRetention } from '../core/validation';
import { ContainerAlarms } from '../monitoring/private/container-alarms';
import { ServiceConnectMonitoring } from '../monitoring/private/service-connect-monitoring';
import { ApiRoutes } from '../routing/api-routes';
import { ApiTarget } from '../routing/api-target';
import { PathMode } from '../routing/path-mode';
import { routingOptionsOf } from '../routing/private/routing-options';
import { ServiceRoutingOptions } from '../routing/routing-options';

/**
 * Properties of a container service: the container, its routes (every option `ApiRoutes`
 * takes), its tasks' size and scaling, how its container runs (read-only, non-root, see
 * `ContainerSecurityOptions`), and its alarms. Monthly costs are us-east-1 list prices.
 */
export interface ContainerServiceProps extends PlatformServiceProps, ServiceRoutingOptions, FargateTaskOptions, ContainerSecurityOptions {
  /** The container image: `ContainerImage.fromAsset(folder)`, `fromEcrRepository(...)` or `fromRegistry(...)`. */
  readonly image: ecs.ContainerImage;

  /**
   * The port the container listens on (1-65535).
   *
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * Plain environment variables (never secrets: use `secrets`).
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Environment variables filled from Secrets Manager or SSM at task start; the values never
   * appear in a template.
   *
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;

  /**
   * The path of the container's health endpoint, as the container sees it. The container
   * health check and, with `longLivedPaths`, the load balancer's target group check it.
   *
   * @default `<basePath>/health` (or `/health` with `PathMode.STRIP_BASE_PATH`)
   */
  readonly healthCheckPath?: string;

  /**
   * The container health check command.
   *
   * @default - `curl -fsS http://127.0.0.1:<port><healthCheckPath>` (the image needs curl)
   */
  readonly healthCheckCommand?: string[];

  /**
   * Retention of the log groups the construct creates: the service's log group
   * `/platform/<platform>/services/<service>` (and, with `cors`, the preflight responder's).
   *
   * Cost: CloudWatch Logs ingestion $0.50 per GB and storage $0.03 per GB-month.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when it leaves the stack. The group has a fixed name, so
   * after a retained group is left behind, creating the same service again fails until that
   * group is deleted (`aws logs delete-log-group --log-group-name /platform/<platform>/services/<service>`).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * Alarm when average CPU utilization exceeds this percentage (greater than 0, at most 100).
   *
   * Cost: $0.10 a month for the alarm.
   *
   * @default 80
   */
  readonly cpuThresholdPercent?: number;

  /**
   * Alarm when average memory utilization exceeds this percentage (greater than 0, at most 100).
   *
   * Cost: $0.10 a month for the alarm.
   *
   * @default 80
   */
  readonly memoryThresholdPercent?: number;

  /**
   * Put the service in the platform's service mesh (ECS Service Connect): other services call it
   * at `http://<serviceName>` (and it calls others by name) through a proxy that ECS adds to each
   * task, with retries, outlier detection, timeouts and per-call metrics. `{}` turns it on.
   * The front door's traffic still reaches the container port directly. The container's memory
   * limit leaves 64 MiB of the task to the proxy. See `ServiceConnectOptions`.
   *
   * Cost: no charge for Service Connect; the proxy runs inside the task (no larger task at the
   * defaults); a callee's 5xx-rate alarm $0.20 a month.
   *
   * @default - not in the mesh
   */
  readonly serviceConnect?: ServiceConnectOptions;

  /**
   * Route `/<serviceName>/*` on the central API to the service. `false` for an internal service
   * that only other services reach, through the mesh (`serviceConnect` is then required): no
   * routes, no Cloud Map SRV record, no inbound rule from the VPC link or load balancer, and
   * `routes` and `url` are undefined.
   *
   * Cost: `false` saves the routes' 5xx-rate alarm ($0.20 a month) and the SRV registration
   * ($0.10 per task-month).
   *
   * @default true
   */
  readonly publicRoutes?: boolean;
}

/**
 * A container service on the platform: a Fargate service on the shared cluster in the private
 * subnets, registered in Cloud Map (SRV) and routed through `ApiRoutes` under its base path
 * (plus long-lived paths through the platform's load balancer), with a circuit breaker, CPU target
 * tracking, an optional working-hours schedule, logs, and alarms to the platform topic.
 *
 * Security: the task's security group admits only the central API's VPC link (and the platform's
 * long-lived load balancer) on the container port, and sends only HTTPS (443) out; with
 * `serviceConnect`, also the callers it names on the proxy's port, and out to other services'
 * proxies. Open more
 * with `connections` (e.g. `database.connections.allowDefaultPortFrom(service)`), and grant the
 * task access to other resources through `grantPrincipal` (e.g. `bucket.grantRead(service)`).
 * The container runs with a read-only root filesystem (writable: `/tmp`), as user `1000:1000`,
 * with a memory hard limit of the task's memory (less 64 MiB for the mesh's proxy), without Linux capabilities and with an init
 * process (`ContainerSecurityOptions`; the image must run that way: see `writablePaths` and `user`).
 */
export class ContainerService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The Fargate service. */
  public readonly service: ecs.FargateService;

  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The service's container. */
  public readonly container: ecs.ContainerDefinition;

  /** The service's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The service's log group. */
  public readonly logGroup: logs.LogGroup;

  /**
   * The service's routes on the central API.
   *
   * @default - undefined for a service without public routes (`publicRoutes: false`)
   */
  public readonly routes?: ApiRoutes;

  /** The service's alarms (5xx rate, no running task, CPU, memory). */
  public readonly alarms: cloudwatch.IAlarm[];

  /**
   * The public URL of the service's base path, `https://api.<domain>/<service>`.
   *
   * @default - undefined for a service without public routes (`publicRoutes: false`)
   */
  public readonly url?: string;

  /** The network connections of the service's tasks (their security group). */
  public readonly connections: ec2.Connections;

  /** The task role: what `grant*` methods of other resources give access to. */
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly serviceConnect?: ServiceConnectOptions;
  private readonly meshCallers = new Set<ContainerService>();

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the service's properties
   */
  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    ControlWaivers.applyTo(this);
    this.validateProps(props);
    const taskMemoryMiB = props.memoryLimitMiB ?? FARGATE_TASK_DEFAULTS.memoryLimitMiB;
    const security = resolveContainerSecurity(this, props, taskMemoryMiB, props.enableExecuteCommand ?? false,
      proxyMemoryReserveMiB(props.serviceConnect));
    const platform = props.platform;
    const port = props.containerPort ?? 8080;
    const pathMode = props.pathMode ?? PathMode.KEEP_BASE_PATH;
    const basePath = props.basePath ?? `/${props.serviceName}`;
    const publicRoutes = props.publicRoutes ?? true;
    const healthPath = props.healthCheckPath
      ?? (!publicRoutes || pathMode.mode === PathMode.STRIP_BASE_PATH.mode ? '/health' : `${basePath}/health`);
    const schedule = props.schedule ?? ServiceSchedule.ALWAYS_ON;
    const minCapacity = props.minCapacity ?? FARGATE_TASK_DEFAULTS.minCapacity;
    const alarmPrefix = `${platform.platformName}-${props.serviceName}`;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: servicePath(platform.platformName, props.serviceName),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu ?? FARGATE_TASK_DEFAULTS.cpu,
      memoryLimitMiB: taskMemoryMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.container = this.taskDefinition.addContainer('Container', {
      containerName: props.serviceName,
      image: props.image,
      portMappings: [{ containerPort: port, protocol: ecs.Protocol.TCP, name: 'http', appProtocol: appProtocolOf(props.serviceConnect) }],
      environment: props.serviceConnect?.calls?.length ? { ...props.environment, ...meshEnvironment(props.serviceConnect) } : props.environment,
      secrets: props.secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: props.serviceName }),
      readonlyRootFilesystem: security.readonlyRootFilesystem,
      user: security.user,
      // The one container of the task may use all of its memory (the hard limit), no more.
      memoryLimitMiB: security.memoryLimitMiB,
      linuxParameters: linuxParametersOf(this, security),
      healthCheck: {
        command: props.healthCheckCommand ?? ['CMD-SHELL', `curl -fsS http://127.0.0.1:${port}${healthPath} > /dev/null || exit 1`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
    });
    addWritablePaths(this.taskDefinition, this.container, security.writablePaths);

    // Out: HTTPS (external APIs, ECR, Secrets Manager, CloudWatch Logs). In: opened by ApiRoutes to
    // the VPC link and the long-lived load balancer on the container port. The mesh adds its proxy
    // port: out for a caller, in from each admitted caller (private/service-connect.ts).
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: platform.vpc,
      description: `${alarmPrefix} tasks`,
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and external APIs');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: platform.cluster,
      serviceName: props.serviceName,
      taskDefinition: this.taskDefinition,
      // No DesiredCount in the template: CloudFormation would set it again at every update (a
      // deploy at night would start tasks the schedule had stopped). ECS starts a new service
      // with one task; from then on the scalable target and its schedule own the count.
      vpcSubnets: platform.serviceSubnets,
      securityGroups: [this.securityGroup],
      // With NatType.PUBLIC_TASKS the tasks reach the internet by their own public IPv4.
      assignPublicIp: platform.serviceAssignPublicIp === 'ENABLED',
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: props.longLivedPaths?.length ? Duration.seconds(60) : undefined,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      capacityProviderStrategies: [{ capacityProvider: props.fargateSpot ? 'FARGATE_SPOT' : 'FARGATE', weight: 1 }],
      // SRV records for the HTTP API's VPC link (the mesh registers <service>-sc beside them).
      cloudMapOptions: !publicRoutes ? undefined : {
        cloudMapNamespace: platform.namespace,
        // The proxy instance resolves `_<service>._tcp.<namespace>` (HAProxy's SRV form).
        name: platform.longLivedProxySecurityGroup && props.longLivedPaths?.length ? proxySrvServiceName(props.serviceName) : props.serviceName,
        dnsRecordType: servicediscovery.DnsRecordType.SRV,
        dnsTtl: Duration.seconds(10),
        container: this.container,
        containerPort: port,
      },
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    if (Token.isUnresolved(platform.serviceAssignPublicIp)) {
      // An imported platform: ENABLED or DISABLED, as its SSM parameter says at deploy time.
      (this.service.node.defaultChild as ecs.CfnService).addPropertyOverride(
        'NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp', platform.serviceAssignPublicIp);
    }
    this.connections = this.service.connections;
    this.grantPrincipal = this.taskDefinition.taskRole;
    this.serviceConnect = props.serviceConnect;
    if (props.serviceConnect) {
      configureServiceConnect(this, props.serviceConnect, {
        service: this.service, securityGroup: this.securityGroup, logGroup: this.logGroup, platform, serviceName: props.serviceName,
      });
    }

    const longLived = (props.longLivedPaths ?? []).length > 0;
    this.routes = !publicRoutes ? undefined : new ApiRoutes(this, 'Routes', {
      ...routingOptionsOf(props),
      platform,
      serviceName: props.serviceName,
      localRun: props.localRun,
      target: ApiTarget.ecsService(this.service, port),
      basePath,
      pathMode,
      healthCheckPath: longLived ? healthPath : undefined,
      logRetention: props.logRetention,
    });
    this.url = this.routes?.url;
    recordContainer(this, props, {
      routes: this.routes, taskDefinition: this.taskDefinition, healthCheckPath: healthPath, writablePaths: security.writablePaths, port,
    });

    configureTaskScaling(this.service, fargateTaskOptionsOf(props), schedule);
    // The routes' dashboard; for a service without routes, the platform's when it is in this stack.
    const dashboard = this.routes ? this.routes.dashboard
      : platform.dashboard && Stack.of(platform.dashboard) === Stack.of(this) ? platform.dashboard : undefined;

    const alarms = new ContainerAlarms(this, 'Alarms', {
      alarmPrefix,
      service: this.service,
      schedule,
      topic: platform.alarmTopic,
      cpuPercent: props.cpuThresholdPercent ?? 80,
      memoryPercent: props.memoryThresholdPercent ?? 80,
      utilizationAlarms: props.utilizationAlarms ?? true,
      alarmOnNoTask: minCapacity > 0,
      dashboard,
    });
    const mesh = props.serviceConnect && new ServiceConnectMonitoring(this, 'ServiceConnectMonitoring', {
      alarmPrefix,
      clusterName: platform.cluster.clusterName,
      serviceName: props.serviceName,
      discoveryName: props.serviceConnect.clientOnly ? undefined : meshDiscoveryName(props.serviceName),
      calls: (props.serviceConnect.calls ?? []).map(meshDiscoveryName),
      topic: platform.alarmTopic,
      serverErrorRatePercent: props.serviceConnect.serverErrorRateThresholdPercent,
      serverErrorAlarm: props.serviceConnect.appProtocol !== ServiceConnectProtocol.GRPC,
      dashboard,
    });
    this.alarms = [...(this.routes ? [this.routes.serverErrorRateAlarm] : []), ...alarms.alarms, ...(mesh?.alarms ?? [])];

    tagServiceResources(this, platform.platformName, props.serviceName);
    if (this.url) new CfnOutput(this, 'ApiUrl', { value: this.url, description: `${props.serviceName} on the central API` });
    this.addNagSuppressions(props);
  }

  /**
   * Admits service mesh calls from `caller`, a service of this app (in this stack or another):
   * an inbound rule on this service's security group from the caller's, on the proxy's port only.
   * A caller in another app: `serviceConnect.allowedCallers`.
   *
   * @param caller a service with `serviceConnect` that calls this one
   */
  public allowServiceConnectFrom(caller: ContainerService): void {
    if (this.meshCallers.has(caller)) return;
    validateMeshCaller(this, this.serviceConnect, caller, caller.serviceConnect, this.meshCallers.size);
    this.meshCallers.add(caller);
    allowMeshCaller(this, caller, caller.node.path);
  }

  private addNagSuppressions(props: ContainerServiceProps): void {
    addNagSuppressions(this.taskDefinition, [{
      id: 'AwsSolutions-ECS2',
      reason: 'only non-secret configuration (paths, ports, defaults) is passed as plain environment; secrets come from Secrets Manager',
    }]);
    // An image from ECR (an asset or a repository): ECS pulls it with a registry token, and
    // ecr:GetAuthorizationToken has no resource-level permissions (aws-cdk-lib grants it on *).
    const executionPolicy = this.taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    if (executionPolicy && JSON.stringify(Stack.of(this).resolve(executionPolicy.document.toJSON())).includes('ecr:GetAuthorizationToken')) {
      addNagSuppressions(executionPolicy, [{
        id: 'AwsSolutions-IAM5',
        reason: 'ecr:GetAuthorizationToken (to pull the ECR image) supports no resource-level permissions; the pull itself is limited to the image\'s repository',
        appliesTo: ['Resource::*'],
      }]);
    }
    if (props.enableExecuteCommand) {
      addNagSuppressions(this.taskDefinition, [{
        id: 'AwsSolutions-IAM5',
        reason: 'ECS Exec (enableExecuteCommand) needs ssmmessages channel actions, which support no resource-level permissions',
        appliesTo: ['Resource::*'],
      }], true);
    }
    const stack = Stack.of(this);
    addNagSuppressions(this.securityGroup, [{
      id: 'CdkNagValidationFailure',
      reason: `ingress rules come from the platform's security groups (deploy-time ids on ${stack.stackName}), never 0.0.0.0/0`,
      failingRules: SECURITY_GROUP_INGRESS_RULES,
    }]);
  }

  private validateProps(props: ContainerServiceProps): void {
    validateIntegerRange(this, 'containerPort', props.containerPort, 1, 65535);
    validateServiceConnect(this, props, props.platform.platformName);
    validateFargateTaskOptions(this, props);
    validatePercentage(this, 'cpuThresholdPercent', props.cpuThresholdPercent);
    validatePercentage(this, 'memoryThresholdPercent', props.memoryThresholdPercent);
    if (props.utilizationAlarms === false) {
      for (const prop of ['cpuThresholdPercent', 'memoryThresholdPercent'] as const) {
        if (props[prop] !== undefined) throw new PropError(this, prop, props[prop], 'only used with utilizationAlarms (it is false: no CPU or memory alarm)');
      }
    }
    if (props.logRetention !== undefined) validateRetention(this, 'logRetention', props.logRetention);
    validateAbsolutePath(this, 'healthCheckPath', props.healthCheckPath, '/jessica/health');
    if (props.healthCheckCommand && props.healthCheckCommand.length < 2) {
      throw new PropError(this, 'healthCheckCommand', props.healthCheckCommand, 'expected ["CMD-SHELL", "<command>"] or ["CMD", "<exe>", ...]');
    }
    for (const name of Object.keys(props.environment ?? {})) {
      if (props.secrets && Object.prototype.hasOwnProperty.call(props.secrets, name)) {
        throw new PropError(this, 'environment', name, 'is also in secrets; a variable comes from one place');
      }
    }
  }
}
