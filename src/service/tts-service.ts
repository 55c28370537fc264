import { CfnOutput, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ContainerService } from './container-service';
import { ServiceSchedule } from './service-schedule';
import { addNagSuppressions } from '../core/nag';
import { PropError, validateDnsName } from '../core/validation';
import { StaticSite } from '../frontend/static-site';
import { IGlobalPlatform } from '../platform/platform-interface';

/** Default ElevenLabs voice: "Jessica". */
const DEFAULT_VOICE_ID = 'cgSgspJ2msm6clMCkdW9';
/** Default ElevenLabs model. */
const DEFAULT_MODEL_ID = 'eleven_flash_v2_5';
/** The JSON field of the secret the service creates. */
const CREATED_SECRET_FIELD = 'api_key';

/**
 * Properties of a Jessica-style text-to-speech service. Monthly costs are us-east-1 list prices.
 */
export interface TtsServiceProps {
  /** The platform, created in this app or imported with `GlobalPlatform.fromPlatformName`; it needs `longLivedConnections`. */
  readonly platform: IGlobalPlatform;

  /** The service's name, e.g. `jessica`: base path `/jessica`, frontend `jessica.<domain>`. */
  readonly serviceName: string;

  /** The container image (Jessica contract: `/health`, `/api/v1/...`, `/ws`, `/mcp` under `ROOT_PATH`). */
  readonly image: ecs.ContainerImage;

  /**
   * The secret with the ElevenLabs API key, injected as `ELEVENLABS_API_KEY`.
   *
   * @default - a new secret (`$0.40` a month) holding `{"api_key": ""}`: the service starts and
   *   reports the key as missing until you put the real key into the secret's `api_key` field and
   *   restart the tasks
   */
  readonly elevenLabsSecret?: secretsmanager.ISecret;

  /**
   * The JSON field of `elevenLabsSecret` that holds the key.
   *
   * @default - the whole secret string is the key (for a passed secret); `api_key` for the created one
   */
  readonly elevenLabsSecretField?: string;

  /**
   * The ElevenLabs API base URL (`ELEVENLABS_BASE_URL`).
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
   * CPU units (Fargate sizes).
   *
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory in MiB (valid for `cpu`).
   *
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * CPU architecture of the image.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * Fewest tasks inside the schedule's hours.
   *
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * Most tasks.
   *
   * @default 2
   */
  readonly maxCapacity?: number;

  /**
   * When the service runs (it scales to zero outside).
   *
   * Cost: 0.5 vCPU / 1 GB always on is about $18 a month; weekdays 07-19 about $6.50.
   *
   * @default ServiceSchedule.weekdays(7, 19) (the original deployment)
   */
  readonly schedule?: ServiceSchedule;

  /**
   * Run on Fargate Spot.
   *
   * @default false
   */
  readonly fargateSpot?: boolean;

  /**
   * Allow ECS Exec into the container.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * A local folder with the built web page; served on `<serviceName>.<domain>` with a generated
   * `config.json` naming the API and WebSocket URLs.
   *
   * @default - no frontend
   */
  readonly frontendPath?: string;

  /**
   * Bucket for the frontend's access logs.
   *
   * @default - none
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Removal policy of the frontend bucket and the log group.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

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
 */
export class TtsService extends Construct {
  /** The container service (Fargate service, routes, scaling, alarms). */
  public readonly containerService: ContainerService;

  /** The secret with the ElevenLabs API key. */
  public readonly elevenLabsSecret: secretsmanager.ISecret;

