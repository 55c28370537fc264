import { Lazy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { HTTP_STAGE_NAME } from '../../contract/names';
import { validateIntegerRange } from '../../core/validation';

/** @internal */
export interface CentralApiProps {
  readonly platformName: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly accessLogGroup: logs.ILogGroup;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly detailedMetrics: boolean;
}

/**
 * JSON access log line of the central API: one object per request.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
});

/**
 * The central HTTP API behind `api.<domain>`: a `$default` stage with auto-deploy, JSON access
 * logs and default throttling, and a VPC link into the private subnets.
 *
 * No `$default` route is ever added: a path that no service claimed answers 404.
 *
 * @internal
 */
export class CentralApi extends Construct {
  public readonly httpApi: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly vpcLink: apigwv2.VpcLink;
  public readonly vpcLinkSecurityGroup: ec2.SecurityGroup;
  /** Route key -> settings, in CloudFormation's own spelling (RouteSettings is raw JSON in the L1). */
  private readonly routeSettings = new Map<string, Record<string, number | boolean>>();
  private readonly detailedMetrics: boolean;

  constructor(scope: Construct, id: string, props: CentralApiProps) {
    super(scope, id);
    this.detailedMetrics = props.detailedMetrics;

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${props.platformName}-api`,
      description: `central API of the ${props.platformName} platform; services add their routes under their own base path`,
      createDefaultStage: false,
    });

    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: HTTP_STAGE_NAME,
      autoDeploy: true,
      detailedMetricsEnabled: props.detailedMetrics,
      throttle: {
        rateLimit: props.throttlingRateLimit,
        burstLimit: props.throttlingBurstLimit,
      },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(props.accessLogGroup),
        format: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    // Per-route settings (throttling) that services add; rendered at synth time.
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.routeSettings = Lazy.any({
      produce: () => this.routeSettings.size === 0 ? undefined : Object.fromEntries(this.routeSettings),
    });

    // The VPC link's ENIs may only talk to services inside the VPC; services open their port to
    // this security group (and only to it).
    this.vpcLinkSecurityGroup = new ec2.SecurityGroup(this, 'VpcLinkSecurityGroup', {
      vpc: props.vpc,
      description: `${props.platformName} central API VPC link: reaches service ports only`,
      allowAllOutbound: false,
    });
    // Egress to the VPC only: services in another app cannot add rules to this group.
    this.vpcLinkSecurityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.allTcp(),
      'to service tasks in the VPC');
    this.vpcLink = new apigwv2.VpcLink(this, 'VpcLink', {
      vpc: props.vpc,
      subnets: props.subnets,
      securityGroups: [this.vpcLinkSecurityGroup],
      vpcLinkName: `${props.platformName}-vpc-link`,
    });
  }

  /**
   * Throttles one route (e.g. `ANY /jessica/{proxy+}`) on the `$default` stage.
   *
   * `AWS::ApiGatewayV2::Stage.RouteSettings` is a raw JSON map in the L1, so its entries are
   * written in CloudFormation's PascalCase here (CDK does not convert them). A route setting
   * replaces the stage defaults for that route, so it repeats the stage's detailed-metrics flag
   * (the per-service alarms read route-level metrics). API Gateway refuses settings for a route
   * key that does not exist yet: pass the `routes` when they are in this stack, and the stage
   * is deployed after them.
   */
  public throttleRoute(routeKey: string, rateLimit: number, burstLimit: number, routes: IConstruct[] = []): void {
    this.routeSettings.set(routeKey, {
      ThrottlingRateLimit: rateLimit,
      ThrottlingBurstLimit: burstLimit,
      DetailedMetricsEnabled: this.detailedMetrics,
    });
    for (const route of routes) this.stage.node.addDependency(route);
  }
}

/**
 * A throttling rate and burst within API Gateway's account limits (10,000 requests per second,
 * burst 5,000), for the stage or one route.
 * @internal
 */
export function validateThrottling(scope: IConstruct, rateProp: string, rate: number | undefined,
  burstProp: string, burst: number | undefined): void {
  validateIntegerRange(scope, rateProp, rate, 1, 10_000);
  validateIntegerRange(scope, burstProp, burst, 1, 5_000);
}
