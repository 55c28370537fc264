import { CfnOutput, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GlobalPlatformProps } from './global-platform-props';
import { GlobalPlatformImportOptions } from './import-options';
import { createAdditionalRegion, validateAdditionalRegions } from './private/additional-regions';
import { createEdgeCertificateAlarm, createEdgeStack, edgeValue, siblingValue } from './private/edge-stack';
import { ImportedGlobalPlatform } from './private/imported-platform';
import { createPlatformDns } from './private/platform-dns';
import { publishPlatformParameters } from './private/platform-parameters';
import { claimPlatformName } from './private/platform-registry';
import { validateEdgeHostedZone, validatePlatformProps } from './private/platform-validation';
import { admitCloudFrontInRegions, createRegionRouting } from './private/region-routing';
import { RegionalParameterCopies, replicaSecretArn } from './private/regional-copies';
import { buildRegionalMonitoring, buildRegionalParts } from './private/regional-parts';
import { providePrivateEgress, provideRouteThrottling } from '../contract/capabilities';
import { DEFAULT_LONG_LIVED_PATH_SUFFIXES, EDGE_REGION, platformPath } from '../contract/names';
import { IGlobalPlatform } from '../contract/platform';
import { ControlWaivers } from '../core/controls';
import { PropError } from '../core/errors';
import { isUnresolved } from '../core/validation';
import { CostBudget } from '../monitoring/cost-budget';
import { PlatformBudget } from '../monitoring/private/platform-budget';
import { NatType } from '../network/nat-type';
import { countAgainstPlatformQuotas } from '../routing/private/api-quotas';
import { CentralApi, validateThrottling } from '../routing/private/central-api';
import { FrontDoor } from '../routing/private/front-door';
import { FrontDoorOriginCheck, routeAuthorizer } from '../routing/private/front-door-authorizer';
import { FrontDoorWaf } from '../routing/private/front-door-waf';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '../routing/private/origin-check';


/**
 * The shared foundation of the georgi.io platform: DNS, wildcard certificates, a multi-AZ VPC
 * with one shared NAT, a shared ECS cluster with a Cloud Map namespace, the central API on
 * `api.<domain>` behind a CloudFront front door (with an optional WebSocket-capable origin and
 * an optional WAF), central logs, a dashboard, alarms and a cost budget.
 *
 * It publishes what services need as SSM parameters under `/platform/<platformName>`, so an
 * app in another repository imports it with `GlobalPlatform.fromPlatformName()`.
 *
 * The stack must have an explicit Region. Outside us-east-1, CloudFront's certificate and web
 * ACL (and a hosted zone the platform creates) go into a companion stack in us-east-1, which
 * deploys first; the platform's stack reads their ARNs with `Fn::GetStackOutput`, so a
 * replaced certificate or web ACL deploys like any other change (no `crossRegionReferences`
 * needed).
 *
 * @example
 * const platform = new GlobalPlatform(stack, 'Platform', {
 *   platformName: 'georgi',
 *   domainName: 'georgi.io',
 *   longLivedConnections: {},
 *   waf: { rateLimit: 2000 },
 *   alarmEmails: ['ops@georgi.io'],
 * });
 */
export class GlobalPlatform extends Construct implements IGlobalPlatform {
  /**
   * The header in which the front door sends the platform's origin secret to the HTTP API.
   * A service with its own `authorizer` must check it there too (see `originSecret`).
   */
  public static readonly ORIGIN_VERIFY_HEADER = ORIGIN_VERIFY_HEADER;

  /**
   * The header in which the front door passes the viewer's IP address to every origin (set by a
   * CloudFront Function on each request, replacing any value the client sent). Trust it only
   * behind the platform: X-Forwarded-For's left-most entries are whatever the client sent.
   */
  public static readonly VIEWER_ADDRESS_HEADER = VIEWER_ADDRESS_HEADER;

