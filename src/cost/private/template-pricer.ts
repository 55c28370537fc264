import { Resources } from './ecs-capacity';
import { EcsPricingContext, priceEcsService } from './ecs-service-pricer';
import { CostEstimateError } from './errors';
import { alarmFreeTier, dashboardFreeTier } from './free-tier';
import { HOURS_PER_MONTH } from './hours';
import { NO_CHARGE } from './no-charge';
import { PRICE_LIST, PriceFigure, RegionPriceList } from './price-list';
import { RegionUsageContext, useBucketReplication, useRegionRegistration } from './region-usage';
import { literal, pathOf, referencedId, round, serviceNameOf, tagOf } from './template-values';
import { CostLineItem, FreeTierCredit, StackCostEstimate, UnpricedResource, UsagePrice } from '../cost-estimate';

/**
 * Prices one CloudFormation template.
 *
 * @internal
 */
export class TemplatePricer {
  private readonly resources: Resources;
  private readonly parameters: Record<string, any>;
  private readonly items: CostLineItem[] = [];
  private readonly usage = new Map<string, { price: PriceFigure; description: string; logicalIds: string[] }>();
  private readonly unpriced: UnpricedResource[] = [];
  private readonly notes: string[] = [];
  private readonly servicePaths: Array<{ path: string[]; service: string }>;
  /** The stack's Region (set by `estimate`). */
  private region?: string;
  /** Dashboards and alarm metrics: the free tier's units. */
  public dashboards = 0;
  public alarmMetrics = 0;

  constructor(template: any, private readonly prices: RegionPriceList, notes: string[] = [],
    private readonly ssmValues: Record<string, string> = {}) {
    if (!template || typeof template !== 'object' || Array.isArray(template)) {
      throw new CostEstimateError('the template is not a JSON object');
    }
    this.resources = template.Resources ?? {};
    this.parameters = template.Parameters && typeof template.Parameters === 'object' ? template.Parameters : {};
    if (typeof this.resources !== 'object' || Array.isArray(this.resources)) {
      throw new CostEstimateError('the template\'s Resources is not an object');
    }
    this.notes.push(...notes);
    this.servicePaths = Object.values<any>(this.resources)
      .map(r => ({ path: pathOf(r), service: tagOf(r, 'service') }))
      .filter((e): e is { path: string[]; service: string } => e.path !== undefined && e.service !== undefined);
  }

  /** Prices every resource and returns the stack's figures. */
  public estimate(stackName: string, region: string | undefined, priceRegion: string): StackCostEstimate {
    this.region = region;
    for (const [logicalId, resource] of Object.entries<any>(this.resources)) {
      this.price(logicalId, resource);
    }
    const monthlyUsd = round(this.items.reduce((sum, item) => sum + item.monthlyUsd, 0));
    const freeTier: FreeTierCredit[] = [];
    if (this.dashboards > 0) {
      freeTier.push(dashboardFreeTier(this.dashboards, this.prices));
    }
    if (this.alarmMetrics > 0) {
      freeTier.push(alarmFreeTier(this.alarmMetrics, this.prices));
    }
    return {
      stackName,
      region,
      priceRegion,
      items: this.items,
      monthlyUsd,
      services: servicesOf(this.items),
      usagePrices: [...this.usage.values()].map(u => ({
        description: u.description, priceUsd: u.price.usd, unit: u.price.unit, logicalIds: u.logicalIds,
      } satisfies UsagePrice)),
      unpriced: this.unpriced,
      freeTier,
      notes: this.notes,
    };
  }

