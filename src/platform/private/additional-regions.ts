import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Stage, Tags, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import { siblingValue } from './edge-stack';
import { PlatformParameters, publishLongLivedParameters, publishRegionalParameters } from './platform-parameters';
import { buildRegionalMonitoring, buildRegionalParts, RegionalParts } from './regional-parts';
import { DEFAULT_LONG_LIVED_PATH_SUFFIXES, EDGE_REGION } from '../../contract/names';
import { parameterName } from '../../contract/parameters';
import { ControlWaivers } from '../../core/controls';
import { checkWithin, PropError } from '../../core/errors';
import { addNagSuppressions } from '../../core/nag';
import { parseIpv4Cidr, rangesOverlap, validateIntegerRange } from '../../core/validation';
import { validateNetworkOptions } from '../../network/private/platform-network';
import { LongLivedOriginOptions } from '../../routing/long-lived-options';
import { createOriginAuthorizers, ORIGIN_SECRET_TAG } from '../../routing/private/front-door-authorizer';
import { validateLongLivedConnections } from '../../routing/private/long-lived-origins';
import { authorizerCode } from '../../routing/private/origin-check';
import { REGION_COORDINATES } from '../../routing/private/regions/region-coordinates';
import { RegionDrainAction } from '../../routing/private/regions/region-registration';
import { regionalApiDomain } from '../../routing/private/regions/regional-api-domain';
import { GlobalPlatformProps } from '../global-platform-props';
import { PlatformRegionOptions } from '../region-options';

/** The drain alarm's default minimum of requests in a 5-minute period (`autoDrainMinimumRequests`). @internal */
export const DEFAULT_DRAIN_MINIMUM_REQUESTS = 20;

/** The most additional Regions a platform takes (each adds a cache behaviour: see below). @internal */
export const MAX_ADDITIONAL_REGIONS = 8;

/**
 * CloudFront's default quota of cache behaviours per distribution (adjustable; 25 until CloudFront
 * raised it). The front door stays well within it: at most the default + `/_region/<region>/*`
 * for the primary and 8 Regions + 8 regional long-lived origins + 2 x 10 long-lived path suffixes = 38.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html
 * @internal
 */
export const MAX_CACHE_BEHAVIORS = 75;

/**
 * The checks of `additionalRegions`: explicit, known, distinct Regions other than the
 * platform's, each with valid network options; and a hosted zone their stacks can read.
 * @internal
 */
export function validateAdditionalRegions(scope: IConstruct, props: GlobalPlatformProps, hasEdgeStack: boolean): void {
  const entries = props.additionalRegions ?? [];
  if (entries.length === 0) return;
  const primary = Stack.of(scope).region;
  if (!(primary in REGION_COORDINATES)) {
    throw new PropError(scope, 'stack region', primary, 'additionalRegions needs the platform in a commercial aws region the front door\'s router knows'
      + ` (${Object.keys(REGION_COORDINATES).length} regions, such as eu-central-1)`);
  }
  if (entries.length > MAX_ADDITIONAL_REGIONS) {
    throw new PropError(scope, 'additionalRegions', entries.map(e => e.region), `expected at most ${MAX_ADDITIONAL_REGIONS} regions`);
  }
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const prop = `additionalRegions[${i}].region`;
    if (typeof entry.region !== 'string' || Token.isUnresolved(entry.region) || !(entry.region in REGION_COORDINATES)) {
      throw new PropError(scope, prop, entry.region, 'expected a commercial aws region code written out, such as us-west-2 (each region gets a stack of its own at synth)');
    }
    if (entry.region === primary) {
      throw new PropError(scope, prop, entry.region, 'expected a region other than the platform\'s own (its stack\'s region)');
    }
    if (seen.has(entry.region)) throw new PropError(scope, prop, entry.region, 'list each region once');
    seen.add(entry.region);
    checkWithin(`additionalRegions[${i}]`, () => validateNetworkOptions(scope, entry, entry.region));
    validateIntegerRange(scope, `additionalRegions[${i}].autoDrainMinimumRequests`, entry.autoDrainMinimumRequests, 1, 1_000_000);
    if (entry.autoDrainMinimumRequests !== undefined && !entry.autoDrain) {
      throw new PropError(scope, `additionalRegions[${i}].autoDrainMinimumRequests`, entry.autoDrainMinimumRequests, 'only with autoDrain: true');
    }
    if (entry.longLivedConnections) validateRegionalLongLived(scope, `additionalRegions[${i}].longLivedConnections`, entry.longLivedConnections, props);
  });
  // The front door's cache behaviours (one per Region, one per Region with a long-lived origin,
  // two per long-lived suffix) stay within MAX_CACHE_BEHAVIORS by the limits on Regions and suffixes.
  warnOfOverlappingNetworks(scope, props, entries);
  // The additional Regions' stacks deploy before the platform's: they can read the zone the
  // companion stack creates, never one the platform's own stack creates.
  if (!props.hostedZone && !hasEdgeStack) {
    throw new PropError(scope, 'hostedZone', undefined, 'additionalRegions needs a zone their stacks can read: without a companion stack'
      + ` in ${EDGE_REGION} (a platform in ${EDGE_REGION}, or one given edgeCertificate and no waf) the platform would create its zone in`
      + ' its own stack, which deploys after the additional regions\' stacks that validate their certificates in it; give an existing'
      + ' zone (HostedZone.fromHostedZoneAttributes)');
  }
}

