import { Annotations, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { kvsWriterCode } from './kvs-writer-code';
import { IGlobalPlatform } from '../../../contract/platform';
import { ControlWaivers } from '../../../core/controls';
import { PropError } from '../../../core/errors';
import { createInlineFunction } from '../../../core/inline-function';
import { addNagSuppressions } from '../../../core/nag';

/**
 * The data-plane actions the writer needs on the router's KeyValueStore (Service Authorization
 * Reference, "Amazon CloudFront KeyValueStore", prefix `cloudfront-keyvaluestore`, resource type
 * `key-value-store`): the store's ETag, and the two writes.
 * @internal
 */
export const KVS_WRITER_ACTIONS = [
  'cloudfront-keyvaluestore:DescribeKeyValueStore',
  'cloudfront-keyvaluestore:PutKey',
  'cloudfront-keyvaluestore:DeleteKey',
  // A delete reads the key first: only the registration that wrote it removes it.
  'cloudfront-keyvaluestore:GetKey',
];

/** The custom resource type of a registration. @internal */
export const REGION_REGISTRATION_TYPE = 'Custom::RegionRegistration';

/** The stack-root construct id of the registration function that every service in a stack shares. @internal */
export const REGION_REGISTRATION_WRITER_ID = 'PlatformRegionRegistrationWriter';

interface KvsWriterProps {
  readonly description: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly environment?: Record<string, string>;
}

/**
 * A function with the writer's code (`createInlineFunction`; the store's actions are granted
 * with `grantKvsWrites`). It runs at deploy, at delete and on an alarm: a few invocations a month
 * (Lambda free tier).
 */
class KvsWriter extends Construct {
  public readonly handler: lambda.Function;
  public readonly role: iam.Role;
  /** The last registration made with this function (the stack's registrations run one after another). */
  public lastRegistration?: RegionRegistration;

  constructor(scope: Construct, id: string, props: KvsWriterProps) {
    super(scope, id);
    ControlWaivers.applyTo(this);
    ({ handler: this.handler, role: this.role } = createInlineFunction(this, {
      code: kvsWriterCode(),
      description: props.description,
      logGroupId: 'Logs',
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: props.environment,
      // The handler answers CloudFormation 5 s before this; each call to the store gives up after 10 s.
      timeout: Duration.minutes(2),
    }));
  }

  /** Lets the function describe `store` and put and delete its keys (a repeated grant is merged by the policy). */
  public grantKvsWrites(store: cloudfront.IKeyValueStore): void {
    this.role.addToPolicy(new iam.PolicyStatement({ actions: KVS_WRITER_ACTIONS, resources: [store.keyValueStoreArn] }));
  }
}

/** Properties of `RegionRegistration`. @internal */
export interface RegionRegistrationProps {
  /** The front door's router store (`IGlobalPlatform.regionRouterStore`). */
  readonly store: cloudfront.IKeyValueStore;
  /** The service registered in the stack's Region. */
  readonly serviceName: string;
  /**
   * The service's long-lived paths are served in this Region (its load balancer rules or proxy
   * routes exist here): the key `l/<service>/<region>` lets the router send them here.
   * @default false
   */
  readonly longLived?: boolean;
  /**
   * Retention of the registration function's log group (one function per stack: the first
   * registration in the stack sets it).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Registers a service in its stack's Region in the front door's router store (issue 24, ADR 15):
 * a custom resource that puts `s/<service>/<region>` at create and deletes it at delete, so the
 * front door sends the service's requests to the nearest Region it runs in without a platform
 * deploy. The function behind it is one per stack (shared by every service in the stack). A
 * stack's registrations depend on one another in the order they were made (each on the one
 * before): CloudFormation runs them one at a time, so they never race each other for the
 * store's ETag (other stacks' writers still may: the writer retries a conflict).
 *
 * Cost: about $0 a month (a few Lambda invocations per deploy, within the free tier; a
 * KeyValueStore write costs about $0.001).
 * @internal
 */
export class RegionRegistration extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: RegionRegistrationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const existing = stack.node.tryFindChild(REGION_REGISTRATION_WRITER_ID);
    if (existing !== undefined && !(existing instanceof KvsWriter)) {
      throw new Error(`${stack.node.path}/${REGION_REGISTRATION_WRITER_ID} is not the region registration function: the id is reserved`);
    }
    const writer = existing ?? new KvsWriter(stack, REGION_REGISTRATION_WRITER_ID, {
      description: 'registers the stack\'s services in the platform front door\'s router store (at deploy, and removes them at delete)',
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // A service's log groups go with the service (as its other functions' do).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    writer.grantKvsWrites(props.store);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: writer.handler.functionArn,
      resourceType: REGION_REGISTRATION_TYPE,
      // LongLived only when true: a registration without long-lived paths keeps its properties.
      properties: { StoreArn: props.store.keyValueStoreArn, ServiceName: props.serviceName, ...props.longLived ? { LongLived: 'true' } : {} },
    });
    // The function (GetAtt) already depends on its role and the role's policy: the registration runs with the grant in place.
    // The stack's registrations one after another (and deleted in the reverse order): the store's
    // ETag is one for the whole store, so parallel writes of one stack would only conflict.
    if (writer.lastRegistration) this.resource.node.addDependency(writer.lastRegistration.resource);
    writer.lastRegistration = this;
  }
}

