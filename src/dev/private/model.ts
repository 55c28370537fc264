import type { CorsPolicy } from '../../contract/cors-policy';

/*
 * The local app that `platform-dev` runs, read from a cloud assembly (assembly.ts): the
 * services behind the local front door and the web pages on `<site>.localhost`. Plain data:
 * the front door (front-door.ts), the Lambda host (lambda-host.ts) and the process supervisor
 * (supervisor.ts) each take the part they need.
 */

/** A Node.js Lambda function run in-process (a worker thread) with payload format 2.0. */
export interface LambdaSpec {
  /** `index.handler`: the module path (relative to the code) and the exported function. */
  readonly handler: string;
  /** The runtime from the template, e.g. `nodejs24.x` (only `nodejs*` runs locally). */
  readonly runtime: string;
  /** The folder of the function's code (a staged asset in the assembly). */
  readonly codeDirectory?: string;
  /** Inline code (`Code.fromInline`), run as `index.js` (CommonJS). */
  readonly inlineCode?: string;
  /** The function's plain environment variables (deploy-time values left out). */
  readonly environment: Record<string, string>;
  /** The function's timeout, in seconds (Lambda's default: 3). */
  readonly timeoutSeconds: number;
}

/** A container image the runner can build and run with Docker. */
export interface DockerImageSpec {
  /** The build folder (a staged Docker asset) or undefined for an image from a registry. */
  readonly directory?: string;
  /** The Dockerfile, relative to `directory`. */
  readonly dockerFile?: string;
  /** `linux/amd64` or `linux/arm64`, when the asset names one. */
  readonly platform?: string;
  /** The image name, for an image from a registry (e.g. `public.ecr.aws/my/service1:1.0`). */
  readonly name?: string;
  /** The container's user (Fargate: `1000:1000` by default). */
  readonly user?: string;
  /** Whether the root filesystem is read-only. */
  readonly readonlyRootFilesystem: boolean;
  /** Writable folders on a read-only root (tmpfs locally). */
  readonly writablePaths: string[];
}

/** How a service runs locally. */
export type LocalTarget =
  /** A process (command given on the command line or on the construct), or a Docker container. */
  | { readonly kind: 'process'; readonly process: ProcessSpec }
  /** A Lambda function, in-process. */
  | { readonly kind: 'lambda'; readonly lambda: LambdaSpec }
  /** A public URL (`ApiTarget.httpUrl`): the front door forwards to it. */
  | { readonly kind: 'url'; readonly url: string }
  /** Nothing the runner can start: `reason` says why and how to run it. */
  | { readonly kind: 'none'; readonly reason: string };

/** A service process: its command (or image) and everything it is given. */
export interface ProcessSpec {
  /** The shell command; undefined: run `image` with Docker. */
  readonly command?: string;
  /** Where the command runs (absolute). */
  readonly directory: string;
  /** The task's plain environment with platform URLs mapped to the local front door, plus `LocalRunOptions.environment`. */
  readonly environment: Record<string, string>;
  /** Names of variables whose value is only known at deploy time (left out, named in a warning). */
  readonly unresolvedEnvironment: string[];
  /** Names of the task's secrets: taken from the developer's environment or `--env-file`. */
  readonly secrets: string[];
  /** The container port (Docker maps the chosen port to it). */
  readonly containerPort?: number;
  /** The image, when Docker runs the service. */
  readonly image?: DockerImageSpec;
  /** Absolute paths whose changes restart the service under `--watch`. */
  readonly watch: string[];
  /** Names set by `LocalRunOptions.environment`: the developer's choice, never replaced by a computed mesh URL. */
  readonly localVariables?: string[];
}

/** A call a service makes through the service mesh (Service Connect): the callee and the variable holding its URL. */
export interface MeshCall {
  /** The callee's service name (its alias: `http://<service>`). */
  readonly service: string;
  /** The caller's variable, e.g. `ORDERS_URL`. */
  readonly variable: string;
}

/** A service's place in the service mesh (`serviceConnect` on its construct). */
export interface LocalMesh {
  /** The name callers use; undefined: a client-only service (nothing calls it). */
  readonly alias?: string;
  /** The services it calls. */
  readonly calls: MeshCall[];
}

/** One service behind the local front door. */
export interface LocalService {
  /** The service's name, e.g. `jessica`. */
  readonly name: string;
  /**
   * Its base path, e.g. `/jessica`; undefined for a service without public routes (reached only
   * through the service mesh): the front door routes nothing to it.
   */
  readonly basePath?: string;
  /** `keep` or `strip`: whether the service sees its base path. */
  readonly pathMode: 'keep' | 'strip';
  /** Long-lived paths below the base path (`/ws`): WebSockets and streams, no API time limit. */
  readonly longLivedPaths: string[];
  /** The health path as the service sees it; undefined: the runner only waits for the port. */
  readonly healthCheckPath?: string;
  /** The CORS policy whose preflights the front door answers, origins mapped to local ones. */
  readonly cors?: CorsPolicy;
  /** The JWT issuer the platform would check (not checked locally: a warning says so). */
  readonly jwtIssuer?: string;
  /** How it runs. */
  readonly target: LocalTarget;
  /** Its place in the service mesh; undefined: not in it. */
  readonly mesh?: LocalMesh;
  /** The stack (artifact id) and construct path that defined it, for messages. */
  readonly definedIn: string;
}

/** A web page on `<siteName>.localhost`. */
export interface LocalSite {
  readonly siteName: string;
  /** The folder of its files (absolute). */
  readonly directory: string;
  /** `config.json`, platform URLs mapped to the local front door; undefined: none. */
  readonly config?: Record<string, unknown>;
  /** The page's Content-Security-Policy, platform URLs mapped; undefined: none sent. */
  readonly contentSecurityPolicy?: string;
  /** Serve `index.html` for unknown paths. */
  readonly spaFallback: boolean;
}

/** Everything `platform-dev` runs from one assembly. */
export interface LocalApp {
  /** The assembly folder (absolute). */
  readonly assemblyDirectory: string;
  /** The CDK app's folder (the assembly's parent): where commands run by default. */
  readonly appDirectory: string;
  /** The platform's domain(s) found, e.g. `georgi.io`. */
  readonly domainNames: string[];
  readonly services: LocalService[];
  readonly sites: LocalSite[];
  /** Things the developer should know (deploy-time values, JWT not checked, ...). */
  readonly warnings: string[];
}