/**
 * The Regions' VPCs by default take distinct ranges (`10.<n>.0.0/16`) so that they can be peered
 * later; ranges given that overlap are allowed (nothing needs peering today), with a warning.
 */
function warnOfOverlappingNetworks(scope: IConstruct, props: GlobalPlatformProps, entries: PlatformRegionOptions[]): void {
  const networks = [
    { prop: 'vpcCidr', cidr: props.vpcCidr ?? '10.0.0.0/16' },
    ...entries.map((e, i) => ({ prop: `additionalRegions[${i}].vpcCidr`, cidr: e.vpcCidr ?? `10.${i + 1}.0.0/16` })),
  ].filter(n => !Token.isUnresolved(n.cidr)).map(n => ({ ...n, range: parseIpv4Cidr(scope, n.prop, n.cidr) }));
  networks.forEach((network, i) => {
    const clash = networks.slice(0, i).find(other => rangesOverlap(other.range, network.range));
    if (clash) {
      Annotations.of(scope).addWarningV2('@georgi-io/platform-constructs:overlappingRegionNetworks',
        `${network.prop} "${network.cidr}" overlaps ${clash.prop} "${clash.cidr}": these regions' networks cannot be peered;`
        + ' give each region a range of its own (by default the n-th additional region takes 10.<n>.0.0/16)');
    }
  });
}

/**
 * An additional Region's `longLivedConnections`: valid options of either kind, a platform with
 * `longLivedConnections` of its own, and the same path suffixes (the front door's long-lived
 * behaviours are shared by every Region).
 */
function validateRegionalLongLived(scope: IConstruct, prop: string, options: LongLivedOriginOptions, props: GlobalPlatformProps): void {
  validateLongLivedConnections(scope, prop, options);
  if (!props.longLivedConnections) {
    throw new PropError(scope, prop, options, 'needs the platform\'s own longLivedConnections: the front door\'s long-lived behaviours'
      + ' (and the fallback of every long-lived path) are the primary\'s; set longLivedConnections on the platform too');
  }
  const own = options.pathSuffixes ?? DEFAULT_LONG_LIVED_PATH_SUFFIXES;
  const primary = props.longLivedConnections.pathSuffixes ?? DEFAULT_LONG_LIVED_PATH_SUFFIXES;
  if ([...own, ...primary].some(x => Token.isUnresolved(x))) return;
  if (own.length !== primary.length || own.some((x, i) => x !== primary[i])) {
    throw new PropError(scope, `${prop}.pathSuffixes`, own, `expected the platform's own pathSuffixes (${primary.join(', ')}):`
      + ' the front door\'s long-lived behaviours are the same for every region (leave it unset to take the default, as the platform does)');
  }
}

/** What the platform's stack reads of an additional Region's long-lived origin (ADR 15). @internal */
export interface RegionalLongLivedOrigin {
  /** The VPC origin's id (`Fn::GetStackOutput`). */
  readonly vpcOriginId: string;
  /** The origin's security group id, in the Region (`Fn::GetStackOutput`). */
  readonly securityGroupId: string;
  /** The Region's VPC id (`Fn::GetStackOutput`). */
  readonly vpcId: string;
  /** The port CloudFront reaches the origin on. */
  readonly port: number;
  /** The domain name of the front door's origin for it. */
  readonly originDomainName: string;
  readonly readTimeout: Duration;
  /** Whether the platform's stack must open the origin to CloudFront's VPC origin group (no `originPeer`). */
  readonly needsAdmission: boolean;
}

