import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { LongLivedOrigin, validateLongLivedOriginOptions } from './long-lived-origin';
import { LongLivedProxy, PROXY_PORT, validateProxyInstanceOptions } from './proxy/proxy-origin';
import { PropError } from '../../core/errors';
import { LongLivedOriginOptions } from '../long-lived-options';

/** What the platform needs of its long-lived origin, whichever kind it is. @internal */
export interface LongLivedOriginHandle {
  /** The front door's origin for the long-lived behaviours. */
  readonly origin: cloudfront.IOrigin;
  /** The origin's security group (published for services in other apps). */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The load balancer's listener; undefined for the proxy instance. */
  readonly listener?: elbv2.IApplicationListener;
  /** The proxy instance's security group; undefined for the load balancer. */
  readonly proxySecurityGroup?: ec2.ISecurityGroup;
  /** Alarms for the platform's topic. */
  readonly alarms: cloudwatch.Alarm[];
  /** Whether the origin serves the platform's regional certificate (TLS from CloudFront). */
  readonly usesCertificate: boolean;
  /** The VPC origin (a CloudFront resource) of the load balancer or instance. */
  readonly vpcOrigin: cloudfront.IVpcOrigin;
  /** The port CloudFront reaches the origin on (443, or 80 for plain HTTP inside the VPC). */
  readonly port: number;
  /** The domain name the front door's origin gives CloudFront for it. */
  readonly originDomainName: string;
  /** CloudFront's origin response timeout. */
  readonly readTimeout: Duration;
  /** Whether CloudFront was admitted to `securityGroup` here (else the platform's stack does it). */
  readonly admitsCloudFront: boolean;
  /** Makes the VPC origin security group look-up wait for the distribution. */
  lookUpAfter(distribution: IConstruct): void;
}

/** @internal */
export interface LongLivedOriginsProps {
  readonly platformName: string;
  readonly accountWidePrefix: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** The platform's Cloud Map namespace (the proxy instance resolves the services' SRV records in it). */
  readonly namespaceName: string;
  /** The platform's regional certificate (the load balancer's HTTPS listener). */
  readonly certificate: acm.ICertificate;
  readonly originDomainName: string;
  readonly options: LongLivedOriginOptions;
  readonly accessLogsBucket?: s3.IBucket;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Open the origin's port to CloudFront in this stack. False for an additional Region without
   * `originPeer`: its stack deploys before the front door, which makes CloudFront create its VPC
   * origin security group, and the platform's stack admits that group (ADR 15).
   * @default true
   */
  readonly admitCloudFront?: boolean;
}

/**
 * The platform's long-lived origin: the internal load balancer (`LongLivedOrigin`, the default)
 * or the proxy instance (`LongLivedProxy`, `LongLivedOriginType.proxyInstance()`).
 * @internal
 */
export function createLongLivedOrigin(scope: Construct, props: LongLivedOriginsProps): LongLivedOriginHandle {
  const options = props.options;
  const idleTimeout = options.idleTimeout ?? Duration.minutes(10);
  const readTimeout = options.readTimeout ?? Duration.seconds(60);
  // With a peer the rule is static: it is added in the origin's own stack in any case.
  const admitsCloudFront = props.admitCloudFront !== false || options.originPeer !== undefined;
  if (options.origin?.kind === 'proxy-instance') {
    const proxy = new LongLivedProxy(scope, 'LongLivedProxy', {
      platformName: props.platformName,
      accountWidePrefix: props.accountWidePrefix,
      vpc: props.vpc,
      subnets: props.subnets,
      namespaceName: props.namespaceName,
      options: options.origin.proxyOptions ?? {},
      idleTimeout,
      readTimeout,
      cloudFrontPeer: options.originPeer,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      accessLogsBucket: props.accessLogsBucket,
      admitCloudFront: admitsCloudFront,
    });
    return {
      origin: proxy.origin,
      vpcOrigin: proxy.vpcOrigin,
      port: PROXY_PORT,
      originDomainName: proxy.vpcOrigin.domainName!,
      readTimeout,
      admitsCloudFront,
      securityGroup: proxy.securityGroup,
      proxySecurityGroup: proxy.securityGroup,
      alarms: proxy.alarms,
      usesCertificate: false,
      lookUpAfter: d => proxy.lookUpAfter(d),
    };
  }
  const originTls = options.originTls ?? true;
  const alb = new LongLivedOrigin(scope, 'LongLivedOrigin', {
    platformName: props.platformName,
    accountWidePrefix: props.accountWidePrefix,
    vpc: props.vpc,
    subnets: props.subnets,
    certificate: originTls ? props.certificate : undefined,
    originDomainName: props.originDomainName,
    idleTimeout,
    readTimeout,
    accessLogsBucket: props.accessLogsBucket,
    cloudFrontPeer: options.originPeer,
    admitCloudFront: admitsCloudFront,
  });
  return {
    origin: alb.origin,
    vpcOrigin: alb.vpcOrigin,
    port: alb.port,
    originDomainName: alb.originDomainName,
    readTimeout,
    admitsCloudFront,
    securityGroup: alb.securityGroup,
    listener: alb.listener,
    alarms: [],
    usesCertificate: originTls,
    lookUpAfter: d => alb.lookUpAfter(d),
  };
}

/** The platform's `longLivedConnections`, either kind (`prop` is the options' name). @internal */
export function validateLongLivedConnections(scope: IConstruct, prop: string, options: LongLivedOriginOptions): void {
  validateLongLivedOriginOptions(scope, prop, options);
  if (options.origin?.kind !== 'proxy-instance') return;
  if (options.originTls === true) {
    throw new PropError(scope, `${prop}.originTls`, true, 'the proxy instance cannot hold an ACM certificate, so the hop from CloudFront'
      + ' to it is HTTP inside the VPC: leave originTls unset, or use LongLivedOriginType.APPLICATION_LOAD_BALANCER');
  }
  validateProxyInstanceOptions(scope, `${prop}.origin`, options.origin.proxyOptions ?? {});
}
