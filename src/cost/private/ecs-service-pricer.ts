import { capacityStrategy, Resources, taskCapacity, withClusterDefaultStrategy } from './ecs-capacity';
import { HOURS_PER_MONTH, WEEKS_PER_MONTH } from './hours';
import { PriceFigure, RegionPriceList } from './price-list';
import { literal, referencedId } from './template-values';

/* The price of an ECS service: its Fargate tasks over the month and what each running task adds. */

/**
 * The task memory a Service Connect proxy is given (the library keeps it free:
 * SERVICE_CONNECT_PROXY_MEMORY_MIB in contract/names.ts, which cost/ may not import; a test
 * holds the two equal).
 * @internal
 */
export const PROXY_MEMORY_MIB = 64;
/** The CPU units AWS suggests adding to a task for its Service Connect proxy. */
const PROXY_CPU_UNITS = 256;

/** What the ECS service pricing needs of the template pricer. @internal */
export interface EcsPricingContext {
  /** The template's Resources. */
  readonly resources: Resources;
  /** The Region's prices. */
  readonly prices: RegionPriceList;
  /** The stack's notes (the pricing adds to them). */
  readonly notes: string[];
  /** Adds a fixed monthly line. */
  add(logicalId: string, resource: any, description: string, quantity: number, price: PriceFigure, note?: string,
    perRunningTask?: boolean): void;
  /** Adds a per-use price. */
  use(description: string, price: PriceFigure, logicalId: string): void;
  /** Lists a resource as not priced, with the reason. */
  cannot(logicalId: string, resourceType: string, reason: string): void;
  /** A value read from an SSM parameter that another stack of the assembly publishes, else the value. */
  resolve(value: any): any;
}

/**
 * Prices an `AWS::ECS::Service`: Fargate (and Spot) task-hours from its schedule and capacity
 * provider strategy, a public IPv4 per running task, a Cloud Map instance per task, Service Connect.
 *
 * @internal
 */
export function priceEcsService(ctx: EcsPricingContext, logicalId: string, resource: any): void {
  const props = resource.Properties ?? {};
  const taskDefinitionId = referencedId(props.TaskDefinition);
  const taskDefinition = taskDefinitionId ? ctx.resources[taskDefinitionId] : undefined;
  if (!taskDefinition) {
    return ctx.cannot(logicalId, 'AWS::ECS::Service', 'its task definition is not in this template');
  }
  const td = taskDefinition.Properties ?? {};
  const cpu = Number(literal(td.Cpu));
  const memory = Number(literal(td.Memory));
  if (!(cpu > 0) || !(memory > 0)) {
    return ctx.cannot(logicalId, 'AWS::ECS::Service', 'its task size (Cpu, Memory) is not a literal in the task definition');
  }
  const os = String(literal(td.RuntimePlatform?.OperatingSystemFamily) ?? 'LINUX');
  if (os !== 'LINUX') {
    return ctx.cannot(logicalId, 'AWS::ECS::Service', `operating system ${os} has no price in the price list`);
  }
  const arm = literal(td.RuntimePlatform?.CpuArchitecture) === 'ARM64';
  const ephemeralGb = Math.max(0, Number(literal(td.EphemeralStorage?.SizeInGiB) ?? 20) - 20);

  const capacity = taskCapacity(ctx.resources, logicalId, props);
  if (typeof capacity === 'string') {
    return ctx.cannot(logicalId, 'AWS::ECS::Service', capacity);
  }
  const strategy = capacityStrategy(withClusterDefaultStrategy(ctx.resources, props, ctx.notes));
  if (typeof strategy === 'string') {
    return ctx.cannot(logicalId, 'AWS::ECS::Service', strategy);
  }

  // Task-hours a month on each provider.
  let onDemandHours = 0;
  let spotHours = 0;
  for (const [tasks, hoursPerWeek] of capacity.hoursAtCapacity) {
    const spotTasks = strategy(tasks);
    spotHours += spotTasks * hoursPerWeek * WEEKS_PER_MONTH;
    onDemandHours += (tasks - spotTasks) * hoursPerWeek * WEEKS_PER_MONTH;
  }
  const size = `${cpu / 1024} vCPU / ${memory / 1024} GB ${arm ? 'ARM64' : 'X86_64'}`;
  const P = ctx.prices;
  const taskPrice = (vcpu: PriceFigure, gb: PriceFigure): PriceFigure => ({
    usd: (cpu / 1024) * vcpu.usd + (memory / 1024) * gb.usd + ephemeralGb * P.fargateEphemeralGbHour.usd,
    unit: 'task-hour',
    source: vcpu.source,
    asOf: vcpu.asOf,
  });
  const note = capacity.note;
  if (onDemandHours > 0) {
    ctx.add(logicalId, resource, `Fargate task ${size}`, onDemandHours,
      arm ? taskPrice(P.fargateArmVcpuHour, P.fargateArmGbHour) : taskPrice(P.fargateX86VcpuHour, P.fargateX86GbHour), note, true);
  }
  if (spotHours > 0) {
    ctx.add(logicalId, resource, `Fargate Spot task ${size}`, spotHours,
      arm ? taskPrice(P.fargateSpotArmVcpuHour, P.fargateSpotArmGbHour) : taskPrice(P.fargateSpotX86VcpuHour, P.fargateSpotX86GbHour),
      `${note}; Spot prices vary with supply (figure of the date in the price list)`, true);
  }
  const taskHours = onDemandHours + spotHours;
  const assignPublicIp = ctx.resolve(props.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp);
  if (taskHours > 0 && assignPublicIp !== undefined && literal(assignPublicIp) !== 'DISABLED') {
    ctx.add(logicalId, resource, 'public IPv4 address per running task', taskHours, P.publicIpv4Hour,
      literal(assignPublicIp) === 'ENABLED' ? undefined : 'AssignPublicIp is only known at deploy time: priced as ENABLED (the upper bound)', true);
  }
  const registries = Array.isArray(props.ServiceRegistries) ? props.ServiceRegistries : [];
  for (const registry of registries) {
    const registryId = referencedId(registry?.RegistryArn) ?? logicalId;
    ctx.add(registryId, ctx.resources[registryId] ?? resource, 'Cloud Map registered task', taskHours / HOURS_PER_MONTH,
      P.cloudMapInstanceMonth, 'one instance per running task', true);
  }
  const gbHour = arm ? [P.fargateArmGbHour, P.fargateSpotArmGbHour] : [P.fargateX86GbHour, P.fargateSpotX86GbHour];
  priceServiceConnect(ctx, logicalId, resource, taskHours, (onDemandHours * gbHour[0].usd + spotHours * gbHour[1].usd) * PROXY_MEMORY_MIB / 1024);
}

