/** Options of `ApiTarget.applicationListener`. */
export interface ApplicationListenerTargetOptions {
  /**
   * The host name API Gateway verifies in the listener's TLS certificate; set it for an HTTPS
   * listener (it becomes the integration's `TlsConfig.ServerNameToVerify`). Private integrations
   * talk plain HTTP unless it is set, which fails against a TLS port.
   *
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
   * @default - no TLS: API Gateway sends plain HTTP to the listener (right for an HTTP listener only)
   */
  readonly secureServerName?: string;
}