  /**
   * Imports a platform that another app created, from its SSM parameters, without any
   * synth-time look-up or CloudFormation export. The result works with every construct of this
   * library like the real platform, except that `dashboard` is undefined (services in another
   * stack get their own) and route throttling needs `addRouteThrottling` in the platform's app.
   *
   * @param scope the scope of the imported platform
   * @param id the construct id
   * @param platformName the `platformName` the platform was created with
   * @param options what cannot be read at synth time
   */
  public static fromPlatformName(scope: Construct, id: string, platformName: string, options: GlobalPlatformImportOptions): IGlobalPlatform {
    return new ImportedGlobalPlatform(scope, id, platformName, options);
  }

  public readonly platformName: string;
  public readonly domainName: string;
  public readonly apiDomainName: string;
  public readonly hostedZone: route53.IHostedZone;
  public readonly certificate: acm.ICertificate;
  public readonly edgeCertificate: acm.ICertificate;
  public readonly vpc: ec2.IVpc;
  public readonly serviceSubnets: ec2.SubnetSelection;
  public readonly serviceAssignPublicIp: string;
  public readonly cluster: ecs.ICluster;
  public readonly namespace: servicediscovery.IPrivateDnsNamespace;
  public readonly httpApi: apigwv2.IHttpApi;
  public readonly httpStageName: string;
  public readonly vpcLink: apigwv2.IVpcLink;
  public readonly vpcLinkSecurityGroup: ec2.ISecurityGroup;
  public readonly frontDoor: cloudfront.IDistribution;
  /**
   * The generated secret that the front door sends in `x-origin-verify`.
   *
   * Cost: $0.40 a month.
   *
   * @default - always set on a GlobalPlatform
   */
  public readonly originSecret?: secretsmanager.ISecret;
  /**
   * The function that checks `x-origin-verify` for the routes of every service.
   *
   * @default - always set on a GlobalPlatform
   */
  public readonly originAuthorizerFunction?: lambda.IFunction;
  /**
   * The platform's authorizer that checks `x-origin-verify`, shared by every service route
   * without a JWT.
   *
   * @default - always set on a GlobalPlatform
   */
  public readonly originAuthorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * The platform's authorizer that checks `x-origin-verify` and then the route's service's JWT,
   * shared by every service with `jwtIssuer`.
   *
   * @default - always set on a GlobalPlatform
   */
  public readonly jwtOriginAuthorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * The long-lived origin's listener, where services add their WebSocket and stream rules.
   *
   * @default - undefined without `longLivedConnections`
   */
  public readonly longLivedListener?: elbv2.IApplicationListener;
  /** @default - undefined unless `longLivedConnections.origin` is `LongLivedOriginType.proxyInstance()` */
  public readonly longLivedProxySecurityGroup?: ec2.ISecurityGroup;
  public readonly longLivedPathSuffixes: string[];
  public readonly alarmTopic: sns.ITopic;
  /**
   * The platform dashboard; services in the platform's stack add their widgets to it.
   * Undefined with `dashboard: false`.
   *
   * @default - always set on a GlobalPlatform (undefined only on an imported platform)
   */
  public readonly dashboard?: cloudwatch.Dashboard;
  public readonly parameterPrefix: string;

  /** The HTTP API's `$default` stage (auto-deploy, access logs, default throttling). */
  public readonly httpStage: apigwv2.IHttpStage;

  /**
   * The companion stack in us-east-1 that holds CloudFront's certificate, the WAF web ACL and
   * (when the platform creates it) the hosted zone.
   *
   * @default - undefined when the platform runs in us-east-1 or needs nothing there
   */
  public readonly edgeStack?: Stack;

  /** The WAF web ACL's ARN. @default - undefined without `waf` */
  public readonly webAclArn?: string;

  /** The central access-log bucket. @default - undefined when `accessLogs` is false */
  public readonly accessLogsBucket?: s3.IBucket;

  /** The central log group of the API's access log. */
  public readonly apiAccessLogGroup: logs.ILogGroup;

  /**
   * The platform's alarms in its own Region: API 5xx rate, p99 latency, each NAT instance's
   * status (`NatType.instance()`), and the regional certificate's expiry when the platform uses
   * that certificate (see `certificateExpiryThresholdDays`). The edge certificate's alarm lives
   * in `edgeStack` and notifies `edgeAlarmTopic`.
   */
  public readonly alarms: cloudwatch.IAlarm[];

