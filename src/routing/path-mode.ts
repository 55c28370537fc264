/**
 * Whether a service's backend sees its base path.
 *
 * With the base path `/jessica`, a request for `https://api.<domain>/jessica/api/v1/voices`
 * reaches the backend as `/jessica/api/v1/voices` (`KEEP_BASE_PATH`) or as `/api/v1/voices`
 * (`STRIP_BASE_PATH`).
 */
export class PathMode {
  /**
   * The backend receives the full path, base path included. Use it for backends that know
   * their prefix (Jessica reads it from `ROOT_PATH` and strips it itself). Long-lived paths
   * through the load balancer always keep the base path (ALB rules cannot rewrite paths).
   */
  public static readonly KEEP_BASE_PATH = new PathMode('keep');

  /**
   * The central API removes the base path before the request reaches the backend
   * (`/jessica/x` arrives as `/x`, `/jessica` as `/`). Not available for Lambda targets,
   * which always receive the full path in `rawPath`.
   */
  public static readonly STRIP_BASE_PATH = new PathMode('strip');

  private constructor(
    /** `keep` or `strip`. */
    public readonly mode: string,
  ) {}
}
