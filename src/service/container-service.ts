import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { servicePath } from '../contract/names';
import { FARGATE_MEMORY_BY_CPU } from './private/fargate-size';
import { ServiceSchedule } from './service-schedule';
import { IGlobalPlatform } from '../contract/platform';
import { PropError } from '../core/errors';
import { addNagSuppressions } from '../core/nag';
import { tagServiceResources } from '../core/tags';
import { isUnresolved, validateAbsolutePath, validateIntegerRange, validateRetention } from '../core/validation';
import { ContainerAlarms } from '../monitoring/private/container-alarms';
import { ApiRoutes } from '../routing/api-routes';
import { ApiTarget } from '../routing/api-target';
import { PathMode } from '../routing/path-mode';
import { ServiceCorsOptions } from '../routing/service-cors';

/**
 * Properties of a container service: the container, its routes, its scaling and its alarms.
 * Monthly costs are us-east-1 list prices.
 */
export interface ContainerServiceProps {
  /** The platform, created in this app or imported with `GlobalPlatform.fromPlatformName`. */
  readonly platform: IGlobalPlatform;

  /**
   * The service's name: DNS-safe, 2-32 characters. Names its base path (`/<serviceName>`), its
   * Cloud Map record, its log group and alarms, and its `service` cost-allocation tag.
   */
  readonly serviceName: string;

  /** The container image: `ContainerImage.fromAsset(folder)`, `fromEcrRepository(...)` or `fromRegistry(...)`. */
  readonly image: ecs.ContainerImage;

  /**
   * The port the container listens on (1-65535).
   *
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * CPU units of the task: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   *
   * Cost: 512 units (0.5 vCPU) with 1024 MiB is about $18 a month always on (x86).
   *
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB; must be a size Fargate allows for `cpu` (512: 1024-4096 in 1024 steps).
   *
   * Cost ($0.004445 per GB-hour, x86): each 1024 MiB is about $3.24 a month per task always on
   * (730 hours), about $1.16 on `ServiceSchedule.weekdays(7, 19)` (about 261 hours a month).
   * ARM64 is about 20% less.
   *
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * CPU architecture of the image.
   *
   * @default ecs.CpuArchitecture.X86_64 (ARM64 is about 20% cheaper)
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

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
   * The path of the container's health endpoint, as the container sees it.
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
   * The base path on `api.<domain>`.
   *
   * @default `/<serviceName>`
   */
  readonly basePath?: string;

  /**
   * Whether the container sees the base path.
   *
   * @default PathMode.KEEP_BASE_PATH
   */
  readonly pathMode?: PathMode;

  /**
   * Paths (below the base path) with WebSockets or streams longer than 30 s, routed through the
   * platform's long-lived origin, e.g. `['/ws', '/mcp']`.
   *
   * @default - none
   */
  readonly longLivedPaths?: string[];

  /**
   * Priority of the long-lived listener rules on the shared load balancer.
   *
   * @default - derived from the base path
   */
  readonly longLivedRulePriority?: number;

  /**
   * Requests per second for the service's routes (the service must be in the platform's stack; see
   * `ApiRoutesProps.throttlingRateLimit`).
   *
   * @default - the platform's stage default
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst for the service's routes (the service must be in the platform's stack; see
   * `ApiRoutesProps.throttlingBurstLimit`).
   *
   * @default - the platform's stage default
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Require a JWT from this issuer on the service's routes.
   *
   * @default - no authorizer
   */
  readonly jwtIssuer?: string;

  /**
   * Accepted JWT audiences (with `jwtIssuer`).
   *
   * @default - required with `jwtIssuer`
   */
  readonly jwtAudience?: string[];

  /**
   * The JSON Web Key Set URL the platform's load balancer verifies tokens with on the
   * long-lived paths (with `jwtIssuer` and `longLivedPaths`); see `ApiRoutesProps.jwtJwksEndpoint`.
   *
   * @default - `<jwtIssuer>/.well-known/jwks.json`
   */
  readonly jwtJwksEndpoint?: string;