/** What an additional Region gives the platform's stack. @internal */
export interface AdditionalRegion {
  readonly region: string;
  readonly stack: Stack;
  /** The Region's construct that holds its parts (id: the platform's id). */
  readonly scope: Construct;
  readonly parts: RegionalParts;
  /** The host of the Region's HTTP API under `api.<domain>`, as the platform's stack reads it (`Fn::GetStackOutput`). */
  readonly apiOriginDomainName: string;
  /** The Region's alarms; the first is the central API's 5xx rate alarm. */
  readonly alarms: cloudwatch.IAlarm[];
  /** The Region's long-lived origin. @default - none */
  readonly longLived?: RegionalLongLivedOrigin;
}

/** @internal */
export interface AdditionalRegionProps {
  readonly platform: GlobalPlatformProps;
  readonly entry: PlatformRegionOptions;
  /** The entry's position in `additionalRegions`. */
  readonly index: number;
  /** The platform construct's id (the Region's scope takes it, as the companion stack's does). */
  readonly platformId: string;
  /** The hosted zone's id as the Region's stack reads it. */
  readonly hostedZoneId: (consumer: IConstruct) => string;
}

/**
 * One additional Region (ADR 15): a sibling stack `<stack>-<region>` in the platform's app or
 * stage, with the regional parts, the Region's certificate, the origin checks (which read the
 * origin secret's replica: its ARN is written into the Region's SSM by the platform's stack,
 * which deploys after this one), the alarm topic, alarms and dashboard, and the parameters
 * under the same keys as the platform's.
 * @internal
 */
