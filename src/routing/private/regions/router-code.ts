import { REGION_COORDINATES } from './region-coordinates';
import { UnscopedPropError } from '../../../core/errors';
import { VIEWER_ADDRESS_HEADER } from '../origin-check';

/** CloudFront Functions' maximum function size (viewer request), in bytes. @internal */
export const MAX_FUNCTION_CODE_BYTES = 10 * 1024;

/**
 * What the router function is generated from.
 * @internal
 */
export interface RouterCodeOptions {
  /** The platform's own Region: the default origin of every behaviour, and the fallback. */
  readonly primaryRegion: string;
  /**
   * The distribution's origin id of each additional Region's API origin (`api-<region>`).
   * An entry for the primary is allowed and ignored (its origin is the behaviour's default).
   */
  readonly apiOriginIds: Readonly<Record<string, string>>;
  /**
   * The distribution's origin id of each Region's long-lived origin, for Regions that have one.
   * @default - none: long-lived paths always go to the primary
   */
  readonly longLivedOriginIds?: Readonly<Record<string, string>>;
  /**
   * The last path segments of the long-lived behaviours (`/*\/<suffix>` and `/*\/<suffix>/*`).
   * @default - none
   */
  readonly longLivedPathSuffixes?: readonly string[];
}

const FACTORY = 'routerFunctionCode';
/** Requests under `/_region/<region>/` go to that Region's API (a behaviour per Region), without the prefix. @internal */
export const REGION_PREFIX = '/_region/';
/** Requests under `/_region-ll/<region>/` go to that Region's long-lived origin (a behaviour per such Region), without the prefix. @internal */
export const REGION_LONG_LIVED_PREFIX = '/_region-ll/';
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// Origin ids are embedded in the code (with JSON.stringify); keep them to a plain alphabet.
const ORIGIN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const SUFFIX_RE = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The source of the front door's viewer-request function (CloudFront Functions, runtime
 * `cloudfront-js-2.0`): sets `x-viewer-address` to the viewer's IP address, as the front door's
 * function always did, and sends the request to the nearest Region in which its service runs.
 *
 * - The service is the first path segment; the Regions it runs in are read from the function's
 *   KeyValueStore: key `s/<service>/<region>` present = registered there (its HTTP routes),
 *   `l/<service>/<region>` = its long-lived paths are served there too (read for a long-lived
 *   path instead of `s/`), `d/<region>` present = that Region is drained. The primary counts as
 *   registered for every service and is never read from the store.
 * - The viewer's location comes from `cloudfront-viewer-latitude`/`-longitude` (present only when
 *   a policy of the behaviour adds them, and never for requests from the AWS network).
 * - The candidates are the Regions with an origin of the request's kind: every Region for an
 *   API path, the Regions with a long-lived origin for a long-lived path. They are tried nearest
 *   first (great-circle distance); the first registered, undrained one wins, and the primary
 *   ends the search: a viewer nearest the primary costs no store read.
 * - `cf.selectRequestOriginById` selects that Region's API origin, or its long-lived origin for a
 *   long-lived path. The primary is the result when the service is registered in no candidate,
 *   the candidates are drained, the location is missing or the store cannot be read (any
 *   error); for the primary nothing is selected (the behaviour's default origin is the primary's).
 * - `cf.kvs()` is called inside the handler's `try` (the guide's examples call it at the top of
 *   the code), so that a function without an associated store still serves every request.
 * - A path `/_region/<region>/<path>` (or `/_region-ll/<region>/<path>`) loses its first two
 *   segments and is not routed: the front door's behaviour for `/_region/<region>/*` sends it to
 *   that Region's API (for `/_region-ll/<region>/*`: to its long-lived origin).
 * - Only a deploy can show: origin selection on POST and WebSocket upgrades, and whether a
 *   viewer-sent `cloudfront-viewer-latitude` is replaced by CloudFront's own; at worst such a
 *   header lets a viewer pick among the Regions its service is registered in and not drained.
 *
 * @throws UnscopedPropError for a Region not in the coordinates table, an unsafe origin id, a
 *   bad suffix, a long-lived origin in a Region without an API origin, or code over 10 KB.
 * @internal
 */
