import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { importedPlatformVpc } from './imported-vpc';
import { DEFAULT_LONG_LIVED_PATH_SUFFIXES, HTTP_STAGE_NAME, platformPath } from '../../contract/names';
import { ParameterKey, readParameter } from '../../contract/parameters';
import { IGlobalPlatform } from '../../contract/platform';
import { PropError } from '../../core/errors';
import { validateDnsName, validateDomainName, validateIntegerRange } from '../../core/validation';
import { routeAuthorizer } from '../../routing/private/front-door-authorizer';
import { validateLongLivedPathOptions } from '../../routing/private/long-lived-origin';
import { GlobalPlatformImportOptions } from '../import-options';

/**
 * A platform created in another app, read back from its SSM parameters. Each attribute is
 * built on first use, so a service's template only declares the parameters it really reads.
 * @internal
 */
export class ImportedGlobalPlatform extends Construct implements IGlobalPlatform {
  public readonly platformName: string;
  public readonly parameterPrefix: string;
  public readonly httpStageName = HTTP_STAGE_NAME;
  public readonly serviceSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  public readonly longLivedPathSuffixes: string[];
  private readonly options: GlobalPlatformImportOptions;
  private readonly cache = new Map<string, unknown>();

  constructor(scope: Construct, id: string, platformName: string, options: GlobalPlatformImportOptions) {
    super(scope, id);
    validateDnsName(this, 'platformName', platformName, 32);
    if (options?.domainName === undefined) {
      throw new PropError(this, 'domainName', undefined, 'the platform\'s domain is needed at synth, e.g. { domainName: \'georgi.io\' }'
        + ' (its host names go into CloudFront aliases, records and outputs)');
    }
    validateIntegerRange(this, 'availabilityZoneCount', options.availabilityZoneCount, 2, 6);
    validateDomainName(this, 'domainName', options.domainName);
    if (options.namespaceName !== undefined) validateDomainName(this, 'namespaceName', options.namespaceName);
    if (options.longLivedConnections) validateLongLivedPathOptions(this, 'longLivedConnections', options.longLivedConnections);
    this.platformName = platformName;
    this.parameterPrefix = platformPath(platformName);
    this.options = options;
    this.longLivedPathSuffixes = options.longLivedConnections
      ? (options.longLivedConnections.pathSuffixes ?? [...DEFAULT_LONG_LIVED_PATH_SUFFIXES]) : [];
  }

  public get domainName(): string {
    return this.options.domainName;
  }

  public get serviceAssignPublicIp(): string {
    return this.read('serviceAssignPublicIp');
  }

  public get apiDomainName(): string {
    return `api.${this.domainName}`;
  }

