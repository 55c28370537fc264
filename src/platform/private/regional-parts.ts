import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformCompute } from '../../compute/private/platform-compute';
import { notify } from '../../monitoring/private/alarm-helpers';
import { AlarmTopic } from '../../monitoring/private/alarm-topic';
import { PlatformLogs } from '../../monitoring/private/platform-logs';
import { PlatformMonitoring } from '../../monitoring/private/platform-monitoring';
import { NatType } from '../../network/nat-type';
import { PlatformNetworkOptions } from '../../network/network-options';
import { PlatformNetwork } from '../../network/private/platform-network';
import { CentralApi } from '../../routing/private/central-api';
import { createLongLivedOrigin, LongLivedOriginHandle } from '../../routing/private/long-lived-origins';
import { GlobalPlatformProps } from '../global-platform-props';

/**
 * What the regional parts of a platform are built from: the platform's props (the options all
 * Regions share) and one Region's network and long-lived origin.
 * @internal
 */
export interface RegionalPartsProps {
  /** The platform's props: logs, compute, API and monitoring options shared by every Region. */
  readonly platform: GlobalPlatformProps;
  /** This Region's network choices (the platform's own for the primary). */
  readonly network: PlatformNetworkOptions;
  /** The default VPC CIDR of this Region. */
  readonly defaultVpcCidr: string;
  /** This Region's long-lived origin. @default - none */
  readonly longLived?: GlobalPlatformProps['longLivedConnections'];
  /**
   * Open the long-lived origin to CloudFront in this Region's stack (see `createLongLivedOrigin`).
   * @default true
   */
  readonly longLivedAdmitsCloudFront?: boolean;
  /** Resource names that are per account, not per Region, carry this (`<platform>-<region>`). */
  readonly accountWidePrefix: string;
  /** The regional certificate for `<domain>` and `*.<domain>`. */
  readonly certificate: acm.ICertificate;
  readonly apiDomainName: string;
}

/** The regional parts, as built. @internal */
export interface RegionalParts {
  readonly logs: PlatformLogs;
  readonly network: PlatformNetwork;
  readonly compute: PlatformCompute;
  readonly api: CentralApi;
  readonly longLivedOrigin?: LongLivedOriginHandle;
}

/**
 * The parts of a platform that every Region has (issue 24, ADR 15): central logs, the network,
 * the cluster and namespace, the central HTTP API with its VPC link, and the optional long-lived
 * origin, with the construct ids `Logs`, `Network`, `Compute`, `Api` and `LongLivedOrigin` /
 * `LongLivedProxy` in `scope`: the platform itself for its own Region (the ids it always had),
 * a construct in the Region's sibling stack for each of `additionalRegions`.
 * @internal
 */
export function buildRegionalParts(scope: Construct, props: RegionalPartsProps): RegionalParts {
  const p = props.platform;
  const platformName = p.platformName;
  const removalPolicy = p.removalPolicy ?? RemovalPolicy.RETAIN;
  const logRetention = p.logRetention ?? logs.RetentionDays.ONE_MONTH;
  const net = props.network;

  const platformLogs = new PlatformLogs(scope, 'Logs', {
    platformName,
    retention: logRetention,
    flowLogs: p.flowLogs ?? true,
    accessLogs: p.accessLogs ?? false,
    removalPolicy,
  });

  const network = new PlatformNetwork(scope, 'Network', {
    platformName,
    cidr: net.vpcCidr ?? props.defaultVpcCidr,
    maxAzs: net.availabilityZones ? undefined : net.maxAzs ?? 2,
    availabilityZones: net.availabilityZones,
    natType: net.natType ?? NatType.GATEWAY,
    natGateways: net.natGateways ?? 1,
    interfaceEndpoints: net.interfaceEndpoints ?? false,
    flowLogGroup: platformLogs.flowLogGroup,
    flowLogTrafficType: p.flowLogTrafficType ?? ec2.FlowLogTrafficType.REJECT,
  });

  const compute = new PlatformCompute(scope, 'Compute', {
    platformName,
    vpc: network.vpc,
    namespaceName: p.namespaceName ?? `${platformName}.internal`,
    containerInsights: p.containerInsights ?? false,
  });

  const api = new CentralApi(scope, 'Api', {
    platformName,
    vpc: network.vpc,
    subnets: network.privateSubnets,
    accessLogGroup: platformLogs.apiAccessLogGroup,
    throttlingRateLimit: p.throttlingRateLimit ?? 100,
    throttlingBurstLimit: p.throttlingBurstLimit ?? 200,
    detailedMetrics: p.detailedMetrics ?? true,
  });
  if (p.detailedMetrics === false) {
    Annotations.of(scope).addWarningV2('@georgi-io/platform-constructs:detailedMetricsOff',
      'detailedMetrics is false: the per-service 5xx alarms and dashboard widgets read route-level metrics and will see no data');
  }

  const longLivedOrigin = props.longLived ? createLongLivedOrigin(scope, {
    platformName,
    accountWidePrefix: props.accountWidePrefix,
    vpc: network.vpc,
    subnets: network.privateSubnets,
    namespaceName: compute.namespace.namespaceName,
    certificate: props.certificate,
    originDomainName: props.apiDomainName,
    options: props.longLived,
    accessLogsBucket: platformLogs.accessLogsBucket,
    logRetention,
    removalPolicy,
    admitCloudFront: props.longLivedAdmitsCloudFront,
  }) : undefined;

  return { logs: platformLogs, network, compute, api, longLivedOrigin };
}