/**
 * A service's registration in its stack's Region (construct id `RegionRegistration` under
 * `scope`) when the platform routes between Regions (`regionRouterStore`), made after `after`
 * (the service's routes and what its target needs to serve, such as the ECS service: a Region is
 * announced once they exist, and withdrawn before they are removed). Nothing for a one-Region platform, nor when `enabled` is false (`regionRouting`;
 * undefined means true); with a warning when `enabled` is true and the platform has no router
 * (imported without `multiRegion`). Nothing, with a warning, when the base path does not start
 * with the service name (the router reads the first path segment as the service).
 * @internal
 */
export function registerServiceRegion(scope: Construct, platform: IGlobalPlatform, serviceName: string, basePath: string,
  after: IConstruct[], logRetention?: logs.RetentionDays, enabled?: boolean, longLived = false): RegionRegistration | undefined {
  const store = platform.regionRouterStore;
  if (store === undefined && enabled === true) {
    Annotations.of(scope).addWarningV2('@georgi-io/platform-constructs:regionRoutingWithoutRouter',
      'regionRouting has no effect: the platform has no region router here (a platform with additionalRegions, imported with'
      + ' GlobalPlatform.fromPlatformName(..., { multiRegion: true }), has one)');
  }
  if (store === undefined || enabled === false) return undefined;
  // The router looks a request's service up by the first segment of its path: a registration
  // under another name would route another service's paths (or none).
  const segment = basePath.split('/')[1];
  if (!Token.isUnresolved(basePath) && segment !== serviceName) {
    Annotations.of(scope).addWarningV2('@georgi-io/platform-constructs:regionRoutingBasePath',
      `the front door picks a Region by the first segment of the path ("${segment}" of ${basePath}), not ${serviceName}:`
      + ` the service is not registered in this region and its requests go to the platform's primary region. Use basePath "/${serviceName}" or "/${serviceName}/..." to route it between regions`);
    return undefined;
  }
  const registration = new RegionRegistration(scope, 'RegionRegistration', { store, serviceName, logRetention, longLived });
  registration.resource.node.addDependency(...after);
  return registration;
}

/** Properties of `RegionDrainAction`. @internal */
export interface RegionDrainActionProps {
  /** The front door's router store. @default - read from `storeArnParameter` when the alarm fires */
  readonly store?: cloudfront.IKeyValueStore;
  /**
   * The SSM parameter (in the function's Region) that holds the store's ARN, read when the alarm
   * fires: an additional Region's stack deploys before the store exists (ADR 15).
   * @default - `store`
   */
  readonly storeArnParameter?: string;
  readonly platformName: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN (the platform's log groups are kept) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The automatic drain of a Region: `alarmAction` (a CloudWatch Lambda alarm action) puts
 * `d/<region>` into the router store when the Region's health alarm goes into ALARM; the front
 * door then sends that Region's traffic to the next nearest Region or the primary. A return to
 * OK writes nothing: undraining is the documented command (an alarm that flaps would otherwise
 * move traffic back and forth). Draining the primary does nothing: the router never reads it.
 *
 * Cost: about $0 a month (an invocation per alarm, Lambda free tier).
 * @internal
 */
export class RegionDrainAction extends Construct {
  /** The alarm action: add it with `alarm.addAlarmAction(drain.alarmAction)`. */
  public readonly alarmAction: cloudwatch.IAlarmAction;
  public readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, props: RegionDrainActionProps) {
    super(scope, id);
    const writer = new KvsWriter(this, 'Writer', {
      description: `drains its Region in the ${props.platformName} front door's router store when the Region's health alarm fires`,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      environment: props.store ? { STORE_ARN: props.store.keyValueStoreArn } : { STORE_ARN_PARAMETER: props.storeArnParameter ?? '' },
    });
    if (props.store) {
      writer.grantKvsWrites(props.store);
    } else {
      if (!props.storeArnParameter) throw new PropError(this, 'store', undefined, 'give the store or the ssm parameter that holds its arn (storeArnParameter)');
      const stack = Stack.of(this);
      writer.role.addToPolicy(new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: props.storeArnParameter.replace(/^\//, '') })],
      }));
      const anyStore = `arn:${stack.partition}:cloudfront::${stack.account}:key-value-store/*`;
      writer.role.addToPolicy(new iam.PolicyStatement({ actions: KVS_WRITER_ACTIONS, resources: [anyStore] }));
      addNagSuppressions(writer.role, [{
        id: 'AwsSolutions-IAM5',
        reason: 'the router store is created by the platform\'s primary stack, which deploys after this region\'s stack: its arn is read from ssm when the alarm fires, so the grant names every store of the account (other platforms\' too); the function only writes d/<its region> into the store the parameter names',
        appliesTo: [`Resource::arn:<AWS::Partition>:cloudfront::${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}:key-value-store/*`],
      }], true);
    }
    this.handler = writer.handler;
    this.alarmAction = new actions.LambdaAction(writer.handler, { useUniquePermissionId: true });
  }
}
