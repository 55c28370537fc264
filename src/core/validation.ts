import * as fs from 'fs';
import * as path from 'path';
import { Duration, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { PropError } from './errors';

/*
 * Shared synth-time checks, each written once. Every check skips unresolved tokens, and every
 * error is a PropError: the construct path, the prop, the value and what is allowed.
 */

const DOMAIN_LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_RE = new RegExp(`^(${DOMAIN_LABEL}\\.)+[a-z]{2,63}$`);
/** DNS label, starts with a letter: safe as a sub-domain, an SSM path segment and a resource name. */
const DNS_NAME_RE = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
/** Practical e-mail check: what SNS accepts as an e-mail endpoint. */
const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** @internal */
export function isUnresolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number') return Token.isUnresolved(value);
  if (typeof value === 'string') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value);
  return false;
}

/** Lower-case fully qualified domain name such as `georgi.io` or `dev.georgi.io`. @internal */
export function validateDomainName(scope: IConstruct, prop: string, value: string): void {
  if (isUnresolved(value)) return;
  if (value.length > 253 || !DOMAIN_RE.test(value)) {
    throw new PropError(scope, prop, value,
      'expected a lower-case fully qualified domain name such as "georgi.io" (labels of a-z, 0-9 and "-", no leading or trailing dot)');
  }
}

/**
 * A name used as a DNS label, an SSM parameter path segment and part of resource names.
 * @internal
 */
export function validateDnsName(scope: IConstruct, prop: string, value: string, maxLength: number): void {
  if (isUnresolved(value)) return;
  if (value.length < 2 || value.length > maxLength || !DNS_NAME_RE.test(value)) {
    throw new PropError(scope, prop, value,
      `expected 2-${maxLength} characters of a-z, 0-9 and "-", starting with a letter and not ending with "-"`);
  }
  if (value.includes('--')) {
    throw new PropError(scope, prop, value, 'consecutive hyphens are not allowed');
  }
}

/** @internal */
export function validateEmail(scope: IConstruct, prop: string, value: string): void {
  if (isUnresolved(value)) return;
  if (value.length > 254 || !EMAIL_RE.test(value)) {
    throw new PropError(scope, prop, value, 'expected an e-mail address such as "ops@georgi.io"');
  }
}

/** @internal */
export function validateRetention(scope: IConstruct, prop: string, value: logs.RetentionDays): void {
  if (isUnresolved(value)) return;
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(value)) {
    throw new PropError(scope, prop, value,
      `CloudWatch Logs offers only these retention periods (days): ${allowed.filter(v => v !== logs.RetentionDays.INFINITE).join(', ')}, or RetentionDays.INFINITE`);
  }
}

/** @internal */
export function validateIntegerRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PropError(scope, prop, value, `expected a whole number from ${min} to ${max}`);
  }
}

/** @internal */
export function validatePositive(scope: IConstruct, prop: string, value: number | undefined): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isFinite(value) || value <= 0) {
    throw new PropError(scope, prop, value, 'expected a number greater than zero');
  }
}

/** A percentage greater than 0 and at most 100 (alarm thresholds on rates). @internal */
export function validatePercentage(scope: IConstruct, prop: string, value: number | undefined): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!(value > 0 && value <= 100)) {
    throw new PropError(scope, prop, value, 'expected a percentage greater than 0 and at most 100');
  }
}

/** An absolute URL path of printable characters, such as a health check path. @internal */
export function validateAbsolutePath(scope: IConstruct, prop: string, value: string | undefined, example: string): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!/^\/[\x21-\x7e]*$/.test(value)) {
    throw new PropError(scope, prop, value, `expected an absolute path such as "${example}"`);
  }
}

/** A duration from `min` to `max` seconds, with what the limit is (`the ALB limit`). @internal */
export function validateSeconds(scope: IConstruct, prop: string, value: Duration | undefined, min: number, max: number, limit: string): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds();
  if (seconds < min || seconds > max) {
    throw new PropError(scope, prop, `${seconds}s`, `expected ${min} to ${max} seconds (${limit})`);
  }
}