/** @internal */
export interface RegionalMonitoringProps {
  readonly platform: GlobalPlatformProps;
  readonly accountWidePrefix: string;
  readonly parts: RegionalParts;
  /** The regional certificate, when the platform uses it itself (watched for expiry). @default - none watched */
  readonly certificateInUse?: acm.ICertificate;
  /** A dashboard in this Region. */
  readonly dashboard: boolean;
  /** The drain alarm's minimum requests per period (an additional Region with autoDrain). @default - no drain alarm */
  readonly drainMinimumRequests?: number;
}

/** A Region's alarm topic, dashboard and alarms. @internal */
export interface RegionalMonitoring {
  readonly topic: AlarmTopic;
  readonly monitoring: PlatformMonitoring;
  /** Every alarm of the Region (API 5xx rate and p99 latency, instance alarms, certificate expiry, drain). */
  readonly alarms: cloudwatch.IAlarm[];
}

/**
 * A Region's alarm topic (`AlarmTopic`) and monitoring (`Monitoring`): the central API's 5xx
 * rate and p99 latency alarms, the NAT and proxy instances' alarms, the certificate's expiry.
 * @internal
 */
export function buildRegionalMonitoring(scope: Construct, props: RegionalMonitoringProps): RegionalMonitoring {
  const p = props.platform;
  const parts = props.parts;
  const topic = new AlarmTopic(scope, 'AlarmTopic', {
    platformName: p.platformName,
    emails: p.alarmEmails ?? [],
    removalPolicy: p.removalPolicy ?? RemovalPolicy.RETAIN,
  });
  const monitoring = new PlatformMonitoring(scope, 'Monitoring', {
    platformName: p.platformName,
    accountWidePrefix: props.accountWidePrefix,
    httpApi: parts.api.httpApi,
    topic: topic.topic,
    certificate: props.certificateInUse,
    serverErrorRatePercent: p.serverErrorRateThresholdPercent ?? 5,
    latencyP99: p.latencyP99Threshold ?? Duration.seconds(5),
    certificateExpiryDays: p.certificateExpiryThresholdDays ?? 30,
    dashboard: props.dashboard,
    clusterName: parts.compute.cluster.clusterName,
    drainMinimumRequests: props.drainMinimumRequests,
  });
  const instanceAlarms = [...parts.network.natInstanceAlarms, ...parts.longLivedOrigin?.alarms ?? []];
  const alarms: cloudwatch.IAlarm[] = [monitoring.serverErrorRateAlarm, monitoring.latencyAlarm, ...instanceAlarms];
  notify(instanceAlarms, topic.topic);
  if (monitoring.certificateExpiryAlarm) alarms.push(monitoring.certificateExpiryAlarm);
  if (monitoring.drainAlarm) alarms.push(monitoring.drainAlarm);
  return { topic, monitoring, alarms };
}