/**
 * Service Connect: its proxy runs inside the task (no charge of its own; a $0 line whose note
 * shows the proxy's share of the task) and each running task registers one Cloud Map instance in
 * each of the service's Service Connect services (none for a client-only service).
 */
function priceServiceConnect(ctx: EcsPricingContext, logicalId: string, resource: any, taskHours: number, proxyMemoryUsd: number): void {
  const config = resource.Properties?.ServiceConnectConfiguration;
  if (!config || typeof config !== 'object' || literal(config.Enabled) === false) return;
  const P = ctx.prices;
  ctx.add(logicalId, resource, 'Service Connect proxy (inside the task)', taskHours, P.serviceConnectTaskHour,
    `priced in the Fargate task: ${PROXY_MEMORY_MIB} MiB of the task's memory reserved (about $${proxyMemoryUsd.toFixed(2)} a month`
    + ` of it); AWS suggests ${PROXY_CPU_UNITS} CPU units`, true);
  ctx.use('Cloud Map API calls (whether Service Connect\'s discovery calls are billed is unconfirmed)', P.cloudMapMillionApiCalls, logicalId);
  const services = Array.isArray(config.Services) ? config.Services.length : 0;
  if (services === 0) return;
  const tls = config.Services.filter((service: any) => service?.Tls);
  if (tls.length > 0) {
    // ECS issues each task's certificates from the private CA and rotates them (every 5 days by default).
    ctx.use('Service Connect TLS certificates (issued per task and rotated by ECS; short-lived mode)', P.privateCaShortLivedCertificate, logicalId);
    const inTemplate = tls.every((service: any) => referencedId(service.Tls.IssuerCertificateAuthority?.AwsPcaAuthorityArn) !== undefined);
    if (!inTemplate) {
      ctx.notes.push(`${logicalId}: Service Connect TLS uses a private CA from outside this stack, priced where it is created`
        + ` ($${P.privateCaShortLivedMonth.usd} a month in short-lived mode, $${P.privateCaGeneralPurposeMonth.usd} general purpose)`);
    }
  }
  ctx.add(logicalId, resource, 'Cloud Map registered task (Service Connect)', services * taskHours / HOURS_PER_MONTH, P.cloudMapInstanceMonth,
    `one instance per running task${services > 1 ? ` in each of its ${services} Service Connect services` : ''}`
    + '; billing of Service Connect registrations unconfirmed', true);
}
