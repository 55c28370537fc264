/**
 * The front door's AWS WAF web ACL: a per-IP rate limit, IP allow and deny lists, and the AWS
 * managed rule groups for IP reputation, common attacks and known bad inputs. Outside us-east-1
 * the web ACL lives in the platform's us-east-1 companion stack.
 *
 * The common rule set's `SizeRestrictions_BODY` rule (bodies over 8 KB) only counts: API Gateway
 * and the services limit body sizes themselves, so large POSTs still get through.
 *
 * Cost: $5 a month for the web ACL and $1 per rule: about $9 with the 4 default rules (three
 * managed rule groups and the rate limit), $1 more for each IP list; $0.60 per million requests.
 */
export interface WafOptions {
  /**
   * Requests one client IP may send in any 5-minute window before the WAF blocks it
   * (10 to 2,000,000,000).
   *
   * @default 1000
   */
  readonly rateLimit?: number;

  /**
   * IPv4 and IPv6 CIDR blocks (for example `203.0.113.0/24`, `2001:db8::/32`) that the WAF
   * always allows: the rate limit and managed rules do not apply to them. The front door
   * serves IPv6 too, so list a client's IPv6 block as well as its IPv4 one. Each block must be
   * a network address (no host bits set), /1 or longer, and listed once.
   *
   * Cost: $1 a month for the rule.
   *
   * @default - none
   */
  readonly allowedIpRanges?: string[];

  /**
   * IPv4 and IPv6 CIDR blocks (for example `198.51.100.0/24`, `2001:db8:bad::/48`) that the
   * WAF always blocks. The front door serves IPv6 too, so block a client's IPv6 block as well as
   * its IPv4 one. Each block must be a network address (no host bits set), /1 or longer, listed
   * once and not overlapping `allowedIpRanges`.
   *
   * Cost: $1 a month for the rule.
   *
   * @default - none
   */
  readonly blockedIpRanges?: string[];
}