export function routerFunctionCode(options: RouterCodeOptions): string {
  validate(options);
  const primary = options.primaryRegion;
  const others = Object.keys(options.apiOriginIds).filter(r => r !== primary).sort();
  const coordinates: Record<string, readonly [number, number]> = {};
  for (const r of others) coordinates[r] = REGION_COORDINATES[r];
  const api: Record<string, string> = {};
  for (const r of others) api[r] = options.apiOriginIds[r];
  const longLived: Record<string, string> = {};
  for (const r of Object.keys(options.longLivedOriginIds ?? {}).filter(x => x !== primary).sort()) {
    longLived[r] = options.longLivedOriginIds![r];
  }
  const suffixes = [...(options.longLivedPathSuffixes ?? [])];
  // Without long-lived origins in other Regions the code is the one generated before they
  // existed (the API's candidates are every Region): no /_region-ll/ paths, no second argument.
  const withLongLived = Object.keys(longLived).length > 0;

  const code = `import cf from 'cloudfront';

// The front door's viewer-request function (generated by routerFunctionCode): sets
// ${VIEWER_ADDRESS_HEADER} and sends the request to the nearest Region its service runs in.
const PRIMARY = ${JSON.stringify(primary)};
const PRIMARY_AT = ${JSON.stringify(REGION_COORDINATES[primary])};
const REGIONS = ${JSON.stringify(coordinates)};
const API = ${JSON.stringify(api)};
const LONG_LIVED = ${JSON.stringify(longLived)};
const SUFFIXES = ${JSON.stringify(suffixes)};
const SERVICE = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const RAD = Math.PI / 180;

function distance(lat, lon, at) {
  const h = Math.sin((at[0] - lat) * RAD / 2) ** 2
    + Math.cos(lat * RAD) * Math.cos(at[0] * RAD) * Math.sin((at[1] - lon) * RAD / 2) ** 2;
  return Math.asin(Math.sqrt(Math.min(1, h)));
}

function coordinate(header, limit) {
  if (header === undefined) return null;
  const value = parseFloat(header.value);
  return isFinite(value) && Math.abs(value) <= limit ? value : null;
}

function isLongLived(uri) {
  for (let i = 0; i < SUFFIXES.length; i++) {
    const s = '/' + SUFFIXES[i];
    if (uri.length > s.length && uri.slice(-s.length) === s) return true;
    if (uri.indexOf(s + '/', 1) !== -1) return true;
  }
  return false;
}

async function chooseRegion(${withLongLived ? 'request, origins' : 'request'}) {
  const service = request.uri.split('/')[1];
  if (!SERVICE.test(service)) return PRIMARY;
  const lat = coordinate(request.headers['cloudfront-viewer-latitude'], 90);
  const lon = coordinate(request.headers['cloudfront-viewer-longitude'], 180);
  if (lat === null || lon === null) return PRIMARY;
  const near = {};
  near[PRIMARY] = distance(lat, lon, PRIMARY_AT);
${withLongLived ? `  // Only the Regions with an origin of the request's kind are candidates.
  const order = Object.keys(origins);` : '  const order = Object.keys(REGIONS);'}
  for (let i = 0; i < order.length; i++) near[order[i]] = distance(lat, lon, REGIONS[order[i]]);
  order.push(PRIMARY);
  order.sort((a, b) => near[a] - near[b]);
  try {
    const kvs = cf.kvs();
    for (let i = 0; i < order.length; i++) {
      const region = order[i];
      if (region === PRIMARY) return PRIMARY;
      if (await kvs.exists(${withLongLived ? "(origins === LONG_LIVED ? 'l/' : 's/')" : "'s/'"} + service + '/' + region) && !(await kvs.exists('d/' + region))) return region;
    }
  } catch (e) {
    // The store cannot be read: the primary serves every service.
  }
  return PRIMARY;
}

async function handler(event) {
  const request = event.request;
  request.headers[${JSON.stringify(VIEWER_ADDRESS_HEADER)}] = { value: event.viewer.ip };
${withLongLived ? `  const prefix = request.uri.indexOf(${JSON.stringify(REGION_PREFIX)}) === 0 ? ${REGION_PREFIX.length}
    : request.uri.indexOf(${JSON.stringify(REGION_LONG_LIVED_PREFIX)}) === 0 ? ${REGION_LONG_LIVED_PREFIX.length} : 0;
  if (prefix > 0) {
    // /_region/<region>/<path> or /_region-ll/<region>/<path>: the behaviour of that path
    // pattern sends it to the Region's API or long-lived origin.
    const rest = request.uri.slice(prefix);` : `  if (request.uri.indexOf(${JSON.stringify(REGION_PREFIX)}) === 0) {
    // /_region/<region>/<path>: the behaviour of that path pattern sends it to the Region's API.
    const rest = request.uri.slice(${REGION_PREFIX.length});`}
    const slash = rest.indexOf('/');
    request.uri = slash < 0 ? '/' : rest.slice(slash);
    return request;
  }
  const origins = isLongLived(request.uri) ? LONG_LIVED : API;
  // No other Region has an origin of this kind${withLongLived ? '' : ' (long-lived paths today)'}: no store reads.
  if (Object.keys(origins).length === 0) return request;
  const region = await chooseRegion(${withLongLived ? 'request, origins' : 'request'});
  if (region !== PRIMARY && origins[region] !== undefined) cf.selectRequestOriginById(origins[region]);
  return request;
}
`;
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > MAX_FUNCTION_CODE_BYTES) {
    throw new UnscopedPropError(FACTORY, 'apiOriginIds', others,
      `the router's code would be ${bytes} bytes, over CloudFront Functions' ${MAX_FUNCTION_CODE_BYTES}: use fewer regions or shorter origin ids`);
  }
  return code;
}

function validate(options: RouterCodeOptions): void {
  validateRegion('primaryRegion', options.primaryRegion);
  const apiRegions = Object.keys(options.apiOriginIds);
  for (const r of apiRegions) {
    validateRegion('apiOriginIds', r);
    validateOriginId(`apiOriginIds.${r}`, options.apiOriginIds[r]);
  }
  for (const r of Object.keys(options.longLivedOriginIds ?? {})) {
    validateRegion('longLivedOriginIds', r);
    validateOriginId(`longLivedOriginIds.${r}`, options.longLivedOriginIds![r]);
    if (r !== options.primaryRegion && !apiRegions.includes(r)) {
      throw new UnscopedPropError(FACTORY, 'longLivedOriginIds', r, 'expected a region that also has an api origin (apiOriginIds) or the primary region');
    }
  }
  const suffixes = options.longLivedPathSuffixes ?? [];
  for (const s of suffixes) {
    if (typeof s !== 'string' || !SUFFIX_RE.test(s)) {
      throw new UnscopedPropError(FACTORY, 'longLivedPathSuffixes', s, 'expected one path segment of a-z, 0-9, ".", "_" and "-" without slashes');
    }
  }
  if (new Set(suffixes).size !== suffixes.length) {
    throw new UnscopedPropError(FACTORY, 'longLivedPathSuffixes', suffixes, 'list each suffix once');
  }
}

function validateRegion(prop: string, region: unknown): void {
  if (typeof region !== 'string' || !REGION_RE.test(region) || !(region in REGION_COORDINATES)) {
    throw new UnscopedPropError(FACTORY, prop, region,
      'expected a commercial aws region code such as eu-central-1 that the router has coordinates for');
  }
}

function validateOriginId(prop: string, id: unknown): void {
  if (typeof id !== 'string' || !ORIGIN_ID_RE.test(id)) {
    throw new UnscopedPropError(FACTORY, prop, id, 'expected 1 to 128 characters of a-z, A-Z, 0-9, "_", "." and "-", starting with a letter or digit');
  }
}