  /**
   * Cross-origin settings of the service's routes.
   *
   * @default - no CORS handling at the API
   */
  readonly cors?: ServiceCorsOptions;

  /**
   * Fewest tasks while the service runs (inside its schedule's hours). With 0, ECS still creates
   * the service with one task (the template sets no `DesiredCount`); CPU tracking may scale it in
   * to none and cannot start one again (there is no CPU without a task): scale it yourself; the
   * "no running task" alarm is then left out.
   *
   * Cost: these tasks run whenever the service does, so they set the floor of the bill: each task
   * of the default size (0.5 vCPU / 1 GB, x86, $0.04048 per vCPU-hour and $0.004445 per GB-hour) is
   * about $18.02 a month always on (730 hours), about $6.44 on `ServiceSchedule.weekdays(7, 19)`
   * (about 261 hours a month).
   *
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * Most tasks (CPU target tracking scales between min and max).
   *
   * Cost: the ceiling: under load the service may run this many tasks, each about $18.02 a month
   * always on at the default size (0.5 vCPU / 1 GB, x86), so the default 2 can reach about $36.04 a
   * month (about $12.89 on `ServiceSchedule.weekdays(7, 19)`).
   *
   * @default 2
   */
  readonly maxCapacity?: number;

  /**
   * CPU utilization that target tracking keeps the service at (10-90).
   *
   * @default 60
   */
  readonly cpuTargetUtilizationPercent?: number;

  /**
   * When the service runs; outside the hours it scales to zero tasks.
   *
   * A deployment that changes the scalable target (this schedule, `minCapacity` or
   * `maxCapacity`) registers the template's capacities again, which outside the hours starts
   * `minCapacity` tasks until the next stop action: deploy such changes inside the hours.
   *
   * Cost: `ServiceSchedule.weekdays(7, 19)` runs 60 of 168 hours a week: about 36% of always-on.
   *
   * @default ServiceSchedule.ALWAYS_ON
   */
  readonly schedule?: ServiceSchedule;

  /**
   * Run on Fargate Spot (up to 70% cheaper; AWS may stop tasks with two minutes' notice).
   *
   * Cost: one task of 0.5 vCPU / 1 GB always on from about $18.02 down to about $5.41 a month
   * (from about $6.44 down to about $1.93 on `ServiceSchedule.weekdays(7, 19)`).
   *
   * @default false
   */
  readonly fargateSpot?: boolean;

  /**
   * Allow `aws ecs execute-command` into the container (ECS Exec; grants the task SSM messages).
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Retention of the service's log group `/platform/<platform>/services/<service>`.
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
   * Alarm when average CPU utilization exceeds this percentage.
   *
   * @default 80
   */
  readonly cpuAlarmPercent?: number;

  /**
   * Alarm when average memory utilization exceeds this percentage.
   *
   * @default 80
   */
  readonly memoryAlarmPercent?: number;

  /**
   * Alarm when more than this percentage of the service's API requests answer 5xx.
   *
   * @default 5
   */
  readonly serverErrorRateThresholdPercent?: number;
}

