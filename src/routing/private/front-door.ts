import { Duration, SecretValue, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from './origin-check';
import { REGION_LONG_LIVED_PREFIX, REGION_PREFIX, routerFunctionCode } from './regions/router-code';
import { addNagSuppressions } from '../../core/nag';

/** @internal */
export interface FrontDoorProps {
  readonly platformName: string;
  readonly apiDomainName: string;
  readonly hostedZone: route53.IHostedZone;
  /** us-east-1 certificate for `apiDomainName`. */
  readonly certificate: acm.ICertificate;
  readonly httpApi: apigwv2.IHttpApi;
  readonly priceClass: cloudfront.PriceClass;
  /** The WebSocket-capable origin and the path patterns routed to it; undefined: none. */
  readonly longLivedOrigin?: cloudfront.IOrigin;
  readonly longLivedPathPatterns: string[];
  readonly webAclArn?: string;
  readonly accessLogsBucket?: s3.IBucket;
  /** The secret sent to the HTTP API in `x-origin-verify`. */
  readonly originSecret: secretsmanager.ISecret;
  /** The staging label of its value for CloudFront (it must exist when the distribution is deployed). */
  readonly originSecretStage: string;
  /** What attaches that label; the distribution is deployed after it. */
  readonly originSecretStageResource: IConstruct;
  /** Several Regions behind the front door (ADR 15). @default - one Region */
  readonly regions?: FrontDoorRegions;
}

/** The Regions behind a front door with `additionalRegions` (ADR 15). @internal */
export interface FrontDoorRegions {
  readonly primaryRegion: string;
  /** The primary's HTTP API under `api.<domain>` (its Regional custom domain's host). */
  readonly primaryApiOriginDomainName: string;
  /** Each additional Region's HTTP API under `api.<domain>`, by Region. */
  readonly apiOriginDomainNames: Readonly<Record<string, string>>;
  /** The router's store of registrations and drained Regions. */
  readonly store: cloudfront.IKeyValueStore;
  /** The long-lived behaviours' last path segments. */
  readonly longLivedPathSuffixes: string[];
  /**
   * The long-lived origin of each additional Region that has one, by Region (its id must be
   * `longLivedOriginId(region)`): the router selects it for a long-lived path.
   * @default - none: long-lived paths stay with the primary
   */
  readonly longLivedOrigins?: Readonly<Record<string, cloudfront.IOrigin>>;
}

/** The distribution's origin id of a Region's API origin (the router selects it by this id). @internal */
export function apiOriginId(region: string): string {
  return `api-${region}`;
}

/** The distribution's origin id of an additional Region's long-lived origin (the router selects it by this id). @internal */
export function longLivedOriginId(region: string): string {
  return `ll-${region}`;
}


/**
 * The one public entry of `api.<domain>`: a CloudFront distribution whose default behaviour is
 * the central HTTP API, and whose long-lived path patterns (`/*\/ws`, `/*\/mcp`, ...) go to
 * the internal ALB through a VPC origin, so that WebSockets and streams longer than the HTTP
 * API's 30 s limit work on the same host name. Nothing is cached.
 *
 * @see docs/adr/0002-front-door.md
 * @internal
 */
export class FrontDoor extends Construct {
  public readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // The HTTP API's own endpoint; CloudFront must send the API's host name, never the viewer's
    // (with several Regions: each Region's API under api.<domain>, the viewer's host).
    const regions = props.regions;
    const apiOrigin = this.apiOrigin(props, regions?.primaryApiOriginDomainName
      ?? `${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, regions ? apiOriginId(regions.primaryRegion) : undefined);

    // The viewer's address for every origin, in a header no client can set: X-Forwarded-For's
    // left-most entries are the client's own, and whether API Gateway appends to it is not
    // documented. A CloudFront Function on each viewer request (JavaScript 2.0 runtime).
    // Cost: $0.10 per million requests (2 million a month free).
    // With several Regions the same function also routes each request (routerFunctionCode), with
    // the store of registrations; no more invocations than before.
    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      comment: regions
        ? `${props.platformName}: sets ${VIEWER_ADDRESS_HEADER} and sends each request to the nearest region its service runs in`
        : `${props.platformName}: sets ${VIEWER_ADDRESS_HEADER} to the viewer's IP address`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(regions ? routerFunctionCode({
        primaryRegion: regions.primaryRegion,
        apiOriginIds: Object.fromEntries(Object.keys(regions.apiOriginDomainNames).map(r => [r, apiOriginId(r)])),
        longLivedOriginIds: Object.fromEntries(Object.keys(regions.longLivedOrigins ?? {}).map(r => [r, longLivedOriginId(r)])),
        longLivedPathSuffixes: regions.longLivedPathSuffixes,
      }) : [
        'function handler(event) {',
        '  var request = event.request;',
        `  request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };`,
        '  return request;',
        '}',
      ].join('\n')),
      keyValueStore: regions?.store,
    });
    const functionAssociations = [{ function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }];

    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // With several Regions: the viewer's location for the router (CloudFront-Viewer-Latitude
      // and -Longitude reach a function only when a policy of the behaviour forwards them), and
      // the viewer's Host, which each Region's API accepts under api.<domain>.
      originRequestPolicy: regions
        ? cloudfront.OriginRequestPolicy.ALL_VIEWER_AND_CLOUDFRONT_2022
        : cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      compress: false,
      functionAssociations,
    };

    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    if (regions) {
      // One behaviour per Region: it puts the Region's API origin into the distribution (the
      // router selects it by id), and /_region/<region>/<path> reaches that Region directly
      // (the router strips the prefix): for checks of one Region, drained or not.
      additionalBehaviors[`${REGION_PREFIX}${regions.primaryRegion}/*`] = apiBehavior;
      for (const [region, domainName] of Object.entries(regions.apiOriginDomainNames)) {
        additionalBehaviors[`${REGION_PREFIX}${region}/*`] = { ...apiBehavior, origin: this.apiOrigin(props, domainName, apiOriginId(region)) };
      }
    }
    if (props.longLivedOrigin) {
      const regionalLongLived = Object.entries(regions?.longLivedOrigins ?? {});
      const longLivedBehavior: cloudfront.BehaviorOptions = {
        origin: props.longLivedOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // WebSocket handshakes need the Sec-WebSocket-* headers; the ALB sees api.<domain>.
        // With long-lived origins in other Regions the router needs the viewer's location too.
        originRequestPolicy: regionalLongLived.length > 0
          ? cloudfront.OriginRequestPolicy.ALL_VIEWER_AND_CLOUDFRONT_2022
          : cloudfront.OriginRequestPolicy.ALL_VIEWER,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: false,
        functionAssociations,
      };
      // One behaviour per Region with a long-lived origin, before the long-lived patterns (which
      // match /_region-ll/<region>/<service>/ws too): it puts the origin into the distribution
      // (the router selects it by id), and /_region-ll/<region>/<path> reaches it directly.
      for (const [region, origin] of regionalLongLived) {
        additionalBehaviors[`${REGION_LONG_LIVED_PREFIX}${region}/*`] = { ...longLivedBehavior, origin };
      }
      for (const pattern of props.longLivedPathPatterns) {
        additionalBehaviors[pattern] = longLivedBehavior;
      }
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${props.platformName} front door: api`,
      domainNames: [props.apiDomainName],
      certificate: props.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass,
      webAclId: props.webAclArn,
      enableLogging: props.accessLogsBucket !== undefined,
      logBucket: props.accessLogsBucket,
      logFilePrefix: props.accessLogsBucket ? 'cloudfront/api/' : undefined,
      defaultBehavior: apiBehavior,
      additionalBehaviors,
    });

    this.distribution.node.addDependency(props.originSecretStageResource);

    const suppressions = [{
      id: 'AwsSolutions-CFR1',
      reason: 'the platform API serves clients worldwide; restrict countries with the WAF if a service needs it',
    }];
    if (!props.accessLogsBucket) {
      suppressions.push({
        id: 'AwsSolutions-CFR3',
        reason: 'CloudFront access logs are off because the GlobalPlatform prop accessLogs is false; the HTTP API keeps JSON access logs',
      });
    }
    if (!props.webAclArn) {
      suppressions.push({
        id: 'AwsSolutions-CFR2',
        reason: 'the WAF is off because the GlobalPlatform prop waf is not set (saves about $9 a month; waf: {} turns it on)',
      });
    }
    addNagSuppressions(this.distribution, suppressions);

    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'AliasRecord', { zone: props.hostedZone, recordName: props.apiDomainName, target });
    new route53.AaaaRecord(this, 'AliasRecordIpv6', { zone: props.hostedZone, recordName: props.apiDomainName, target });
  }

  private apiOrigin(props: FrontDoorProps, domainName: string, originId: string | undefined): cloudfront.IOrigin {
    return new origins.HttpOrigin(domainName, {
      originId,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // A little above the HTTP API's own 30 s integration limit, so that API Gateway's answer
      // (its 504 and JSON body) reaches the client rather than a CloudFront timeout page.
      readTimeout: Duration.seconds(35),
      // The service routes refuse requests without it (a direct call to execute-api). The
      // template holds a dynamic reference to the secret, which CloudFormation resolves at
      // deploy time; CloudFront replaces a viewer's header of that name with its own.
      // The reference names a staging label (originSecretRotation, or the default one), so the
      // template text changes with originSecretRotation and CloudFormation reads the secret again,
      // and the checks know which version CloudFront sends, however often AWSCURRENT moved since.
      // Every Region's checks read the same secret (their Region's replica of it).
      customHeaders: {
        [ORIGIN_VERIFY_HEADER]: SecretValue.secretsManager(props.originSecret.secretArn, {
          versionStage: props.originSecretStage,
        }).unsafeUnwrap(),
      },
    });

  }
}