  private price(logicalId: string, resource: any): void {
    const type = String(resource?.Type ?? '');
    const props = resource?.Properties ?? {};
    const month = HOURS_PER_MONTH;
    const P = this.prices;
    switch (type) {
      case 'AWS::ECS::Service':
        return priceEcsService(this.ecsContext(), logicalId, resource);
      case 'AWS::EC2::NatGateway':
        this.add(logicalId, resource, literal(props.ConnectivityType) === 'private' ? 'NAT gateway (private)' : 'NAT gateway', month, P.natGatewayHour);
        return this.use('NAT gateway data processed', P.natGatewayGb, logicalId);
      case 'AWS::EC2::EIP':
        return this.add(logicalId, resource, 'public IPv4 address (Elastic IP)', month, P.publicIpv4Hour);
      case 'AWS::EC2::Instance':
        return this.priceInstance(logicalId, resource);
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const lbType = literal(props.Type) ?? 'application';
        const scheme = literal(props.Scheme) ?? 'internet-facing';
        if (lbType !== 'application' && lbType !== 'network') {
          return this.cannot(logicalId, type, `load balancer type ${String(lbType)} has no price in the price list`);
        }
        const alb = lbType === 'application';
        this.add(logicalId, resource, `${alb ? 'Application' : 'Network'} Load Balancer (${scheme})`, month, alb ? P.albHour : P.nlbHour);
        if (scheme === 'internet-facing') {
          // One public IPv4 address per zone (subnet) the load balancer is in.
          const subnets = Array.isArray(props.Subnets) ? props.Subnets : props.SubnetMappings;
          const zones = Array.isArray(subnets) ? subnets.length : undefined;
          if (zones === undefined) {
            this.cannot(logicalId, type, 'its subnets are only known at deploy time (one public IPv4 address per zone)');
          } else {
            this.add(logicalId, resource, `public IPv4 addresses of the load balancer (${zones} zone(s))`, month * zones, P.publicIpv4Hour);
          }
        }
        return this.use(alb ? 'ALB capacity units' : 'NLB capacity units', alb ? P.albLcuHour : P.nlbLcuHour, logicalId);
      }
      case 'AWS::EC2::VPCEndpoint': {
        const endpointType = literal(props.VpcEndpointType) ?? 'Gateway';
        if (endpointType === 'Gateway') return;
        if (endpointType !== 'Interface') {
          return this.cannot(logicalId, type, `endpoint type ${String(endpointType)} has no price in the price list`);
        }
        const subnets = Array.isArray(props.SubnetIds) ? props.SubnetIds.length : undefined;
        if (subnets === undefined) {
          return this.cannot(logicalId, type, 'its subnets are only known at deploy time (the number of AZs it is billed for)');
        }
        this.add(logicalId, resource, `interface VPC endpoint ${serviceNameOf(props.ServiceName)} in ${subnets} AZ(s)`,
          month * subnets, P.interfaceEndpointAzHour, `${subnets} AZ(s) x ${month} hours`);
        return this.use('interface endpoint data processed', P.interfaceEndpointGb, logicalId);
      }
      case 'AWS::WAFv2::WebACL': {
        const rules = Array.isArray(props.Rules) ? props.Rules : [];
        this.add(logicalId, resource, 'WAF web ACL', 1, P.wafWebAclMonth);
        if (rules.length > 0) {
          this.add(logicalId, resource, `WAF rules (${rules.length})`, rules.length, P.wafRuleMonth);
        }
        const extraFee = rules.map((r: any) => literal(r?.Statement?.ManagedRuleGroupStatement?.Name))
          .filter((name: unknown) => typeof name === 'string' && /BotControl|ATP|ACFP|AntiDDoS/.test(name as string));
        if (extraFee.length > 0) {
          this.cannot(logicalId, type, `the managed rule groups ${extraFee.join(', ')} add subscription and request fees`);
        }
        return this.use('WAF requests inspected', P.wafMillionRequests, logicalId);
      }
      case 'AWS::KMS::Key':
      case 'AWS::KMS::ReplicaKey':
        return this.add(logicalId, resource, 'KMS customer managed key', 1, P.kmsKeyMonth,
          literal(props.EnableKeyRotation) === true ? 'each yearly rotation adds $1 a month, for the first two rotations' : undefined);
      case 'AWS::SecretsManager::Secret':
        this.add(logicalId, resource, 'Secrets Manager secret', 1, P.secretMonth);
        return this.priceSecretReplicas(logicalId, resource);
      case 'AWS::Route53::HostedZone':
        this.add(logicalId, resource, props.VPCs ? 'Route 53 private hosted zone' : 'Route 53 hosted zone', 1, P.hostedZoneMonth);
        return this.use('Route 53 queries (alias queries to AWS resources are free)', P.dnsMillionQueries, logicalId);
      case 'AWS::ServiceDiscovery::PrivateDnsNamespace':
      case 'AWS::ServiceDiscovery::PublicDnsNamespace':
        return this.add(logicalId, resource, 'Cloud Map DNS namespace (a Route 53 hosted zone)', 1, P.hostedZoneMonth);
      case 'AWS::ServiceDiscovery::Service':
        // Priced by the ECS service that registers into it (per registered task).
        return;
      case 'AWS::ACMPCA::CertificateAuthority':
        return this.pricePrivateCa(logicalId, resource);
      case 'AWS::ACMPCA::Certificate':
        // A one-time fee per certificate, at the price of the mode of the CA that issues it: per use.
        return this.usePrivateCaCertificates(this.resources[referencedId(props.CertificateAuthorityArn) ?? ''], logicalId);
      case 'AWS::CloudWatch::Dashboard':
        this.dashboards += 1;
        return this.add(logicalId, resource, 'CloudWatch dashboard', 1, P.dashboardMonth);
      case 'AWS::CloudWatch::Alarm':
        return this.priceAlarm(logicalId, resource);
      case 'AWS::ApplicationAutoScaling::ScalingPolicy': {
        if (literal(props.PolicyType) !== 'TargetTrackingScaling') return; // step scaling uses the template's own alarms
        // Application Auto Scaling creates and bills a high and (unless scale-in is off) a low alarm.
        const count = literal(props.TargetTrackingScalingPolicyConfiguration?.DisableScaleIn) === true ? 1 : 2;
        this.alarmMetrics += count;
        return this.add(logicalId, resource, 'CloudWatch alarms of a target tracking policy', count, P.alarmMetricMonth,
          'created by Application Auto Scaling, not in the template');
      }
      case 'AWS::CloudWatch::CompositeAlarm':
        return this.add(logicalId, resource, 'CloudWatch composite alarm', 1, P.compositeAlarmMonth);
      case 'AWS::ApiGatewayV2::Api':
        if (literal(props.ProtocolType) === 'WEBSOCKET') {
          this.use('WebSocket API messages', P.webSocketMillionMessages, logicalId);
          return this.use('WebSocket API connection minutes', P.webSocketMillionConnectionMinutes, logicalId);
        }
        return this.use('HTTP API requests', P.httpApiMillionRequests, logicalId);
      case 'AWS::ApiGatewayV2::Stage':
        if (literal(props.DefaultRouteSettings?.DetailedMetricsEnabled) === true) {
          // Route-level metrics are CloudWatch metrics, billed for the hours they receive data.
          this.use('API Gateway detailed metrics: 6 CloudWatch metrics per route, billed for the hours the route has traffic',
            P.customMetricMonth, logicalId);
        }
        return;
      case 'AWS::CloudFront::Function':
        return this.use('CloudFront Functions invocations (2 million a month free)', P.cloudFrontFunctionMillionInvocations, logicalId);
      case 'AWS::CloudFront::KeyValueStore':
        // No monthly fee: reads by the viewer-request function and calls to its API, per use.
        this.use('CloudFront KeyValueStore reads by functions (no monthly fee per store)', P.keyValueStoreMillionReads, logicalId);
        return this.use('CloudFront KeyValueStore API calls (registrations, drains)', P.keyValueStoreThousandApiCalls, logicalId);
      case 'AWS::CloudFront::Distribution':
        this.use('CloudFront data out (1 TB a month free)', P.cloudFrontGbOut, logicalId);
        return this.use('CloudFront HTTPS requests (10 million a month free)', P.cloudFront10kHttpsRequests, logicalId);
      case 'AWS::Logs::LogGroup':
      case 'AWS::EC2::FlowLog':
        this.use('CloudWatch Logs ingested (5 GB a month free)', P.logsIngestedGb, logicalId);
        return this.use('CloudWatch Logs stored', P.logsStoredGbMonth, logicalId);
      case 'AWS::Lambda::Function':
        this.use('Lambda requests (1 million a month free)', P.lambdaMillionRequests, logicalId);
        return this.use('Lambda compute (400,000 GB-seconds a month free)', P.lambdaGbSecond, logicalId);
      case 'AWS::S3::Bucket':
        if (isProxyBucket(resource)) this.priceProxyPoll(logicalId, resource);
        useBucketReplication(this.regionContext(), logicalId, props);
        return this.use('S3 storage', P.s3GbMonth, logicalId);
      case 'Custom::RegionRegistration':
        return useRegionRegistration(this.regionContext(), logicalId);
      case 'Custom::AWS':
        // AwsCustomResource (a platform's SSM parameter copies into its other Regions: standard
        // parameters, no charge); its function is priced per use as a Lambda function.
        return;
      case 'AWS::SNS::Topic':
      case 'AWS::Scheduler::Schedule':
        // Per use only (notifications, invocations), with free tiers that alarm traffic stays in.
        return;
      case 'AWS::ECS::Cluster': {
        const settings = Array.isArray(props.ClusterSettings) ? props.ClusterSettings : [];
        const insights = settings.find((s: any) => s?.Name === 'containerInsights');
        if (insights && ['enabled', 'enhanced'].includes(String(literal(insights.Value)))) {
          this.cannot(logicalId, type, 'Container Insights charges per custom metric and per GB of performance log events');
        }
        return;
      }
      default:
        if (NO_CHARGE.has(type) || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource'
          || type === 'AWS::CloudFormation::Stack') {
          return;
        }
        return this.cannot(logicalId, type || '(no Type)', 'no price for this resource type');
    }
  }

  private priceAlarm(logicalId: string, resource: any): void {
    const props = resource.Properties ?? {};
    const metrics = Array.isArray(props.Metrics) ? props.Metrics : undefined;
    const statMetrics = metrics ? metrics.filter((m: any) => m?.MetricStat).length : 1;
    const anomaly = metrics?.some((m: any) => /ANOMALY_DETECTION_BAND/.test(String(m?.Expression ?? '')));
    const periods = [literal(props.Period), ...(metrics ?? []).map((m: any) => literal(m?.MetricStat?.Period))]
      .filter((n): n is number => typeof n === 'number');
    const highResolution = periods.some(n => n < 60);
    // Anomaly detection alarms are billed as three metrics each (the metric and the band's two).
    const count = Math.max(1, statMetrics) * (anomaly ? 3 : 1);
    this.alarmMetrics += count;
    this.add(logicalId, resource, `CloudWatch alarm${highResolution ? ' (high resolution)' : ''}`, count,
      highResolution ? this.prices.alarmHighResolutionMetricMonth : this.prices.alarmMetricMonth,
      count > 1 ? `${count} metrics${anomaly ? ' (anomaly detection)' : ''}` : undefined);
  }

  /**
   * The proxy instance's agent asks its bucket for the configuration at every run (a conditional
   * GET), as often as its systemd timer says: `OnUnitInactiveSec=<n>s` in the user data of the
   * instance beside the bucket (same `LongLivedProxy` construct).
   */
  private priceProxyPoll(logicalId: string, bucket: any): void {
    const proxyPath = pathOf(bucket)!.slice(0, -2).join('/');
    const instance = Object.values<any>(this.resources).find(r => r?.Type === 'AWS::EC2::Instance'
      && pathOf(r)?.slice(0, -2).join('/') === proxyPath);
    const timer = /OnUnitInactiveSec=(\d+)s/.exec(JSON.stringify(instance?.Properties?.UserData ?? ''));
    if (!timer) {
      return this.cannot(logicalId, 'AWS::S3::Bucket', 'the proxy instance\'s configuration poll: its timer (OnUnitInactiveSec) is not in this template');
    }
    const seconds = Number(timer[1]);
    this.add(logicalId, bucket, `S3 requests of the proxy instance's configuration poll (every ${seconds} s)`,
      (HOURS_PER_MONTH * 3600) / seconds / 1000, this.prices.s3ThousandGetRequests);
  }

  private priceInstance(logicalId: string, resource: any): void {
    const props = resource.Properties ?? {};
    const instanceType = literal(props.InstanceType) ?? 'm1.small';
    const price = this.prices.ec2InstanceHour[String(instanceType)];
    if (!price) {
      return this.cannot(logicalId, 'AWS::EC2::Instance', `instance type ${String(instanceType)} has no price in the price list`);
    }
    this.add(logicalId, resource, `EC2 instance ${instanceType} (Linux, on demand)`, HOURS_PER_MONTH, price);
    const mappings = Array.isArray(props.BlockDeviceMappings) ? props.BlockDeviceMappings : [];
    const sizes = mappings.map((m: any) => literal(m?.Ebs?.VolumeSize)).filter((n: unknown): n is number => typeof n === 'number');
    const gb = sizes.length > 0 ? sizes.reduce((a: number, b: number) => a + b, 0) : 8;
    this.add(logicalId, resource, `EBS root volume ${gb} GB`, gb, this.prices.ebsGp3GbMonth,
      sizes.length > 0 ? undefined : 'the AMI\'s root volume, assumed 8 GB gp3');
    // An Elastic IP of the instance is priced as an EIP: not twice.
    const hasEip = Object.values<any>(this.resources).some(r => ['AWS::EC2::EIP', 'AWS::EC2::EIPAssociation'].includes(r?.Type)
      && referencedId(r.Properties?.InstanceId) === logicalId);
    if (!hasEip && this.hasPublicIpv4(props)) {
      this.add(logicalId, resource, `public IPv4 address of ${logicalId}`, HOURS_PER_MONTH, this.prices.publicIpv4Hour);
    }
  }

  /**
   * Each replica of a secret (`ReplicaRegions`) is billed as a secret of its own, in its Region:
   * priced with that Region's list, or with this stack's list (and a note) when it has none.
   */
  private priceSecretReplicas(logicalId: string, resource: any): void {
    const replicas = resource.Properties?.ReplicaRegions;
    if (replicas === undefined) return;
    if (!Array.isArray(replicas)) {
      return this.cannot(logicalId, 'AWS::SecretsManager::Secret',
        'its ReplicaRegions are only known at deploy time (each replica is billed as a secret)');
    }
    for (const replica of replicas) {
      const region = literal(replica?.Region);
      const known = typeof region === 'string' ? PRICE_LIST.regions[region] : undefined;
      const where = typeof region === 'string' ? region : 'a Region known at deploy time';
      this.add(logicalId, resource, `Secrets Manager replica secret in ${where}`, 1, (known ?? this.prices).secretMonth,
        known ? 'a replica is billed as a secret of its own' : `a replica is billed as a secret of its own; no price list for ${where}: priced with this stack's prices`);
    }
  }

  /** An instance gets a public IPv4 when its interface asks for one or its subnet maps one on launch. */
  private hasPublicIpv4(props: any): boolean {
    const interfaces = Array.isArray(props.NetworkInterfaces) ? props.NetworkInterfaces : [];
    if (interfaces.some((i: any) => literal(i?.AssociatePublicIpAddress) === true)) return true;
    const subnetIds = [props.SubnetId, ...interfaces.map((i: any) => i?.SubnetId)].map(referencedId).filter(Boolean) as string[];
    return subnetIds.some(id => literal(this.resources[id]?.Properties?.MapPublicIpOnLaunch) === true);
  }

  /** A private CA: by its mode; the certificates it issues per use. */
  private pricePrivateCa(logicalId: string, resource: any): void {
    const usageMode = resource.Properties?.UsageMode;
    const mode = usageMode === undefined ? 'GENERAL_PURPOSE' : literal(usageMode);
    const shortLived = mode === 'SHORT_LIVED_CERTIFICATE';
    const notes = [
      ...(typeof mode === 'string' ? [] : ['UsageMode is only known at deploy time: priced as general-purpose (the upper bound)']),
      'the first private CA of an account in each Region has no operation charge for 30 days',
    ];
    this.add(logicalId, resource, `Private CA (${shortLived ? 'short-lived certificate' : 'general-purpose'} mode)`, 1,
      shortLived ? this.prices.privateCaShortLivedMonth : this.prices.privateCaGeneralPurposeMonth, notes.join('; '));
    this.usePrivateCaCertificates(resource, logicalId);
  }

  /** Certificates issued by a CA (of this template, or elsewhere: priced as general-purpose), per use. */
  private usePrivateCaCertificates(ca: any, logicalId: string): void {
    const shortLived = ca?.Type === 'AWS::ACMPCA::CertificateAuthority' && literal(ca.Properties?.UsageMode) === 'SHORT_LIVED_CERTIFICATE';
    this.use(`Private CA certificates issued (${shortLived ? 'short-lived' : 'general-purpose'} mode, one-time fee each)`,
      shortLived ? this.prices.privateCaShortLivedCertificate : this.prices.privateCaGeneralPurposeCertificate, logicalId);
  }

  /** What the ECS service pricing (ecs-service-pricer.ts) needs of this pricer. */
  private ecsContext(): EcsPricingContext {
    return {
      resources: this.resources,
      prices: this.prices,
      notes: this.notes,
      add: this.add.bind(this),
      use: this.use.bind(this),
      cannot: this.cannot.bind(this),
      resolve: this.resolve.bind(this),
    };
  }

  /** What the per-use items of several Regions (region-usage.ts) need of this pricer. */
  private regionContext(): RegionUsageContext {
    return { prices: this.prices, region: this.region, use: this.use.bind(this) };
  }

  /**
   * A `{ Ref }` to an SSM-typed template parameter whose parameter another stack of the same
   * assembly publishes with a literal value: that value; anything else unchanged.
   */
  private resolve(value: any): any {
    const ref = value && typeof value === 'object' ? value.Ref : undefined;
    const parameter = typeof ref === 'string' ? this.parameters[ref] : undefined;
    if (parameter && /^AWS::SSM::Parameter::Value</.test(String(parameter.Type)) && typeof parameter.Default === 'string') {
      return this.ssmValues[parameter.Default] ?? value;
    }
    return value;
  }

  private add(logicalId: string, resource: any, description: string, quantity: number, price: PriceFigure, note?: string,
    perRunningTask = false): void {
    const service = this.serviceOf(resource);
    this.items.push({
      logicalId,
      resourceType: String(resource?.Type),
      description,
      quantity: round(quantity),
      unit: price.unit,
      unitPriceUsd: Math.round(price.usd * 1e9) / 1e9,
      monthlyUsd: round(quantity * price.usd),
      ...(service ? { service } : {}),
      ...(perRunningTask ? { perRunningTask } : {}),
      ...(note ? { note } : {}),
    });
  }

  private use(description: string, price: PriceFigure, logicalId: string): void {
    const entry = this.usage.get(description) ?? { price, description, logicalIds: [] };
    entry.logicalIds.push(logicalId);
    this.usage.set(description, entry);
  }

  private cannot(logicalId: string, resourceType: string, reason: string): void {
    this.unpriced.push({ logicalId, resourceType, reason });
  }

  /**
   * The resource's `service` tag; for a type that takes no tags, the tag of the resources that
   * share its construct (by `aws:cdk:path`), when they all name the same service.
   */
  private serviceOf(resource: any): string | undefined {
    const tagged = tagOf(resource, 'service');
    if (tagged) return tagged;
    const path = pathOf(resource);
    if (!path) return undefined;
    // The deepest construct above this resource whose tagged resources name one service.
    for (let depth = path.length - 1; depth >= 2; depth--) {
      const prefix = path.slice(0, depth);
      const services = new Set(this.servicePaths.filter(e => prefix.every((part, i) => e.path[i] === part)).map(e => e.service));
      if (services.size === 1) return [...services][0];
      if (services.size > 1) return undefined;
    }
    return undefined;
  }
}

function servicesOf(items: CostLineItem[]): Array<{ service: string; monthlyUsd: number }> {
  const sums = new Map<string, number>();
  for (const item of items) {
    if (item.service) sums.set(item.service, (sums.get(item.service) ?? 0) + item.monthlyUsd);
  }
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([service, usd]) => ({ service, monthlyUsd: round(usd) }));
}

/** The bucket of a platform's proxy instance (`LongLivedOriginType.proxyInstance()`), by its construct path. */
function isProxyBucket(resource: any): boolean {
  const path = pathOf(resource);
  return path !== undefined && path.slice(-3).join('/') === 'LongLivedProxy/Bucket/Resource';
}