export function createAdditionalRegion(platform: Construct, props: AdditionalRegionProps): AdditionalRegion {
  const p = props.platform;
  const region = props.entry.region;
  const primaryStack = Stack.of(platform);
  const parent = Stage.of(primaryStack) ?? primaryStack.node.root;
  const stackId = `${primaryStack.node.id}-${region}`;
  if (parent.node.tryFindChild(stackId)) {
    throw new PropError(platform, 'additionalRegions', region, `the app already has a stack with the id ${stackId}`);
  }
  const stack = new Stack(parent, stackId, {
    stackName: `${primaryStack.stackName}-${region}`,
    env: { account: primaryStack.account, region },
    description: `${region} part of the ${p.platformName} platform (its primary region is ${primaryStack.region})`,
  });
  const scope = new Construct(stack, props.platformId);
  ControlWaivers.applyTo(scope);
  Tags.of(stack).add('platform', p.platformName);

  const zone = route53.HostedZone.fromHostedZoneAttributes(scope, 'HostedZoneRef', {
    hostedZoneId: props.hostedZoneId(scope),
    zoneName: p.domainName,
  });
  const certificate = new acm.Certificate(scope, 'Certificate', {
    domainName: p.domainName,
    subjectAlternativeNames: [`*.${p.domainName}`],
    validation: acm.CertificateValidation.fromDns(zone),
    certificateName: `${p.platformName}-regional`,
  });

  const accountWidePrefix = `${p.platformName}-${region}`;
  const apiDomainName = `api.${p.domainName}`;
  const parts = buildRegionalParts(scope, {
    platform: p,
    network: props.entry,
    defaultVpcCidr: `10.${props.index + 1}.0.0/16`,
    accountWidePrefix,
    certificate,
    apiDomainName,
    longLived: props.entry.longLivedConnections,
    // This stack deploys before the front door: the platform's stack admits CloudFront.
    longLivedAdmitsCloudFront: false,
  });

  // The checks read the replica of the platform's origin secret, by the ARN that the platform's
  // stack writes into this Region's SSM (it deploys after this stack; the ARN is read once per
  // cold start). The replica keeps the primary's tags: its own tag scopes the read.
  const secretArnParameter = parameterName(p.platformName, 'originSecretArn');
  const stagesParameter = parameterName(p.platformName, 'originSecretAcceptedStages');
  const checks = createOriginAuthorizers(new Construct(scope, 'OriginCheck'), {
    platformName: p.platformName,
    httpApi: parts.api.httpApi,
    logRetention: p.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: p.removalPolicy ?? RemovalPolicy.RETAIN,
    code: authorizerCode({ secretArnFromParameter: true }),
    environment: {
      SECRET_ARN_PARAMETER: secretArnParameter,
      ACCEPTED_STAGES_PARAMETER: stagesParameter,
    },
    statements: [
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [secretArnParameter, stagesParameter].map(name => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) })),
      }),
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        conditions: { StringEquals: { [`secretsmanager:ResourceTag/${ORIGIN_SECRET_TAG}`]: p.platformName } },
      }),
    ],
  });
  for (const fn of [checks.function, checks.jwtFunction]) {
    addNagSuppressions(fn.role!, [{
      id: 'AwsSolutions-IAM5',
      reason: 'the origin secret\'s replica in this region is named by the platform\'s stack, which deploys after this one: the read is limited to secrets tagged platform-origin-secret=<platform> (only the origin secret and its replicas carry it) instead of an arn',
      appliesTo: [`Resource::arn:<AWS::Partition>:secretsmanager:${region}:${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}:secret:*`],
    }], true);
  }

  const monitoring = buildRegionalMonitoring(scope, {
    platform: p,
    accountWidePrefix,
    parts,
    // The Region's API domain serves it: ACM renews it, and its expiry alarm means something.
    certificateInUse: certificate,
    dashboard: p.dashboard ?? true,
    drainMinimumRequests: props.entry.autoDrain ? props.entry.autoDrainMinimumRequests ?? DEFAULT_DRAIN_MINIMUM_REQUESTS : undefined,
  });

  // The Region's automatic drain: its drain alarm (the API's 5xx rate in periods with enough
  // requests) puts d/<region> into the router's store (found in SSM when the alarm fires; the
  // store is made by the platform's stack).
  if (props.entry.autoDrain) {
    const drain = new RegionDrainAction(scope, 'AutoDrain', {
      storeArnParameter: parameterName(p.platformName, 'regionRouterStoreArn'),
      platformName: p.platformName,
      logRetention: p.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: p.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    monitoring.monitoring.drainAlarm!.addAlarmAction(drain.alarmAction);
  }

  const parameters = new PlatformParameters(scope, 'Parameters', p.platformName);
  publishRegionalParameters(parameters, {
    domainName: p.domainName,
    apiDomainName,
    certificate,
    vpc: parts.network.vpc,
    serviceSubnets: parts.network.serviceSubnets,
    serviceAssignPublicIp: parts.network.assignPublicIp ? 'ENABLED' : 'DISABLED',
    cluster: parts.compute.cluster,
    namespace: parts.compute.namespace,
    httpApi: parts.api.httpApi,
    httpStageName: parts.api.stage.stageName,
    vpcLink: parts.api.vpcLink,
    vpcLinkSecurityGroup: parts.api.vpcLinkSecurityGroup,
    alarmTopic: monitoring.topic.topic,
    originAuthorizerFunction: checks.function,
  }, { origin: checks.originAuthorizer.authorizerId, jwt: checks.jwtOriginAuthorizer.authorizerId });
  parameters.publish('hostedZoneId', zone.hostedZoneId);
  const longLivedOrigin = parts.longLivedOrigin;
  if (longLivedOrigin) {
    publishLongLivedParameters(parameters, longLivedOrigin.listener, longLivedOrigin.securityGroup.securityGroupId,
      [...props.entry.longLivedConnections!.pathSuffixes ?? DEFAULT_LONG_LIVED_PATH_SUFFIXES]);
  }

  const apiHost = regionalApiDomain(scope, { apiDomainName, certificate, httpApi: parts.api.httpApi, stage: parts.api.stage });
  const apiOriginDomainName = siblingValue(platform, stack, 'ApiOriginDomainName', apiHost, `the ${region} stack`);
  const what = `the ${region} stack`;
  const longLived: RegionalLongLivedOrigin | undefined = longLivedOrigin ? {
    vpcOriginId: siblingValue(platform, stack, 'LongLivedVpcOriginId', longLivedOrigin.vpcOrigin.vpcOriginId, what),
    securityGroupId: siblingValue(platform, stack, 'LongLivedSecurityGroupId', longLivedOrigin.securityGroup.securityGroupId, what),
    vpcId: siblingValue(platform, stack, 'VpcId', parts.network.vpc.vpcId, what),
    port: longLivedOrigin.port,
    // The load balancer's is api.<domain> (its certificate's name); the instance's is its own.
    originDomainName: Token.isUnresolved(longLivedOrigin.originDomainName)
      ? siblingValue(platform, stack, 'LongLivedOriginDomainName', longLivedOrigin.originDomainName, what)
      : longLivedOrigin.originDomainName,
    readTimeout: longLivedOrigin.readTimeout,
    needsAdmission: !longLivedOrigin.admitsCloudFront,
  } : undefined;
  return { region, stack, scope, parts, apiOriginDomainName, alarms: monitoring.alarms, longLived };
}