  /**
   * The alarm topic in us-east-1 for the edge certificate's expiry alarm (alarms notify topics in
   * their own Region), with the same `alarmEmails` subscriptions. Subscribe to it as well as to
   * `alarmTopic`. $0 a month for the topic; its KMS key costs $1.
   *
   * @default - undefined when the platform runs in us-east-1 or `edgeCertificate` is passed in
   */
  public readonly edgeAlarmTopic?: sns.ITopic;

  /**
   * The sibling stacks of `additionalRegions`, `<stack>-<region>`, in their order. Deploy them
   * with the platform's stack (`cdk deploy --all`): they deploy first.
   */
  public readonly regionalStacks: Stack[];

  /** The platform's Regions: its stack's first, then `additionalRegions`. */
  public readonly regions: string[];

  /** @default - undefined without `additionalRegions` */
  public readonly regionRouterStore?: cloudfront.IKeyValueStore;

  private readonly centralApi: CentralApi;

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the platform's properties
   */
  constructor(scope: Construct, id: string, props: GlobalPlatformProps) {
    super(scope, id);
    validatePlatformProps(this, props);
    if (!Token.isUnresolved(props.platformName)) {
      claimPlatformName(this, props.platformName);
      countAgainstPlatformQuotas(this, props.platformName);
    }

    const stack = Stack.of(this);
    const platformName = props.platformName;
    this.platformName = platformName;
    this.domainName = props.domainName;
    this.apiDomainName = `api.${props.domainName}`;
    this.parameterPrefix = platformPath(platformName);
    const longLived = props.longLivedConnections;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.longLivedPathSuffixes = longLived ? (longLived.pathSuffixes ?? [...DEFAULT_LONG_LIVED_PATH_SUFFIXES]) : [];

    // -------------------------------------------------------------------- edge (us-east-1) scope
    const needsEdgeStack = stack.region !== EDGE_REGION && (props.waf !== undefined || !props.edgeCertificate);
    if (needsEdgeStack) validateEdgeHostedZone(this, props);
    validateAdditionalRegions(this, props, needsEdgeStack);
    this.edgeStack = needsEdgeStack ? createEdgeStack(this, platformName) : undefined;
    const edgeScope: Construct = this.edgeStack ? new Construct(this.edgeStack, id) : this;
    // The security controls' waivers and defaults, where they are raised (README "Security controls").
    ControlWaivers.applyTo(this);
    if (edgeScope !== this) ControlWaivers.applyTo(edgeScope);

    // ------------------------------------------------------------------------------- DNS and TLS
    const dns = createPlatformDns(this, {
      platformName,
      domainName: props.domainName,
      hostedZone: props.hostedZone,
      edgeCertificate: props.edgeCertificate,
      edgeStack: this.edgeStack,
      edgeScope,
      removalPolicy,
    });
    this.hostedZone = dns.hostedZone;
    const certificate = dns.certificate;
    this.certificate = certificate;
    this.edgeCertificate = dns.edgeCertificate;
    // The CloudFront certificate of a companion stack, as that stack holds it (for its alarm).
    const edgeCertificate = dns.edgeStackCertificate;

    // --------------------------------------------- logs, network, compute, API, long-lived origin
    // Dashboards, budgets, CloudFront-scoped WAF resources and VPC origins are named per account,
    // not per Region: their names carry the platform's Region too.
    const accountWidePrefix = `${platformName}-${stack.region}`;
    const parts = buildRegionalParts(this, {
      platform: props,
      network: props,
      defaultVpcCidr: '10.0.0.0/16',
      longLived,
      accountWidePrefix,
      certificate,
      apiDomainName: this.apiDomainName,
    });
    const { logs: platformLogs, network, compute, api, longLivedOrigin } = parts;
    this.apiAccessLogGroup = platformLogs.apiAccessLogGroup;
    this.accessLogsBucket = platformLogs.accessLogsBucket;
    this.vpc = network.vpc;
    this.serviceSubnets = network.serviceSubnets;
    this.serviceAssignPublicIp = network.assignPublicIp ? 'ENABLED' : 'DISABLED';
    providePrivateEgress(this, { privateSubnetsReachInternet: ['gateway', 'instance'].includes((props.natType ?? NatType.GATEWAY).kind) });
    this.cluster = compute.cluster;
    this.namespace = compute.namespace;
    this.centralApi = api;
    provideRouteThrottling(this, {
      stage: api.stage,
      throttleRoute: (routeKey, rateLimit, burstLimit) => this.addRouteThrottling(routeKey, rateLimit, burstLimit),
    });
    this.httpApi = api.httpApi;
    this.httpStage = api.stage;
    this.httpStageName = api.stage.stageName;
    this.vpcLink = api.vpcLink;
    this.vpcLinkSecurityGroup = api.vpcLinkSecurityGroup;
    this.longLivedListener = longLivedOrigin?.listener;
    this.longLivedProxySecurityGroup = longLivedOrigin?.proxySecurityGroup;

    // -------------------------------------------------------------------- additional Regions
    const additional = (props.additionalRegions ?? []).map((entry, index) => createAdditionalRegion(this, {
      platform: props,
      entry,
      index,
      platformId: id,
      hostedZoneId: consumer => this.edgeStack && !props.hostedZone
        ? siblingValue(consumer, this.edgeStack, 'HostedZoneId', dns.hostedZone.hostedZoneId, `the ${EDGE_REGION} companion stack`)
        : dns.hostedZone.hostedZoneId,
    }));
    this.regionalStacks = additional.map(r => r.stack);
    this.regions = [stack.region, ...additional.map(r => r.region)];

    // ---------------------------------------------------------------------------- front door
    const waf = props.waf ? new FrontDoorWaf(edgeScope, 'Waf', {
      platformName,
      accountWidePrefix,
      rateLimit: props.waf.rateLimit ?? 1000,
      allowedIpRanges: props.waf.allowedIpRanges ?? [],
      blockedIpRanges: props.waf.blockedIpRanges ?? [],
    }) : undefined;
    this.webAclArn = waf && this.edgeStack ? edgeValue(this, this.edgeStack, 'WebAclArn', waf.webAcl.attrArn) : waf?.webAcl.attrArn;

    const originCheck = new FrontDoorOriginCheck(this, 'OriginCheck', {
      platformName,
      httpApi: this.httpApi,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy,
      originSecretRotation: props.originSecretRotation,
      replicaRegions: additional.length > 0 ? additional.map(r => r.region) : undefined,
    });
    this.originSecret = originCheck.secret;
    this.originAuthorizerFunction = originCheck.function;
    this.originAuthorizer = routeAuthorizer(originCheck.originAuthorizer.authorizerId);
    this.jwtOriginAuthorizer = routeAuthorizer(originCheck.jwtOriginAuthorizer.authorizerId);

    const regionRouting = additional.length > 0 ? createRegionRouting(this, {
      platformName,
      primaryRegion: stack.region,
      certificate,
      httpApi: api.httpApi,
      stage: api.stage,
      apiDomainName: this.apiDomainName,
      additional,
      longLivedPathSuffixes: this.longLivedPathSuffixes,
    }) : undefined;
    this.regionRouterStore = regionRouting?.store;

    const frontDoor = new FrontDoor(this, 'FrontDoor', {
      regions: regionRouting,
      originSecret: originCheck.secret,
      originSecretStage: originCheck.stage,
      originSecretStageResource: originCheck.stageResource,
      platformName,
      apiDomainName: this.apiDomainName,
      hostedZone: this.hostedZone,
      certificate: this.edgeCertificate,
      httpApi: this.httpApi,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      longLivedOrigin: longLivedOrigin?.origin,
      longLivedPathPatterns: this.longLivedPathSuffixes.flatMap(s => [`/*/${s}`, `/*/${s}/*`]),
      webAclArn: this.webAclArn,
      accessLogsBucket: platformLogs.accessLogsBucket,
    });
    this.frontDoor = frontDoor.distribution;
    longLivedOrigin?.lookUpAfter(frontDoor.distribution);
    admitCloudFrontInRegions(this, additional, frontDoor.distribution);

    // ---------------------------------------------------------------------------- monitoring
    const alarmEmails = props.alarmEmails ?? [];
    // ACM renews only certificates in use, so only a certificate of the platform's own is watched.
    const certificateInUse = this.edgeCertificate === certificate || longLivedOrigin?.usesCertificate === true || regionRouting !== undefined;
    const regionalMonitoring = buildRegionalMonitoring(this, {
      platform: props,
      accountWidePrefix,
      parts,
      certificateInUse: certificateInUse ? certificate : undefined,
      dashboard: props.dashboard ?? true,
    });
    const topic = regionalMonitoring.topic;
    this.alarmTopic = topic.topic;
    this.dashboard = regionalMonitoring.monitoring.dashboard;
    this.alarms = regionalMonitoring.alarms;
    if (this.edgeStack && !props.edgeCertificate) {
      this.edgeAlarmTopic = createEdgeCertificateAlarm(edgeScope, {
        platformName,
        accountWidePrefix,
        emails: alarmEmails,
        removalPolicy,
        certificate: edgeCertificate!,
        days: props.certificateExpiryThresholdDays ?? 30,
      });
    }

    // ---------------------------------------------------------------------------------- cost
    const budget = props.budget ?? CostBudget.monthly(100);
    if (budget.amountUsd !== undefined) {
      new PlatformBudget(this, 'Budget', { platformName, accountWidePrefix, amountUsd: budget.amountUsd, topic: topic.topic, ...budget.options });
    }
    // The whole stack: also the custom-resource providers aws-cdk-lib puts at the stack's root.
    Tags.of(stack).add('platform', platformName);
    if (this.edgeStack) Tags.of(this.edgeStack).add('platform', platformName);

    // ------------------------------------------------------------------------------- sharing
    publishPlatformParameters(this, 'Parameters', this, longLivedOrigin?.securityGroup.securityGroupId, {
      origin: originCheck.originAuthorizer.authorizerId,
      jwt: originCheck.jwtOriginAuthorizer.authorizerId,
    });
    for (const region of additional) {
      new RegionalParameterCopies(this, `Parameters-${region.region}`, {
        platformName,
        region: region.region,
        values: {
          originSecretArn: replicaSecretArn(originCheck.secret.secretArn, region.region),
          originSecretAcceptedStages: originCheck.stageResource.getAttString('Accepted'),
          regionRouterStoreArn: regionRouting!.store.keyValueStoreArn,
          frontDoorDistributionId: frontDoor.distribution.distributionId,
          frontDoorDomainName: frontDoor.distribution.distributionDomainName,
          edgeCertificateArn: this.edgeCertificate.certificateArn,
        },
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy,
      });
    }
    new CfnOutput(this, 'ApiUrl', { value: `https://${this.apiDomainName}`, description: 'the central API' });
  }

  /**
   * Throttles one route of the central API, e.g. `ANY /jessica/{proxy+}`, on its stage. Route
   * throttling is a setting of the platform's stage, so services in other apps ask the
   * platform's app to call this; `ApiRoutes` calls it for routes in the platform's own stack.
   *
   * API Gateway refuses a route setting for a route key that does not exist yet: the route must
   * be deployed before the platform stack carries this setting. For a service in another stack
   * or app, deploy the service first, then add this call and deploy the platform.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigatewayv2-stage-routesettings.html
   *
   * @param routeKey the route key, `METHOD /path`
   * @param rateLimit steady-state requests per second (1 to 10000)
   * @param burstLimit burst of requests (1 to 5000)
   */
  public addRouteThrottling(routeKey: string, rateLimit: number, burstLimit: number): void {
    if (!isUnresolved(routeKey) && !/^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*$/.test(routeKey)) {
      throw new PropError(this, 'routeKey', routeKey, 'expected "METHOD /path", such as "ANY /jessica/{proxy+}"');
    }
    validateThrottling(this, 'rateLimit', rateLimit, 'burstLimit', burstLimit);
    this.centralApi.throttleRoute(routeKey, rateLimit, burstLimit);
  }
}