/** A list without repeated entries (unresolved entries are skipped). @internal */
export function validateUnique(scope: IConstruct, prop: string, values: string[] | undefined, allowed: string): void {
  if (!values || isUnresolved(values)) return;
  const repeated = values.find((v, i) => !isUnresolved(v) && values.indexOf(v) !== i);
  if (repeated !== undefined) throw new PropError(scope, prop, repeated, allowed);
}

/**
 * A local folder with a built web page: it exists and holds `index.html`. `what` names the
 * content in the message ("the built site"); `whenEmpty` is what an empty string is told.
 * @internal
 */
export function validateSiteFolder(scope: IConstruct, prop: string, value: string, what: string, whenEmpty?: string): void {
  if (isUnresolved(value)) return;
  const folder = path.resolve(value);
  if (value === '' && whenEmpty) throw new PropError(scope, prop, value, `expected a folder with ${what}; ${whenEmpty}`);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new PropError(scope, prop, value, `expected a folder with ${what}; ${folder} does not exist or is not a folder`);
  }
  if (!fs.existsSync(path.join(folder, 'index.html'))) {
    throw new PropError(scope, prop, value, `expected the folder to contain index.html; ${folder} has none`);
  }
}

/** An IPv4 CIDR block parsed into a numeric range. @internal */
export interface Ipv4Range {
  readonly cidr: string;
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

const IPV4_CIDR_EXPECTED = 'expected an IPv4 CIDR block such as "203.0.113.0/24"';
const IPV6_CIDR_EXPECTED = 'expected an IPv6 CIDR block such as "2001:db8::/32" (up to 8 groups of 1-4 hex digits, "::" at most once, prefix 0-128)';
const IP_CIDR_EXPECTED = 'expected an IPv4 CIDR block such as "203.0.113.0/24" or an IPv6 CIDR block such as "2001:db8::/32"';

/**
 * Parses an IPv4 CIDR such as `10.0.0.0/16`. The address must be the network address
 * (`10.0.0.1/16` is refused: AWS would silently widen or reject it). `expected` is what a
 * malformed value's error says is allowed.
 * @internal
 */
export function parseIpv4Cidr(scope: IConstruct, prop: string, cidr: string, expected: string = IPV4_CIDR_EXPECTED): Ipv4Range {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some(o => o > 255) || prefix > 32) {
    throw new PropError(scope, prop, cidr, expected);
  }
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    const network = address - (address % size);
    const text = [3, 2, 1, 0].map(i => Math.floor(network / 256 ** i) % 256).join('.');
    throw new PropError(scope, prop, cidr, `host bits are set; the network address is "${text}/${prefix}"`);
  }
  return { cidr, first: address, last: address + size - 1, prefix };
}

/** An IPv6 CIDR block parsed into a numeric range. @internal */
export interface Ipv6Range {
  readonly cidr: string;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
}

/** True when `cidr` is written as an IPv6 block (it has a colon); says nothing about validity. @internal */
export function isIpv6Cidr(cidr: string): boolean {
  return cidr.includes(':');
}

/**
 * Parses an IPv6 CIDR such as `2001:db8::/32` (hexadecimal groups, either case, `::` at most
 * once; the dotted IPv4 tail form is not accepted). The address must be the network address.
 * `expected` is what a malformed value's error says is allowed.
 * @internal
 */