  public get hostedZone(): route53.IHostedZone {
    return this.once('hostedZone', () => route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
      hostedZoneId: this.read('hostedZoneId'),
      zoneName: this.domainName,
    }));
  }

  public get certificate(): acm.ICertificate {
    return this.once('certificate', () => acm.Certificate.fromCertificateArn(this, 'Certificate', this.read('certificateArn')));
  }

  public get edgeCertificate(): acm.ICertificate {
    return this.once('edgeCertificate', () =>
      acm.Certificate.fromCertificateArn(this, 'EdgeCertificate', this.read('edgeCertificateArn')));
  }

  public get vpc(): ec2.IVpc {
    // Each attribute is read when first used: the template declares only what it needs.
    const item = (key: ParameterKey) => (i: number) => this.list(key)[i];
    return this.once('vpc', () => importedPlatformVpc(this, 'Vpc', {
      vpcId: () => this.read('vpcId'),
      vpcCidr: () => this.read('vpcCidr'),
      zone: item('availabilityZones'),
      publicSubnetId: item('publicSubnetIds'),
      publicRouteTableId: item('publicSubnetRouteTableIds'),
      serviceSubnetId: item('serviceSubnetIds'),
      serviceRouteTableId: item('serviceSubnetRouteTableIds'),
      zoneCount: this.options.availabilityZoneCount ?? 2,
    }));
  }

  public get namespace(): servicediscovery.IPrivateDnsNamespace {
    return this.once('namespace', () => {
      const namespaceId = this.read('namespaceId');
      // The name and ARN follow from what is known (no parameters that the template would not use).
      return servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'Namespace', {
        namespaceId,
        namespaceName: this.options.namespaceName ?? `${this.platformName}.internal`,
        namespaceArn: Stack.of(this).formatArn({
          service: 'servicediscovery', resource: 'namespace', resourceName: namespaceId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      });
    });
  }

  public get cluster(): ecs.ICluster {
    return this.once('cluster', () => ecs.Cluster.fromClusterAttributes(this, 'Cluster', {
      // The ARN follows from the name (aws-cdk-lib formats it).
      clusterName: this.read('clusterName'),
      vpc: this.vpc,
      securityGroups: [],
      defaultCloudMapNamespace: this.namespace,
    }));
  }

  public get httpApi(): apigwv2.IHttpApi {
    return this.once('httpApi', () => {
      const httpApiId = this.read('httpApiId');
      return apigwv2.HttpApi.fromHttpApiAttributes(this, 'HttpApi', {
        httpApiId,
        // An HTTP API's default endpoint: https://<id>.execute-api.<region>.<url suffix>.
        apiEndpoint: `https://${httpApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
      });
    });
  }

  public get vpcLink(): apigwv2.IVpcLink {
    return this.once('vpcLink', () => apigwv2.VpcLink.fromVpcLinkAttributes(this, 'VpcLink', {
      vpcLinkId: this.read('vpcLinkId'),
      vpc: this.vpc,
    }));
  }

  public get vpcLinkSecurityGroup(): ec2.ISecurityGroup {
    return this.once('vpcLinkSecurityGroup', () => ec2.SecurityGroup.fromSecurityGroupId(this, 'VpcLinkSecurityGroup',
      this.read('vpcLinkSecurityGroupId'), { mutable: false }));
  }

  public get frontDoor(): cloudfront.IDistribution {
    return this.once('frontDoor', () => cloudfront.Distribution.fromDistributionAttributes(this, 'FrontDoor', {
      distributionId: this.read('frontDoorDistributionId'),
      domainName: this.read('frontDoorDomainName'),
    }));
  }

  public get originSecret(): secretsmanager.ISecret {
    return this.once('originSecret', () => secretsmanager.Secret.fromSecretCompleteArn(this, 'OriginSecret', this.read('originSecretArn')));
  }

  public get originAuthorizerFunction(): lambda.IFunction {
    return this.once('originAuthorizerFunction', () => lambda.Function.fromFunctionAttributes(this, 'OriginAuthorizerFunction', {
      functionArn: this.read('originAuthorizerFunctionArn'),
      sameEnvironment: true,
      // The platform allows API Gateway to call it for every authorizer of its API.
      skipPermissions: true,
    }));
  }

  public get longLivedListener(): elbv2.IApplicationListener | undefined {
    if (!this.options.longLivedConnections || this.proxyOrigin) return undefined;
    return this.once('longLivedListener', () => elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'LongLivedListener', {
      listenerArn: this.read('longLivedListenerArn'),
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'LongLivedSecurityGroup',
        this.read('longLivedSecurityGroupId'), { mutable: false }),
    }));
  }

  public get longLivedProxySecurityGroup(): ec2.ISecurityGroup | undefined {
    if (!this.proxyOrigin) return undefined;
    return this.once('longLivedProxySecurityGroup', () => ec2.SecurityGroup.fromSecurityGroupId(this, 'LongLivedProxySecurityGroup',
      this.read('longLivedProxySecurityGroupId'), { mutable: false }));
  }

  /** The platform's long-lived origin is the proxy instance (the import's `longLivedConnections.origin`). */
  private get proxyOrigin(): boolean {
    return this.options.longLivedConnections?.origin?.kind === 'proxy-instance';
  }

  public get regionRouterStore(): cloudfront.IKeyValueStore | undefined {
    if (!this.options.multiRegion) return undefined;
    return this.once('regionRouterStore', () => cloudfront.KeyValueStore.fromKeyValueStoreArn(this, 'RegionRouterStore',
      this.read('regionRouterStoreArn')));
  }

  public get alarmTopic(): sns.ITopic {
    return this.once('alarmTopic', () => sns.Topic.fromTopicArn(this, 'AlarmTopic', this.read('alarmTopicArn')));
  }

  public get originAuthorizer(): apigwv2.IHttpRouteAuthorizer {
    return this.once('originAuthorizer', () => routeAuthorizer(this.read('originAuthorizerId')));
  }

  public get jwtOriginAuthorizer(): apigwv2.IHttpRouteAuthorizer {
    return this.once('jwtOriginAuthorizer', () => routeAuthorizer(this.read('jwtOriginAuthorizerId')));
  }

  private read(key: ParameterKey): string {
    return readParameter(this, this.platformName, key);
  }

  /** One list per key: the same tokens on every read (subnet filters compare them). */
  private list(key: ParameterKey): string[] {
    return this.once(`list:${key}`, () => Fn.split(',', this.read(key), this.options.availabilityZoneCount ?? 2));
  }

  private once<T>(key: string, create: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, create());
    return this.cache.get(key) as T;
  }
}