/**
 * A container service on the platform: a Fargate service on the shared cluster in the private
 * subnets, registered in Cloud Map (SRV) and routed through `ApiRoutes` under its base path
 * (plus long-lived paths through the platform's load balancer), with a circuit breaker, CPU target
 * tracking, an optional working-hours schedule, logs, and alarms to the platform topic.
 *
 * Security: the task's security group admits only the central API's VPC link (and the platform's
 * long-lived load balancer) on the container port, and sends only HTTPS (443) out. Open more
 * with `connections` (e.g. `database.connections.allowDefaultPortFrom(service)`), and grant the
 * task access to other resources through `grantPrincipal` (e.g. `bucket.grantRead(service)`).
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

  /** The service's routes on the central API. */
  public readonly routes: ApiRoutes;

  /** The service's alarms (5xx rate, no running task, CPU, memory). */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The public URL of the service's base path, `https://api.<domain>/<service>`. */
  public readonly url: string;

  /** The network connections of the service's tasks (their security group). */
  public readonly connections: ec2.Connections;

  /** The task role: what `grant*` methods of other resources give access to. */
  public readonly grantPrincipal: iam.IPrincipal;

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the service's properties
   */
  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    this.validateProps(props);
    const platform = props.platform;
    const port = props.containerPort ?? 8080;
    const pathMode = props.pathMode ?? PathMode.KEEP_BASE_PATH;
    const basePath = props.basePath ?? `/${props.serviceName}`;
    const healthPath = props.healthCheckPath ?? (pathMode === PathMode.STRIP_BASE_PATH ? '/health' : `${basePath}/health`);
    const schedule = props.schedule ?? ServiceSchedule.ALWAYS_ON;
    const minCapacity = props.minCapacity ?? 1;
    const maxCapacity = props.maxCapacity ?? 2;
    const alarmPrefix = `${platform.platformName}-${props.serviceName}`;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: servicePath(platform.platformName, props.serviceName),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 1024,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.container = this.taskDefinition.addContainer('Container', {
      containerName: props.serviceName,
      image: props.image,
      portMappings: [{ containerPort: port, protocol: ecs.Protocol.TCP, name: 'http' }],
      environment: props.environment,
      secrets: props.secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: props.serviceName }),
      readonlyRootFilesystem: false,
      healthCheck: {
        command: props.healthCheckCommand ?? ['CMD-SHELL', `curl -fsS http://127.0.0.1:${port}${healthPath} > /dev/null || exit 1`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
    });

    // Out: HTTPS only (external APIs, ECR, Secrets Manager, CloudWatch Logs). In: opened by ApiRoutes
    // to the VPC link and the long-lived load balancer on the container port, nothing else.
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
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: props.longLivedPaths?.length ? Duration.seconds(60) : undefined,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      capacityProviderStrategies: [{ capacityProvider: props.fargateSpot ? 'FARGATE_SPOT' : 'FARGATE', weight: 1 }],
      cloudMapOptions: {
        cloudMapNamespace: platform.namespace,
        name: props.serviceName,
        dnsRecordType: servicediscovery.DnsRecordType.SRV,
        dnsTtl: Duration.seconds(10),
        container: this.container,
        containerPort: port,
      },
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    this.connections = this.service.connections;
    this.grantPrincipal = this.taskDefinition.taskRole;

    this.routes = new ApiRoutes(this, 'Routes', {
      platform,
      serviceName: props.serviceName,
      target: ApiTarget.ecsService(this.service, port),
      basePath,
      pathMode,
      longLivedPaths: props.longLivedPaths,
      longLivedRulePriority: props.longLivedRulePriority,
      healthCheckPath: props.longLivedPaths?.length ? healthPath : undefined,
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
      jwtJwksEndpoint: props.jwtJwksEndpoint,
      cors: props.cors,
      serverErrorRateThresholdPercent: props.serverErrorRateThresholdPercent,
      logRetention: props.logRetention,
    });
    this.url = this.routes.url;

    this.configureScaling(minCapacity, maxCapacity, schedule, props.cpuTargetUtilizationPercent ?? 60);

    const alarms = new ContainerAlarms(this, 'Alarms', {
      alarmPrefix,
      service: this.service,
      schedule,
      topic: platform.alarmTopic,
      cpuPercent: props.cpuAlarmPercent ?? 80,
      memoryPercent: props.memoryAlarmPercent ?? 80,
      alarmOnNoTask: minCapacity > 0,
      dashboard: this.routes.dashboard,
    });
    this.alarms = [this.routes.serverErrorRateAlarm, ...alarms.alarms];

    tagServiceResources(this, platform.platformName, props.serviceName);
    new CfnOutput(this, 'ApiUrl', { value: this.url, description: `${props.serviceName} on the central API` });
    this.addNagSuppressions(props);
  }

  private configureScaling(minCapacity: number, maxCapacity: number, schedule: ServiceSchedule, cpuTarget: number): void {
    const scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
    scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: cpuTarget,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    if (schedule.startHourUtc === undefined) return;
    const weekDay = schedule.weekdaysOnly ? 'MON-FRI' : '*';
    scaling.scaleOnSchedule('ScheduleStart', {
      schedule: appscaling.Schedule.cron({ minute: '0', hour: String(schedule.startHourUtc), weekDay }),
      minCapacity,
      maxCapacity,
    });
    // An end at 24:00 is 00:00 of the next day.
    const endsAtMidnight = schedule.endHourUtc === 24;
    const stopWeekDay = endsAtMidnight && schedule.weekdaysOnly ? 'TUE-SAT' : weekDay;
    scaling.scaleOnSchedule('ScheduleStop', {
      schedule: appscaling.Schedule.cron({ minute: '0', hour: String(schedule.endHourUtc! % 24), weekDay: stopWeekDay }),
      minCapacity: 0,
      maxCapacity: 0,
    });
  }

  private addNagSuppressions(props: ContainerServiceProps): void {
    addNagSuppressions(this.taskDefinition, [{
      id: 'AwsSolutions-ECS2',
      reason: 'only non-secret configuration (paths, ports, defaults) is passed as plain environment; secrets come from Secrets Manager',
    }]);
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
    }]);
  }

  private validateProps(props: ContainerServiceProps): void {
    validateIntegerRange(this, 'containerPort', props.containerPort, 1, 65535);
    const cpu = props.cpu ?? 512;
    const memory = props.memoryLimitMiB ?? 1024;
    if (!isUnresolved(cpu) && !isUnresolved(memory)) {
      const allowed = FARGATE_MEMORY_BY_CPU[cpu];
      if (!allowed) {
        throw new PropError(this, 'cpu', cpu, `Fargate offers ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')} CPU units`);
      }
      if (!allowed.includes(memory)) {
        const steps = new Set(allowed.slice(1).map((v, i) => v - allowed[i]));
        throw new PropError(this, 'memoryLimitMiB', memory, steps.size === 1
          ? `with cpu ${cpu} Fargate allows ${allowed[0]} to ${allowed[allowed.length - 1]} MiB in steps of ${allowed[1] - allowed[0]}`
          : `with cpu ${cpu} Fargate allows ${allowed.join(', ')} MiB`);
      }
    }
    validateIntegerRange(this, 'minCapacity', props.minCapacity, 0, 100);
    validateIntegerRange(this, 'maxCapacity', props.maxCapacity, 1, 100);
    const min = props.minCapacity ?? 1;
    const max = props.maxCapacity ?? 2;
    if (!isUnresolved(min) && !isUnresolved(max) && min > max) {
      throw new PropError(this, 'minCapacity', min, `at most maxCapacity (${max})`);
    }
    validateIntegerRange(this, 'cpuTargetUtilizationPercent', props.cpuTargetUtilizationPercent, 10, 90);
    validateIntegerRange(this, 'cpuAlarmPercent', props.cpuAlarmPercent, 1, 100);
    validateIntegerRange(this, 'memoryAlarmPercent', props.memoryAlarmPercent, 1, 100);
    if (props.logRetention !== undefined) validateRetention(this, 'logRetention', props.logRetention);
    this.validateSchedule(props.schedule);
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

  private validateSchedule(schedule: ServiceSchedule | undefined): void {
    if (!schedule || schedule.startHourUtc === undefined) return;
    const start = schedule.startHourUtc;
    const end = schedule.endHourUtc!;
    if (!Number.isInteger(start) || start < 0 || start > 23) {
      throw new PropError(this, 'schedule', start, 'the start hour must be a whole hour from 0 to 23 (UTC)');
    }
    if (!Number.isInteger(end) || end < 1 || end > 24 || end <= start) {
      throw new PropError(this, 'schedule', `${start}-${end}`, 'the end hour must be a whole hour from 1 to 24 (UTC), later than the start');
    }
  }
}