export function parseIpv6Cidr(scope: IConstruct, prop: string, cidr: string, expected: string = IPV6_CIDR_EXPECTED): Ipv6Range {
  const malformed = () => new PropError(scope, prop, cidr, expected);
  const m = /^([0-9A-Fa-f:]+)\/(\d{1,3})$/.exec(cidr);
  if (!m || Number(m[2]) > 128) throw malformed();
  const prefix = Number(m[2]);
  const halves = m[1].split('::');
  if (halves.length > 2) throw malformed();
  const [head, tail] = halves.map(h => (h === '' ? [] : h.split(':')));
  const written = [...head, ...(tail ?? [])];
  if (written.some(g => !/^[0-9A-Fa-f]{1,4}$/.test(g))) throw malformed();
  if (tail === undefined ? written.length !== 8 : written.length > 7) throw malformed();
  const groups = tail === undefined ? head : [...head, ...Array<string>(8 - written.length).fill('0'), ...tail];
  const address = groups.reduce((sum, group) => sum * 0x10000n + BigInt(parseInt(group, 16)), 0n);
  const size = 2n ** BigInt(128 - prefix);
  if (address % size !== 0n) {
    throw new PropError(scope, prop, cidr, `host bits are set; the network address is "${formatIpv6(address - (address % size))}/${prefix}"`);
  }
  return { cidr, first: address, last: address + size - 1n, prefix };
}

/** RFC 5952 text of an IPv6 address: lower-case groups, the longest run of 2+ zero groups as `::`. */
function formatIpv6(address: bigint): string {
  const groups = [7, 6, 5, 4, 3, 2, 1, 0].map(i => Number((address / 0x10000n ** BigInt(i)) % 0x10000n));
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > best.length) best = { start, length };
  }
  const hex = (gs: number[]) => gs.map(g => g.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

/** True when two blocks of the same address family share an address. @internal */
export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean;
export function rangesOverlap(a: Ipv6Range, b: Ipv6Range): boolean;
export function rangesOverlap(a: Ipv4Range | Ipv6Range, b: Ipv4Range | Ipv6Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The IPv4 and the IPv6 blocks of one list, each in list order. @internal */
export interface IpCidrRanges {
  readonly ipv4: Ipv4Range[];
  readonly ipv6: Ipv6Range[];
}

/**
 * Validates a list that may mix IPv4 and IPv6 CIDRs: each well-formed (an entry with a colon
 * is read as IPv6), none overlapping another of the same family in the list. A malformed entry's
 * error names both allowed forms. Returns the parsed ranges by family (empty for unresolved input).
 * @internal
 */
export function validateIpCidrList(scope: IConstruct, prop: string, cidrs: string[] | undefined): IpCidrRanges {
  const ipv4: Ipv4Range[] = [];
  const ipv6: Ipv6Range[] = [];
  if (!cidrs || isUnresolved(cidrs)) return { ipv4, ipv6 };
  const addDisjoint = <R extends Ipv4Range | Ipv6Range>(ranges: R[], range: R, overlaps: (a: R, b: R) => boolean) => {
    const clash = ranges.find(r => overlaps(r, range));
    if (clash) {
      throw new PropError(scope, prop, range.cidr, `it overlaps "${clash.cidr}" in the same list; list each address range once`);
    }
    ranges.push(range);
  };
  for (const cidr of cidrs) {
    if (isUnresolved(cidr)) continue;
    if (isIpv6Cidr(cidr)) {
      addDisjoint(ipv6, parseIpv6Cidr(scope, prop, cidr, IP_CIDR_EXPECTED), (a, b) => rangesOverlap(a, b));
    } else {
      addDisjoint(ipv4, parseIpv4Cidr(scope, prop, cidr, IP_CIDR_EXPECTED), (a, b) => rangesOverlap(a, b));
    }
  }
  return { ipv4, ipv6 };
}

/**
 * Last path segments the front door routes to the long-lived origin (`ws`, `mcp`, ...).
 * @internal
 */
export function validatePathSuffixes(scope: IConstruct, prop: string, suffixes: string[] | undefined): void {
  if (suffixes === undefined || isUnresolved(suffixes)) return;
  if (suffixes.length < 1 || suffixes.length > 10) {
    throw new PropError(scope, prop, suffixes, 'expected 1 to 10 path segments (each takes 2 of the front door\'s cache behaviours)');
  }
  for (const s of suffixes) {
    if (isUnresolved(s)) continue;
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(s)) {
      throw new PropError(scope, prop, s, 'expected one path segment of a-z, 0-9, ".", "_" and "-" without slashes');
    }
  }
  validateUnique(scope, prop, suffixes, 'list each suffix once');
}
