import { Annotations, ArnFormat, CfnOutput, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { servicePath, validateServiceName } from '../contract/names';
import { PlatformServiceProps } from '../contract/platform';
import { ControlWaivers } from '../core/controls';
import { PropError } from '../core/errors';
import { addNagSuppressions } from '../core/nag';
import { tagServiceResources } from '../core/tags';
import { isUnresolved, validateSiteFolder } from '../core/validation';
import { StaticSite } from '../frontend/static-site';
import { VIEWER_ADDRESS_HEADER } from '../routing/private/origin-check';
import { ContainerSecurityOptions } from '../service/container-security-options';
import { ContainerService } from '../service/container-service';
import { FargateTaskOptions } from '../service/fargate-task-options';
import { containerSecurityOptionsOf } from '../service/private/container-security';
import { fargateTaskOptionsOf } from '../service/private/fargate-task';
import { ServiceConnectOptions } from '../service/service-connect-options';
import { ServiceSchedule } from '../service/service-schedule';

/** Default ElevenLabs voice: "Jessica". */
const DEFAULT_VOICE_ID = 'cgSgspJ2msm6clMCkdW9';
/** Default ElevenLabs model. */
const DEFAULT_MODEL_ID = 'eleven_flash_v2_5';
/** The JSON field of the secret the service creates. */
const CREATED_SECRET_FIELD = 'api_key';
/** ElevenLabs voice ids as the container checks `DEFAULT_VOICE_ID` at startup (integ/jessica/src/config.ts). */
const VOICE_ID_PATTERN = /^[A-Za-z0-9]{10,40}$/;
/** ElevenLabs model ids as the container checks `DEFAULT_MODEL_ID` at startup, e.g. `eleven_flash_v2_5`. */
const MODEL_ID_PATTERN = /^[a-z0-9_]{2,64}$/;
/** Log levels the container accepts for `LOG_LEVEL` (pino; compared in lower case). */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Variables TtsService sets itself (or injects as a secret), with what to use instead. */
const RESERVED_ENVIRONMENT: Record<string, string> = {
  SERVICE_NAME: 'set by TtsService from serviceName; change serviceName instead',
  CONFIG_PARAMETER_NAME: 'set by TtsService to its settings parameter (settingsParameterName), the only one the task may write; it cannot be replaced',
  ROOT_PATH: 'set by TtsService to "/<serviceName>", the base path the routes forward; change serviceName instead',
  PORT: 'set by TtsService; use containerPort instead',
  HOST: 'set by TtsService to "0.0.0.0" so the load balancers reach the container; it cannot be replaced',
  ELEVENLABS_API_KEY: 'injected by TtsService from Secrets Manager; use elevenLabsSecret (and elevenLabsSecretField) instead, never a plain variable',
  ELEVEN_LABS_API_KEY: 'the container reads ELEVENLABS_API_KEY (and refuses to start with this misspelling while the key is empty);'
    + ' use elevenLabsSecret (and elevenLabsSecretField) instead',
  ELEVENLABS_BASE_URL: 'set by TtsService; use elevenLabsBaseUrl instead',
  DEFAULT_VOICE_ID: 'set by TtsService; use defaultVoiceId instead',
  DEFAULT_MODEL_ID: 'set by TtsService; use defaultModelId instead',
};

/**
 * Properties of a Jessica-style text-to-speech service: the platform (it needs
 * `longLivedConnections`), the service's name (e.g. `jessica`: base path `/jessica`, frontend
 * `jessica.<domain>`), the task options with TtsService's own defaults (see the class), how the
 * container runs (`ContainerSecurityOptions`, the same defaults as `ContainerService`), and the
 * ElevenLabs settings. Monthly costs are us-east-1 list prices.
 */
export interface TtsServiceProps extends PlatformServiceProps, FargateTaskOptions, ContainerSecurityOptions {
  /** The container image (Jessica contract: `/health`, `/api/v1/...`, `/ws`, `/mcp` under `ROOT_PATH`). */
  readonly image: ecs.ContainerImage;

  /**
   * The secret with the ElevenLabs API key, injected as `ELEVENLABS_API_KEY`. Import it with
   * its complete ARN (`Secret.fromSecretCompleteArn`; ECS resolves partial ARNs unreliably), and
   * with its KMS key when that is a customer managed key (`Secret.fromSecretAttributes({
   * secretCompleteArn, encryptionKey })`): the task's execution role is then allowed to decrypt.
   *
   * @default - a new secret (`$0.40` a month) whose `api_key` field holds
   *   `TtsService.PLACEHOLDER_API_KEY`: the service starts and reports the key as missing until
   *   you put the real key into the secret's `api_key` field and restart the tasks
   */
  readonly elevenLabsSecret?: secretsmanager.ISecret;

  /**
   * The JSON field of `elevenLabsSecret` that holds the key.
   *
   * @default - the whole secret string is the key (for a passed secret); `api_key` for the created one
   */
  readonly elevenLabsSecretField?: string;

  /**
   * The ElevenLabs API base URL (`ELEVENLABS_BASE_URL`): an `https://` URL on port 443, the only
   * port the task may connect out to.
   *
   * @default - the container's default (https://api.elevenlabs.io)
   */
  readonly elevenLabsBaseUrl?: string;

  /**
   * Default voice (`DEFAULT_VOICE_ID`).
   *
   * @default 'cgSgspJ2msm6clMCkdW9' (Jessica)
   */
  readonly defaultVoiceId?: string;

  /**
   * Default model (`DEFAULT_MODEL_ID`).
   *
   * @default 'eleven_flash_v2_5'
   */
  readonly defaultModelId?: string;

  /**
   * Port of the container (`PORT`).
   *
   * @default 9020
   */
  readonly containerPort?: number;

  /**
   * A local folder with the built web page; served on `<serviceName>.<domain>` with a generated
   * `config.json` naming the API and WebSocket URLs. The folder must exist and contain `index.html`.
   *
   * Cost: pennies a month at low traffic: S3 storage is $0.023 per GB-month (a page of a few MB is
   * well under a cent) and CloudFront's free tier covers 1 TB of data out a month.
   *
   * @default - no frontend
   */
  readonly frontendPath?: string;

  /**
   * A second Region for the web page: a replica bucket there and an origin group, as
   * `StaticSiteProps.replicaRegion` describes (two more stacks beside the service's stack, S3
   * Cross-Region Replication, failover on 500, 502, 503 and 504). Only with `frontendPath`.
   *
   * Cost: about a cent a month for a page of a few MB (replica storage $0.023 per GB-month,
   * replication PUTs $0.005 per 1,000 files, inter-Region transfer $0.02 per GB).
   *
   * @default - no replica
   */
  readonly frontendReplicaRegion?: string;

  /**
   * With a platform in several Regions: register this stack's Region in the front door's router
   * (see `ServiceRoutingOptions.regionRouting`). Off by default: the service pushes audio to the
   * browsers on its WebSocket, whose clients live in memory in the tasks they connected to (the
   * primary's, while no other Region registers the service), so a `POST /api/v1/tts` or MCP
   * `speak_text` served by another Region would reach no browser. Turn it on for an image that
   * shares its WebSocket clients across Regions.
   *
   * A `TtsService` needs a long-lived origin in its stack's Region: in an additional Region, the
   * platform's entry for it needs its own `longLivedConnections`, and the import there
   * `longLivedConnections` too.
   *
   * @default false
   */
  readonly regionRouting?: boolean;

  /**
   * Bucket for the frontend's access logs.
   *
   * @default - none
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Removal policy of the frontend bucket, the log group and the created ElevenLabs secret. A
   * retained secret keeps the key, and its name: a service created again under the same name
   * then needs `elevenLabsSecret` set to it. With `DESTROY` CloudFormation deletes the secret
   * without a recovery window: the key is gone at once.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Put the service in the platform's service mesh, as `ContainerService` does: other services
   * may then call its API at `http://<serviceName>` (its WebSocket hub stays in the task's memory,
   * so keep one task). See `ServiceConnectOptions`.
   *
   * Cost: no charge for Service Connect (the proxy runs inside the task); $0.20 a month for the
   * mesh 5xx-rate alarm.
   *
   * @default - not in the mesh
   */
  readonly serviceConnect?: ServiceConnectOptions;

  /**
   * Log retention.
   *
   * @default logs.RetentionDays.ONE_WEEK (as the original deployment)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Extra plain environment variables for the container.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/**
 * A complete Jessica-style text-to-speech service on the platform: a `ContainerService` with the
 * ElevenLabs key from Secrets Manager as `ELEVENLABS_API_KEY`, its routes under
 * `https://api.<domain>/<service>/*`, `wss://api.<domain>/<service>/ws` and the MCP endpoint
 * `/<service>/mcp` through the long-lived origin (no 30 s cut), a working-hours schedule, alarms,
 * and optionally its web page on `https://<service>.<domain>`.
 *
 * Where its defaults differ from `ContainerService`'s:
 * - `maxCapacity` is 1 (not 2): the service pushes audio to the browsers connected to its
 *   WebSocket (`POST /api/v1/tts`, MCP `speak_text`), and those connections live in one task;
 *   with two tasks, a request that API Gateway sends to the other task finds no browser. Raise
 *   it only for an image that shares its WebSocket clients across tasks (through Redis or SNS,
 *   say); synth warns otherwise.
 * - `schedule` is `ServiceSchedule.weekdays(7, 19)` (not always on), as the original
 *   deployment: one default task costs about $6.44 a month instead of about $18.02 (us-east-1).
 * - `containerPort` is 9020 (not 8080) and `logRetention` one week (not one month).
 * - `longLivedPaths` are always `/ws` and `/mcp`, and CORS allows the frontend's origin when
 *   there is a frontend.
 *
 * @example
 * new TtsService(stack, 'Jessica', {
 *   platform,
 *   serviceName: 'jessica',
 *   image: ecs.ContainerImage.fromAsset('service'),
 *   frontendPath: 'web/dist',
 * });
 */
export class TtsService extends Construct {
  /**
   * What the secret that `TtsService` creates holds in its `api_key` field until you put the real
   * key in. Not empty: AWS documents nothing on how ECS injects an empty JSON field
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html),
   * and a task that cannot start would roll the first deployment back. The reference service
   * treats this value as "no key": `/health` reports `elevenlabs_api_key: false` and speech
   * answers 503 until the key is there.
   *
   * It never changes: CloudFormation generates a new secret value when the secret's
   * `GenerateSecretString` changes, which would overwrite a key that an operator put in.
   */
  public static readonly PLACEHOLDER_API_KEY = 'replace-with-your-elevenlabs-api-key';

  /** The container service (Fargate service, routes, scaling, alarms). */
  public readonly containerService: ContainerService;

  /** The secret with the ElevenLabs API key. */
  public readonly elevenLabsSecret: secretsmanager.ISecret;

  /**
   * The name of the SSM parameter where the service keeps the settings changed through
   * `POST /api/v1/config` (JSON), so they survive restarts and are shared by all tasks:
   * `/platform/<platformName>/services/<serviceName>/settings`.
   *
   * It is not a CloudFormation resource: the service creates it at its first write (until then
   * the environment's defaults apply), so no template change or stack deletion resets what was
   * saved. Delete it by hand after removing the service for good.
   */
  public readonly settingsParameterName: string;

  /** The ARN of `settingsParameterName`, for grants. */
  public readonly settingsParameterArn: string;

  /** The web page. @default - undefined without `frontendPath` */
  public readonly frontend?: StaticSite;

  /** `https://api.<domain>/<service>`. */
  public readonly apiUrl: string;

  /** `wss://api.<domain>/<service>/ws`. */
  public readonly webSocketUrl: string;

  /** `https://api.<domain>/<service>/mcp`. */
  public readonly mcpUrl: string;

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the service's properties
   */
  constructor(scope: Construct, id: string, props: TtsServiceProps) {
    super(scope, id);
    ControlWaivers.applyTo(this);
    validateServiceName(this, 'serviceName', props.serviceName);
    if (!props.platform.longLivedListener && !props.platform.longLivedProxySecurityGroup) {
      throw new PropError(this, 'platform', props.platform.platformName, 'TtsService serves WebSockets and MCP streams: the platform needs'
        + ' longLivedConnections (or, imported, GlobalPlatform.fromPlatformName(..., { longLivedConnections: {} })); in an additional region,'
        + ' that region\'s entry of additionalRegions needs its own longLivedConnections');
    }
    if (props.elevenLabsSecretField !== undefined && !props.elevenLabsSecret) {
      throw new PropError(this, 'elevenLabsSecretField', props.elevenLabsSecretField, 'only used with elevenLabsSecret');
    }
    if (props.elevenLabsBaseUrl !== undefined && !Token.isUnresolved(props.elevenLabsBaseUrl)
      && !/^https:\/\/[^\s/:]+(:443)?(\/\S*)?$/.test(props.elevenLabsBaseUrl)) {
      throw new PropError(this, 'elevenLabsBaseUrl', props.elevenLabsBaseUrl,
        'expected an https:// URL on the default port (the task may connect out only on 443)');
    }
    this.validateProps(props);

    const platform = props.platform;
    const basePath = `/${props.serviceName}`;
    this.apiUrl = `https://${platform.apiDomainName}${basePath}`;
    this.webSocketUrl = `wss://${platform.apiDomainName}${basePath}/ws`;
    this.mcpUrl = `${this.apiUrl}/mcp`;
    const frontendUrl = props.frontendPath ? `https://${props.serviceName}.${platform.domainName}` : undefined;

    if (props.elevenLabsSecret) {
      this.elevenLabsSecret = props.elevenLabsSecret;
    } else {
      const created = new secretsmanager.Secret(this, 'ElevenLabsApiKey', {
        secretName: `${servicePath(platform.platformName, props.serviceName)}/elevenlabs-api-key`,
        description: `ElevenLabs API key of ${props.serviceName}: put the key into the "${CREATED_SECRET_FIELD}" field`,
        // No secret value in the template: a placeholder key field and a random filler.
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ [CREATED_SECRET_FIELD]: TtsService.PLACEHOLDER_API_KEY }),
          generateStringKey: 'unused',
        },
        // The operator's key lives here: kept when the stack goes, unless told otherwise.
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      addNagSuppressions(created, [{
        id: 'AwsSolutions-SMG4',
        reason: 'an ElevenLabs API key is issued by ElevenLabs; Secrets Manager cannot rotate it, the operator replaces it',
      }]);
      this.elevenLabsSecret = created;
    }
    const secretField = props.elevenLabsSecretField ?? (props.elevenLabsSecret ? undefined : CREATED_SECRET_FIELD);

    // Settings changed at run time live here, not on the container's disk (the original lost
    // them at every restart). Not a CloudFormation resource: CloudFormation would write its
    // template value back over the saved settings at the next update of the parameter, and
    // delete them with the stack. The service creates it at its first write (standard tier: free).
    // (No ssm.StringParameter.fromStringParameterName either: it adds a template parameter that
    // CloudFormation resolves at deploy time, which fails while the parameter does not exist.)
    this.settingsParameterName = `${servicePath(platform.platformName, props.serviceName)}/settings`;
    this.settingsParameterArn = Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: this.settingsParameterName.slice(1),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    const environment: Record<string, string> = {
      SERVICE_NAME: props.serviceName,
      CONFIG_PARAMETER_NAME: this.settingsParameterName,
      ROOT_PATH: basePath,
      PORT: String(props.containerPort ?? 9020),
      HOST: '0.0.0.0',
      DEFAULT_VOICE_ID: props.defaultVoiceId ?? DEFAULT_VOICE_ID,
      DEFAULT_MODEL_ID: props.defaultModelId ?? DEFAULT_MODEL_ID,
      LOG_LEVEL: 'info',
      // The client of the per-client speech queue: the front door's header (a CloudFront Function
      // sets it), not X-Forwarded-For, whose left-most entries the client writes.
      CLIENT_ADDRESS_HEADER: VIEWER_ADDRESS_HEADER,
      ...(frontendUrl ? { CORS_ALLOW_ORIGINS: frontendUrl } : {}),
      ...(props.elevenLabsBaseUrl ? { ELEVENLABS_BASE_URL: props.elevenLabsBaseUrl } : {}),
      ...props.environment,
    };

    this.containerService = new ContainerService(this, 'Service', {
      ...fargateTaskOptionsOf(props),
      ...containerSecurityOptionsOf(props),
      maxCapacity: props.maxCapacity ?? 1,
      schedule: props.schedule ?? ServiceSchedule.weekdays(7, 19),
      platform,
      serviceName: props.serviceName,
      localRun: props.localRun,
      serviceConnect: props.serviceConnect,
      image: props.image,
      containerPort: props.containerPort ?? 9020,
      environment,
      secrets: { ELEVENLABS_API_KEY: ecs.Secret.fromSecretsManager(this.elevenLabsSecret, secretField) },
      longLivedPaths: ['/ws', '/mcp'],
      regionRouting: props.regionRouting ?? false,
      cors: frontendUrl ? { allowOrigins: [frontendUrl] } : undefined,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      logRemovalPolicy: props.removalPolicy,
    });

    const maxCapacity = props.maxCapacity ?? 1;
    if (!isUnresolved(maxCapacity) && maxCapacity > 1) {
      Annotations.of(this).addWarningV2('@georgi-io/platform-constructs:ttsServiceMaxCapacity',
        `maxCapacity is ${maxCapacity}: a Jessica-style service pushes audio to the browsers on its WebSocket, and those live in`
        + ' one task; unless the image shares its WebSocket clients across tasks, POST /api/v1/tts and MCP speak_text reach'
        + ' no browser when they land on another task');
    }
    tagServiceResources(this, platform.platformName, props.serviceName);

    // The task may read and write its settings parameter, and nothing else.
    const taskRole = this.containerService.taskDefinition.taskRole;
    taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resources: [this.settingsParameterArn],
    }));

    if (props.frontendPath) {
      this.frontend = new StaticSite(this, 'Frontend', {
        platform,
        siteName: props.serviceName,
        sourcePath: props.frontendPath,
        config: {
          serviceName: props.serviceName,
          apiBaseUrl: `${this.apiUrl}/api/v1`,
          webSocketUrl: this.webSocketUrl,
          mcpUrl: this.mcpUrl,
        },
        accessLogsBucket: props.accessLogsBucket,
        removalPolicy: props.removalPolicy,
        replicaRegion: props.frontendReplicaRegion,
      });
      new CfnOutput(this, 'FrontendUrl', { value: this.frontend.url, description: `${props.serviceName} web page` });
    }
    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocketUrl, description: `${props.serviceName} WebSocket` });
    new CfnOutput(this, 'McpUrl', { value: this.mcpUrl, description: `${props.serviceName} MCP endpoint (Streamable HTTP)` });
  }

  /**
   * What the container would refuse at startup, and what TtsService sets itself, fails here.
   * Sizes, ports, capacities and the schedule are checked by `ContainerService`.
   */
  private validateProps(props: TtsServiceProps): void {
    const voice = props.defaultVoiceId;
    if (voice !== undefined && !isUnresolved(voice) && !VOICE_ID_PATTERN.test(voice)) {
      throw new PropError(this, 'defaultVoiceId', voice,
        'expected an ElevenLabs voice id of 10 to 40 letters and digits such as "cgSgspJ2msm6clMCkdW9" (the container refuses any other DEFAULT_VOICE_ID at startup)');
    }
    const model = props.defaultModelId;
    if (model !== undefined && !isUnresolved(model) && !MODEL_ID_PATTERN.test(model)) {
      throw new PropError(this, 'defaultModelId', model,
        'expected an ElevenLabs model id of 2 to 64 characters of a-z, 0-9 and "_" such as "eleven_flash_v2_5" (the container refuses any other DEFAULT_MODEL_ID at startup)');
    }
    for (const [name, value] of Object.entries(props.environment ?? {})) {
      if (isUnresolved(name)) continue;
      const reserved = (Object.prototype.hasOwnProperty.call(RESERVED_ENVIRONMENT, name) ? RESERVED_ENVIRONMENT[name] : undefined)
        ?? (name === 'CORS_ALLOW_ORIGINS' && props.frontendPath !== undefined
          ? 'set by TtsService to the frontend\'s origin while frontendPath is set (the API answers preflights only for that origin); it cannot be replaced'
          : undefined);
      if (reserved) {
        throw new PropError(this, 'environment', name, reserved);
      }
      if (name === 'LOG_LEVEL' && !isUnresolved(value) && value.trim() !== '' && !LOG_LEVELS.includes(value.trim().toLowerCase())) {
        throw new PropError(this, 'environment', `LOG_LEVEL=${value}`, `expected one of ${LOG_LEVELS.join(', ')} (the container refuses any other LOG_LEVEL at startup)`);
      }
    }
    if (props.frontendReplicaRegion !== undefined && props.frontendPath === undefined) {
      throw new PropError(this, 'frontendReplicaRegion', props.frontendReplicaRegion, 'only used with frontendPath (the web page it replicates)');
    }
    if (props.frontendPath !== undefined) {
      validateSiteFolder(this, 'frontendPath', props.frontendPath, 'the built web page', 'leave frontendPath out for no frontend');
    }
  }
}
