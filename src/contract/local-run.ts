import type { CorsPolicy } from './cors-policy';

/*
 * What each construct of the library records in the cloud assembly for `platform-dev` (the local
 * front door and runner): plain JSON in construct metadata, which `cdk synth` writes into the
 * assembly (`<stack>.metadata.json` or the manifest) with every token resolved. A value that is
 * only known at deploy time arrives as a CloudFormation expression (an object), not a string:
 * the reader treats it as unknown. Dependency-free, so the command-line tool reads it without
 * loading aws-cdk-lib.
 */

/** The metadata entry type of every record. @internal */
export const LOCAL_RUN_METADATA = '@georgi-io/platform-constructs:local-run';

/** The record format's version; a reader refuses a newer one. @internal */
export const LOCAL_RUN_VERSION = 1;

/** A service's routes (written by `ApiRoutes`). @internal */
export interface LocalRoutesRecord {
  readonly kind: 'routes';
  readonly version: number;
  readonly platformName: string;
  /** The platform's domain, e.g. `georgi.io` (an object when only known at deploy time). */
  readonly domainName: unknown;
  /** `api.<domain>` (an object when only known at deploy time). */
  readonly apiDomainName: unknown;
  readonly serviceName: string;
  readonly basePath: string;
  /** `keep` or `strip` (`PathMode`). */
  readonly pathMode: string;
  /** Paths below the base path served by the long-lived origin, e.g. `/ws`. */
  readonly longLivedPaths: string[];
  /** The health path as the target sees it (long-lived paths only). */
  readonly healthCheckPath?: string;
  /** The CORS policy the platform's preflight responder applies. */
  readonly cors?: CorsPolicy;
  /** The JWT issuer the platform checks tokens against (not checked locally). */
  readonly jwtIssuer?: unknown;
  /** `LocalRunOptions`, with a directory under the app's folder made relative to it. */
  readonly run?: {
    readonly command: string;
    readonly directory?: string;
    readonly environment?: Record<string, unknown>;
    readonly watch?: string[];
  };
}

/** Where the routes go (written by the `ApiTarget` on the `ApiRoutes` node). @internal */
export interface LocalTargetRecord {
  readonly kind: 'target';
  readonly version: number;
  /** `ecs`, `lambda`, `url`, `cloud-map` or `load-balancer`. */
  readonly target: string;
  /** The stack artifact that holds the task definition or function (ecs, lambda). */
  readonly stack?: string;
  /** The task definition's logical id (ecs). */
  readonly taskDefinition?: string;
  /** The container's name in the task definition (ecs). */
  readonly container?: string;
  /** The container port the routes reach (ecs). */
  readonly containerPort?: number;
  /** The function's logical id (lambda; absent for an imported function). */
  readonly function?: string;
  /** The endpoint (url). */
  readonly url?: unknown;
}

/** A service's place in the service mesh (Service Connect), in its container record. @internal */
export interface LocalServiceConnectRecord {
  /** The name callers use (`http://<alias>`); absent for a client-only service. */
  readonly alias?: string;
  /** The services it calls and the variable that holds each one's URL (`ORDERS_URL`). */
  readonly calls: Array<{ readonly service: string; readonly variable: string }>;
}

/**
 * A container service's own facts (written by `ContainerService`). A service without public
 * routes (reached only through Service Connect) has no `routes`; its container record then
 * carries what the routes record would (`platformName`, `run`, the domain names), and an `ecs`
 * target record sits on the same construct.
 * @internal
 */
export interface LocalContainerRecord {
  readonly kind: 'container';
  readonly version: number;
  /** The service's name. */
  readonly serviceName: string;
  readonly platformName: string;
  /** The construct path of the service's `ApiRoutes`; absent for a service without public routes. */
  readonly routes?: string;
  /** The container's health path. */
  readonly healthCheckPath: string;
  /** Folders the container may write (its read-only root's exceptions). */
  readonly writablePaths: string[];
  /** The service mesh (`serviceConnect`), when on. */
  readonly serviceConnect?: LocalServiceConnectRecord;
  /** `LocalRunOptions` of a service without routes (else in its routes record). */
  readonly run?: LocalRoutesRecord['run'];
  /** The platform's domain, for a service without routes (else in its routes record). */
  readonly domainName?: unknown;
  /** `api.<domain>`, for a service without routes (else in its routes record). */
  readonly apiDomainName?: unknown;
}

/** A static site (written by `StaticSite`). @internal */
export interface LocalSiteRecord {
  readonly kind: 'site';
  readonly version: number;
  /** The sub-domain: the site is `<siteName>.<domain>`. */
  readonly siteName: string;
  readonly platformName: string;
  readonly domainName: unknown;
  /** The staged folder of the site's files, relative to the assembly (`asset.<hash>`). */
  readonly assetPath?: string;
  /** The runtime `config.json` (values may be deploy-time objects). */
  readonly config?: Record<string, unknown>;
  /** The page's Content-Security-Policy. */
  readonly contentSecurityPolicy?: unknown;
  readonly spaFallback: boolean;
}

/** Any record. @internal */
export type LocalRunRecord = LocalRoutesRecord | LocalTargetRecord | LocalContainerRecord | LocalSiteRecord;

/** The part of a construct a record is added to (structural: no import of `constructs` here). */
interface RecordScope {
  readonly node: { addMetadata(type: string, data: unknown): void };
}

/**
 * Adds a record to a construct's metadata (written into the assembly at synth). The `version`
 * is filled in here.
 * @internal
 */
export function addLocalRunRecord(scope: RecordScope, record: DistributiveOmit<LocalRunRecord, 'version'>): void {
  scope.node.addMetadata(LOCAL_RUN_METADATA, { ...record, version: LOCAL_RUN_VERSION });
}

/** `Omit` over each member of a union. */
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