  /**
   * The SSM parameter where the service keeps the settings changed through
   * `POST /api/v1/config` (JSON), so they survive restarts and are shared by all tasks.
   */
  public readonly settingsParameter: ssm.StringParameter;

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
   * @param props the the service's properties
   */
  constructor(scope: Construct, id: string, props: TtsServiceProps) {
    super(scope, id);
    validateDnsName(this, 'serviceName', props.serviceName, 32);
    if (!props.platform.longLivedListener) {
      throw new PropError(this, 'platform', props.platform.platformName, 'TtsService serves WebSockets and MCP streams: the platform needs'
        + ' longLivedConnections: true (or, imported, GlobalPlatform.fromPlatformName(..., { longLivedConnections: true }))');
    }
    if (props.elevenLabsSecretField !== undefined && !props.elevenLabsSecret) {
      throw new PropError(this, 'elevenLabsSecretField', props.elevenLabsSecretField, 'only used with elevenLabsSecret');
    }
    if (props.elevenLabsBaseUrl !== undefined && !Token.isUnresolved(props.elevenLabsBaseUrl)
      && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(props.elevenLabsBaseUrl)) {
      throw new PropError(this, 'elevenLabsBaseUrl', props.elevenLabsBaseUrl, 'expected an http(s):// URL');
    }

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
        secretName: `/platform/${platform.platformName}/services/${props.serviceName}/elevenlabs-api-key`,
        description: `ElevenLabs API key of ${props.serviceName}: put the key into the "${CREATED_SECRET_FIELD}" field`,
        // No value in the template: an empty key field and a random filler.
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ [CREATED_SECRET_FIELD]: '' }),
          generateStringKey: 'unused',
        },
      });
      addNagSuppressions(created, [{
        id: 'AwsSolutions-SMG4',
        reason: 'an ElevenLabs API key is issued by ElevenLabs; Secrets Manager cannot rotate it, the operator replaces it',
      }]);
      this.elevenLabsSecret = created;
    }
    const secretField = props.elevenLabsSecretField ?? (props.elevenLabsSecret ? undefined : CREATED_SECRET_FIELD);

    // Settings changed at run time live here, not on the container's disk (the original lost
    // them at every restart). `{}`: the environment's defaults apply until someone changes them.
    this.settingsParameter = new ssm.StringParameter(this, 'SettingsParameter', {
      parameterName: `/platform/${platform.platformName}/services/${props.serviceName}/settings`,
      stringValue: '{}',
      description: `run-time settings of ${props.serviceName} (written by the service)`,
      tier: ssm.ParameterTier.STANDARD,
    });

    const environment: Record<string, string> = {
      SERVICE_NAME: props.serviceName,
      CONFIG_PARAMETER_NAME: this.settingsParameter.parameterName,
      ROOT_PATH: basePath,
      PORT: String(props.containerPort ?? 9020),
      HOST: '0.0.0.0',
      DEFAULT_VOICE_ID: props.defaultVoiceId ?? DEFAULT_VOICE_ID,
      DEFAULT_MODEL_ID: props.defaultModelId ?? DEFAULT_MODEL_ID,
      LOG_LEVEL: 'info',
      ...(frontendUrl ? { CORS_ALLOW_ORIGINS: frontendUrl } : {}),
      ...(props.elevenLabsBaseUrl ? { ELEVENLABS_BASE_URL: props.elevenLabsBaseUrl } : {}),
      ...props.environment,
    };

    this.containerService = new ContainerService(this, 'Service', {
      platform,
      serviceName: props.serviceName,
      image: props.image,
      containerPort: props.containerPort ?? 9020,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      cpuArchitecture: props.cpuArchitecture,
      environment,
      secrets: { ELEVENLABS_API_KEY: ecs.Secret.fromSecretsManager(this.elevenLabsSecret, secretField) },
      longLivedPaths: ['/ws', '/mcp'],
      cors: frontendUrl ? { allowOrigins: [frontendUrl] } : undefined,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      schedule: props.schedule ?? ServiceSchedule.weekdays(7, 19),
      fargateSpot: props.fargateSpot,
      enableExecuteCommand: props.enableExecuteCommand,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      logRemovalPolicy: props.removalPolicy,
    });

    // The task may read and write its settings parameter, and nothing else.
    const taskRole = this.containerService.taskDefinition.taskRole;
    this.settingsParameter.grantRead(taskRole);
    this.settingsParameter.grantWrite(taskRole);

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
      });
      new CfnOutput(this, 'FrontendUrl', { value: this.frontend.url, description: `${props.serviceName} web page` });
    }
    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocketUrl, description: `${props.serviceName} WebSocket` });
    new CfnOutput(this, 'McpUrl', { value: this.mcpUrl, description: `${props.serviceName} MCP endpoint (Streamable HTTP)` });
  }
}
