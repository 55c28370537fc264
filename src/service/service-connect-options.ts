import { Duration } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * The protocol of the calls a service takes through Service Connect: the port mapping's
 * `appProtocol`. It decides what the proxy understands: HTTP status codes and response times
 * per call (HTTP, HTTP/2, gRPC), retries of failed requests, and per-request timeouts.
 */
export class ServiceConnectProtocol {
  /** HTTP/1.1 (and WebSockets through the upgrade). */
  public static readonly HTTP = new ServiceConnectProtocol('http');

  /** HTTP/2 (cleartext, prior knowledge). */
  public static readonly HTTP2 = new ServiceConnectProtocol('http2');

  /** gRPC (HTTP/2 with gRPC status codes in the metrics). */
  public static readonly GRPC = new ServiceConnectProtocol('grpc');

  /**
   * @param value the port mapping's `appProtocol` (`http`, `http2` or `grpc`)
   */
  private constructor(public readonly value: string) {}
}

/**
 * Encryption of the calls between services (TLS 1.3, certificates that ECS issues from an AWS
 * Private CA and rotates). Only traffic through the proxies is encrypted.
 *
 * Cost: the certificate authority, about $50 a month in short-lived certificate mode (general
 * purpose: $400), plus its certificates; shared by every service that names it.
 */
export interface ServiceConnectTlsOptions {
  /**
   * The AWS Private CA that issues the service's certificates, e.g.
   * `acmpca.CertificateAuthority.fromCertificateAuthorityArn(...)`.
   */
  readonly certificateAuthority: acmpca.ICertificateAuthority;

  /**
   * The KMS key that encrypts the certificates' private keys in the proxy's secret.
   *
   * @default - an AWS owned key
   */
  readonly kmsKey?: kms.IKey;
}

/**
 * How a container service takes part in the platform's service mesh (ECS Service Connect): other
 * services call it by name (`http://<serviceName>`), and it calls others by theirs, through a
 * proxy that ECS adds to each task (retries, outlier detection, timeouts, per-call metrics).
 * `{}` turns it on with the defaults.
 *
 * Traffic from the front door (the HTTP API's VPC link, the long-lived load balancer) reaches the
 * container's port directly; only service-to-service calls go through the proxy (it listens on
 * port 19080 of the task). The proxy needs memory of its own: the container's memory limit
 * becomes the task's memory minus 64 MiB.
 *
 * Cost: Service Connect itself has no charge; the proxy runs inside the task (64 MiB of its
 * memory, a share of its CPU). A callee adds a 5xx-rate alarm ($0.20 a month, two metrics).
 */
export interface ServiceConnectOptions {
  /**
   * A service that only calls others (`calls` is then required): it gets the proxy (and so short
   * names and retries for its calls) but no endpoint of its own, and nothing may call it.
   *
   * @default false
   */
  readonly clientOnly?: boolean;

  /**
   * The protocol the service speaks to its callers.
   *
   * @default ServiceConnectProtocol.HTTP
   */
  readonly appProtocol?: ServiceConnectProtocol;

  /**
   * How long the proxy waits for the service's complete answer to one call (whole seconds;
   * `Duration.seconds(0)` for no limit: streams and WebSockets between services). ECS's own
   * default is 15 s; this platform's default matches the central API's 30 s limit.
   *
   * @default Duration.seconds(30)
   */
  readonly perRequestTimeout?: Duration;

  /**
   * How long a connection to the service may stay idle before the proxy closes it (whole
   * seconds; `Duration.seconds(0)` for no limit). At least `perRequestTimeout` (when both are
   * set), or a slow answer is cut by the idle timeout first.
   *
   * @default Duration.minutes(5)
   */
  readonly idleTimeout?: Duration;

  /**
   * Log every call through the service's proxy (JSON, without query strings) to the service's
   * log group.
   *
   * Cost: CloudWatch Logs $0.50 per GB ingested (about 0.5 KB a call: $0.25 per million calls).
   *
   * @default false
   */
  readonly accessLogs?: boolean;

  /**
   * The share of calls to the service answered 5xx (%, greater than 0, at most 100) above which
   * its mesh alarm (`<platform>-<service>-mesh-5xx-rate`) fires, in 3 of 5 periods of 5 minutes.
   * Not for gRPC (its proxies publish no HTTP codes: no alarm) or a client-only service.
   *
   * Cost: $0.20 a month for the alarm (two metrics).
   *
   * @default 5
   */
  readonly serverErrorRateThresholdPercent?: number;

  /**
   * Services in other apps (repositories) that may call this one, by service name: each
   * becomes one inbound rule on this service's security group from the caller's group (which the
   * caller publishes in SSM when it deploys with `serviceConnect`), on the proxy's port only.
   * A caller in the same app: `allowServiceConnectFrom(caller)`. At most 50, both kinds together.
   *
   * Deploy the caller first: this service's deploy reads its security group's parameter. A caller
   * that was running before this service first deployed resolves it only after a restart
   * (`aws ecs update-service --force-new-deployment`).
   *
   * @default - none
   */
  readonly allowedCallers?: string[];

  /**
   * Services this one calls, by service name: each gives the container `<NAME>_URL`
   * (`http://<name>`; `ORDERS_URL` for `orders`, `TTS_API_URL` for `tts-api`), which
   * `platform-dev` points at the callee on a developer's machine. The callee must allow this
   * service (`allowedCallers` or `allowServiceConnectFrom`). A service that calls others names
   * them here: only then may its tasks send to the mesh's proxy port.
   *
   * The proxy retries a failed connection or a 503 answer (ECS fixes the retries, as it fixes
   * the outlier detection that leaves a failing task out for a while): make such calls idempotent.
   *
   * @default - none
   */
  readonly calls?: string[];

  /**
   * Encrypt calls to this service with TLS.
   *
   * Cost: see `ServiceConnectTlsOptions` (about $50 a month for a short-lived certificate authority).
   *
   * @default - no TLS: calls stay inside the VPC, unencrypted
   */
  readonly tls?: ServiceConnectTlsOptions;
}
