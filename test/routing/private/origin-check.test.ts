import * as crypto from 'crypto';
import * as vm from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { ApiRoutes, ApiTarget, GlobalPlatform } from '../../../src';
import { AuthorizerIo, authorizeRequest, checkOrigin, JwtConfig, jwtConfigFor, JwtRouteConfig, routeBasePath, verifyJwt } from '../../../src/routing/private/origin-check';
import { errorOf } from '../../helpers/errors';
import { ENV, georgiPlatform, synthPlatform } from '../../helpers/fixtures';
import { onlyOne, resources } from '../../helpers/templates';

// The front door's request authorizers: the logic (called directly, with real RSA keys and
// signatures), the inline code as Lambda would load it, and the resources around it.

const SECRET = 'current-secret-value-0123456789';
const PREVIOUS = 'previous-secret-value-9876543210';
const ISSUER = 'https://issuer.example.com';
const JWKS_URI = 'https://issuer.example.com/keys';
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'RS256', use: 'sig' };

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A signed JWT (RS256 with the test key unless told otherwise). */
function token(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: crypto.KeyObject = privateKey): string {
  const h = { alg: 'RS256', typ: 'JWT', kid: 'key-1', ...header };
  const hashes: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
  const hash = Object.prototype.hasOwnProperty.call(hashes, h.alg as string) ? hashes[h.alg as string] : 'sha256';
  const input = `${b64(h)}.${b64(claims)}`;
  return `${input}.${crypto.sign(hash, Buffer.from(input), key).toString('base64url')}`;
}

const seconds = Math.floor(NOW / 1000);
const GOOD = { iss: ISSUER, aud: 'app', sub: 'user-1', scope: 'read', exp: seconds + 600, iat: seconds - 10 };

interface FakeIo extends AuthorizerIo {
  fetched: string[];
  time: number;
}

function io(options: { secrets?: string[]; keys?: unknown[]; routes?: JwtRouteConfig[][] } = {}): FakeIo {
  const routeReads = [...(options.routes ?? [[{ basePath: '/jessica', ...CONFIG }]])];
  const fake: FakeIo = {
    fetched: [],
    time: NOW,
    crypto,
    secrets: async () => options.secrets ?? [SECRET],
    jwtRoutes: async () => (routeReads.length > 1 ? routeReads.shift() : routeReads[0]) ?? [],
    fetchJson: async (url: string) => {
      fake.fetched.push(url);
      if (url === `${ISSUER}/.well-known/openid-configuration`) return { issuer: ISSUER, jwks_uri: JWKS_URI };
      if (url === JWKS_URI) return { keys: options.keys ?? [jwk] };
      throw new Error(`GET ${url}: 404`);
    },
    now: () => fake.time,
  };
  return fake;
}

const CONFIG: JwtConfig = { issuer: ISSUER, audience: ['app', 'other-app'], jwksUri: '' };

describe('checkOrigin', () => {
  test('the current secret in x-origin-verify: through the front door', async () => {
    expect(await checkOrigin({ headers: { 'x-origin-verify': SECRET } }, io())).toBe(true);
  });

  test('during a rotation the previous value is accepted too', async () => {
    const rotating = io({ secrets: [SECRET, PREVIOUS] });
    expect(await checkOrigin({ headers: { 'x-origin-verify': PREVIOUS } }, rotating)).toBe(true);
    expect(await checkOrigin({ headers: { 'x-origin-verify': SECRET } }, rotating)).toBe(true);
  });

  test.each([
    ['a wrong value', { 'x-origin-verify': 'guess' }],
    ['the value with a suffix', { 'x-origin-verify': `${SECRET}x` }],
    ['a prefix of the value', { 'x-origin-verify': SECRET.slice(0, 10) }],
    ['an empty header', { 'x-origin-verify': '' }],
    ['no header', {}],
    ['the secret in another header', { 'x-origin-verifyx': SECRET }],
  ])('%s: refused', async (_, headers) => {
    expect(await checkOrigin({ headers }, io())).toBe(false);
  });

  test('no accepted value (the secret could not be read as a string): refused', async () => {
    expect(await checkOrigin({ headers: { 'x-origin-verify': SECRET } }, io({ secrets: [] }))).toBe(false);
    expect(await checkOrigin({ headers: { 'x-origin-verify': '' } }, io({ secrets: [''] }))).toBe(false);
  });
});

describe('verifyJwt (the checks of API Gateway\'s JWT authorizer)', () => {
  const verify = (authorization: string | undefined, fake = io(), config = CONFIG) => verifyJwt(authorization, config, fake, {});

  test('a valid RS256 token: its claims, the key set found through the discovery document', async () => {
    const fake = io();
    expect(await verify(`Bearer ${token(GOOD)}`, fake)).toEqual(GOOD);
    expect(fake.fetched).toEqual([`${ISSUER}/.well-known/openid-configuration`, JWKS_URI]);
  });

  test('RS384 and RS512 are accepted (by a key that names no alg); the Bearer prefix is optional', async () => {
    const { alg, ...anyAlg } = jwk;
    expect(alg).toBe('RS256');
    expect(await verify(token(GOOD, { alg: 'RS384' }), io({ keys: [anyAlg] }))).toEqual(GOOD);
    expect(await verify(`bearer ${token(GOOD, { alg: 'RS512' })}`, io({ keys: [anyAlg] }))).toEqual(GOOD);
  });

  test('with jwtJwksEndpoint the key set is read from it, without discovery', async () => {
    const fake = io();
    expect(await verify(token(GOOD), fake, { ...CONFIG, jwksUri: JWKS_URI })).toEqual(GOOD);
    expect(fake.fetched).toEqual([JWKS_URI]);
  });

  test('client_id instead of aud (Cognito access tokens) is accepted, and aud may be a list', async () => {
    const { aud, ...noAud } = GOOD;
    expect(aud).toBe('app');
    expect(await verify(token({ ...noAud, client_id: 'other-app' }))).toBeDefined();
    expect(await verify(token({ ...GOOD, aud: ['x', 'other-app'] }))).toBeDefined();
  });

  test('client_id counts only without aud (as API Gateway): a token for another API is refused', async () => {
    expect(await verify(token({ ...GOOD, aud: 'another-api', client_id: 'app' }))).toBeUndefined();
  });

  test('keys whose use is not sig, or whose alg is not the token\'s, are refused', async () => {
    expect(await verify(token(GOOD), io({ keys: [{ ...jwk, use: 'enc' }] }))).toBeUndefined();
    expect(await verify(token(GOOD), io({ keys: [{ ...jwk, alg: 'RS512' }] }))).toBeUndefined();
    expect(await verify(token(GOOD, { alg: 'constructor' }))).toBeUndefined();
    expect(await verify(token(GOOD, { alg: 'toString' }))).toBeUndefined();
  });

  test('when the issuer is down, the keys it gave are used for up to 2 hours', async () => {
    const fake = io();
    const cache = {};
    expect(await verifyJwt(token(GOOD), CONFIG, fake, cache)).toBeDefined();
    fake.fetchJson = async () => {
      throw new Error('issuer down');
    };
    fake.time += 11 * 60_000;
    expect(await verifyJwt(token({ ...GOOD, exp: Math.floor(fake.time / 1000) + 60 }), CONFIG, fake, cache)).toBeDefined();
    fake.time += 2 * 3_600_000;
    await expect(verifyJwt(token({ ...GOOD, exp: Math.floor(fake.time / 1000) + 60 }), CONFIG, fake, cache)).rejects.toThrow('issuer down');
  });

  test.each<[string, () => string]>([
    ['signed by another key', () => token(GOOD, {}, other.privateKey)],
    ['an unknown kid', () => token(GOOD, { kid: 'key-2' })],
    ['no kid', () => token(GOOD, { kid: undefined })],
    ['alg none', () => `${b64({ alg: 'none', kid: 'key-1' })}.${b64(GOOD)}.`],
    ['alg HS256 with the public key as secret', () => {
      const input = `${b64({ alg: 'HS256', kid: 'key-1' })}.${b64(GOOD)}`;
      const mac = crypto.createHmac('sha256', publicKey.export({ format: 'pem', type: 'spki' })).update(input).digest('base64url');
      return `${input}.${mac}`;
    }],
    ['a changed payload', () => {
      const [h, , sig] = token(GOOD).split('.');
      return `${h}.${b64({ ...GOOD, sub: 'admin' })}.${sig}`;
    }],
    ['another issuer', () => token({ ...GOOD, iss: 'https://evil.example.com' })],
    ['the issuer with a trailing slash', () => token({ ...GOOD, iss: `${ISSUER}/` })],
    ['another audience', () => token({ ...GOOD, aud: 'someone-else' })],
    ['no audience', () => token({ ...GOOD, aud: undefined })],
    ['expired', () => token({ ...GOOD, exp: seconds - 1 })],
    ['expiring now', () => token({ ...GOOD, exp: seconds })],
    ['no exp', () => token({ ...GOOD, exp: undefined })],
    ['exp as a string', () => token({ ...GOOD, exp: String(seconds + 600) })],
    ['not before the future', () => token({ ...GOOD, nbf: seconds + 60 })],
    ['issued in the future', () => token({ ...GOOD, iat: seconds + 60 })],
    ['two parts', () => token(GOOD).split('.').slice(0, 2).join('.')],
    ['not base64 JSON', () => 'a.b.c'],
  ])('%s: refused', async (_, make) => {
    expect(await verify(`Bearer ${make()}`)).toBeUndefined();
  });

  test('no Authorization header: refused without fetching keys', async () => {
    const fake = io();
    expect(await verify(undefined, fake)).toBeUndefined();
    expect(fake.fetched).toEqual([]);
  });

  test('the key set is cached for 10 minutes, and fetched again at once for a new kid (at most once a minute)', async () => {
    const fake = io();
    const cache = {};
    await verifyJwt(token(GOOD), CONFIG, fake, cache);
    fake.time += 30_000;
    await verifyJwt(token(GOOD), CONFIG, fake, cache);
    expect(fake.fetched).toHaveLength(2);
    // An unknown kid within the minute: no new fetch (a flood of bad kids cannot hammer the issuer).
    expect(await verifyJwt(token(GOOD, { kid: 'rotated' }), CONFIG, fake, cache)).toBeUndefined();
    expect(fake.fetched).toHaveLength(2);
    fake.time += 40_000;
    expect(await verifyJwt(token(GOOD, { kid: 'rotated' }), CONFIG, fake, cache)).toBeUndefined();
    expect(fake.fetched).toHaveLength(4);
    fake.time += 11 * 60_000;
    await verifyJwt(token({ ...GOOD, exp: Math.floor(fake.time / 1000) + 60 }), CONFIG, fake, cache);
    expect(fake.fetched).toHaveLength(6);
  });
});

describe('authorizeRequest', () => {
  const run = (headers: Record<string, string>, checkJwt = true, routeKey = 'ANY /jessica/{proxy+}', fake = io()) =>
    authorizeRequest({ headers, routeKey }, checkJwt, fake, {}, checkOrigin, verifyJwt, jwtConfigFor, routeBasePath);

  test('origin only: authorized with the header, no context', async () => {
    expect(await run({ 'x-origin-verify': SECRET }, false)).toEqual({ isAuthorized: true });
    expect(await run({ 'x-origin-verify': 'nope' }, false)).toEqual({ isAuthorized: false });
  });

  test('the route key names the service whose issuer and audiences apply (one function for every JWT service)', async () => {
    const routes = [[
      { basePath: '/jessica', ...CONFIG },
      { basePath: '/team/orders', issuer: 'https://other-issuer.example.com', audience: ['orders'], jwksUri: '' },
    ]];
    const headers = { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(GOOD)}` };
    expect((await run(headers, true, 'ANY /jessica', io({ routes }))).isAuthorized).toBe(true);
    expect((await run(headers, true, 'ANY /jessica/{proxy+}', io({ routes }))).isAuthorized).toBe(true);
    // The same token on another service's routes: its issuer and audience do not match.
    expect(await run(headers, true, 'ANY /team/orders/{proxy+}', io({ routes }))).toEqual({ isAuthorized: false });
  });

  test('a route without a published configuration is refused after one fresh read; a just-published one is found', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const headers = { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(GOOD)}` };
      expect(await run(headers, true, 'ANY /unknown/{proxy+}')).toEqual({ isAuthorized: false });
      expect(error.mock.calls[0][0]).toMatch(/no JWT configuration published for the route ANY \/unknown\/\{proxy\+\}/);
      // The cached list lacks the service; the fresh read has it.
      const late = io({ routes: [[], [{ basePath: '/jessica', ...CONFIG }]] });
      expect((await run(headers, true, 'ANY /jessica/{proxy+}', late)).isAuthorized).toBe(true);
    } finally {
      error.mockRestore();
    }
  });

  test('two configurations claiming one base path: neither is trusted', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const claimed = [[{ basePath: '/jessica', ...CONFIG }, { basePath: '/jessica', ...CONFIG, issuer: 'https://attacker.example.com' }]];
      const headers = { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(GOOD)}` };
      expect(await run(headers, true, 'ANY /jessica/{proxy+}', io({ routes: claimed }))).toEqual({ isAuthorized: false });
      expect(error.mock.calls[0][0]).toMatch(/2 JWT configurations claim \/jessica/);
    } finally {
      error.mockRestore();
    }
  });

  test('routeBasePath: the base path of a route key', () => {
    expect(routeBasePath('ANY /jessica/{proxy+}')).toBe('/jessica');
    expect(routeBasePath('ANY /team/app')).toBe('/team/app');
    expect(routeBasePath('OPTIONS /jessica/{proxy+}')).toBe('/jessica');
    expect(routeBasePath('$default')).toBeUndefined();
    expect(routeBasePath(undefined)).toBeUndefined();
  });

  test('with a JWT: both the header and the token; the claims in the context', async () => {
    expect(await run({ 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(GOOD)}` })).toEqual({
      isAuthorized: true,
      context: { sub: 'user-1', scope: 'read', claims: JSON.stringify(GOOD) },
    });
  });

  test('a valid token without the header (a direct call with a stolen token): refused', async () => {
    expect(await run({ authorization: `Bearer ${token(GOOD)}` })).toEqual({ isAuthorized: false });
  });

  test('the header with a bad token, or none: refused', async () => {
    expect(await run({ 'x-origin-verify': SECRET, 'authorization': `Bearer ${token({ ...GOOD, exp: 1 })}` })).toEqual({ isAuthorized: false });
    expect(await run({ 'x-origin-verify': SECRET })).toEqual({ isAuthorized: false });
  });

  test('an issuer whose keys cannot be fetched: refused, and the reason logged', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const down = io({ routes: [[{ basePath: '/jessica', ...CONFIG, issuer: 'https://down.example.com' }]] });
      const result = await run({ 'x-origin-verify': SECRET, 'authorization': token(GOOD) }, true, 'ANY /jessica/{proxy+}', down);
      expect(result).toEqual({ isAuthorized: false });
      expect(error.mock.calls[0][0]).toMatch(/^jwt check failed: GET https:\/\/down\.example\.com\/\.well-known\/openid-configuration: 404$/);
    } finally {
      error.mockRestore();
    }
  });
});

// ------------------------------------------------------------------------- the deployed code

interface Deployed {
  readonly code: string;
  readonly environment: Record<string, unknown>;
}

function functionOf(template: Template, match: (r: any) => boolean): Deployed {
  const [, fn] = onlyOne(template, 'AWS::Lambda::Function', match);
  expect(typeof fn.Properties.Code.ZipFile).toBe('string');
  return { code: fn.Properties.Code.ZipFile, environment: fn.Properties.Environment.Variables };
}

/** The origin check: the function whose environment has no CHECK_JWT. */
const isOriginCheck = (r: any) => r.Properties.Environment?.Variables?.ACCEPTED_STAGES !== undefined
  && r.Properties.Environment.Variables.CHECK_JWT === undefined;
const isJwtCheck = (r: any) => r.Properties.Environment?.Variables?.CHECK_JWT === 'true';

/**
 * Loads the inline code as Lambda's Node.js runtime loads index.js, with a stand-in for the
 * runtime's AWS SDK (Secrets Manager's GetSecretValue by version stage, SSM's
 * GetParametersByPath) and for `fetch`. Deploy-time environment values become `env`'s, or
 * 'arn:secret'.
 */
function load(deployed: Deployed, versions: Record<string, string>, fetchJson: Record<string, unknown> = {}, clock = { now: Date.now() },
  env: Record<string, string> = { ACCEPTED_STAGES: 'front-door' }, parameters: Array<{ Name: string; Value: string }> = []) {
  const calls: Array<Record<string, string>> = [];
  class GetSecretValueCommand {
    constructor(public readonly input: Record<string, string>) {}
  }
  class SecretsManagerClient {
    async send(command: GetSecretValueCommand) {
      calls.push(command.input);
      const value = versions[command.input.VersionStage];
      if (value === undefined) throw Object.assign(new Error('no such version'), { name: 'ResourceNotFoundException' });
      return { SecretString: value };
    }
  }
  class GetParametersByPathCommand {
    constructor(public readonly input: Record<string, any>) {}
  }
  class GetParameterCommand {
    constructor(public readonly input: Record<string, any>) {}
  }
  class SSMClient {
    async send(command: GetParametersByPathCommand | GetParameterCommand) {
      calls.push(command.input);
      if (command instanceof GetParameterCommand) {
        const parameter = parameters.find(p => p.Name === command.input.Name);
        if (!parameter) throw Object.assign(new Error(`parameter ${command.input.Name} not found`), { name: 'ParameterNotFound' });
        return { Parameter: parameter };
      }
      // Pages of one parameter, as GetParametersByPath may return fewer than asked for.
      const start = command.input.NextToken ? Number(command.input.NextToken) : 0;
      const found = parameters.filter(p => p.Name.startsWith(`${command.input.Path}/`));
      return { Parameters: found.slice(start, start + 1), NextToken: start + 1 < found.length ? String(start + 1) : undefined };
    }
  }
  const module = { exports: {} as { handler: (event: unknown) => Promise<unknown> } };
  const environment = Object.fromEntries(Object.entries(deployed.environment).map(([k, v]) => [k, typeof v === 'string' ? v : (env[k] ?? 'arn:secret')]));
  const context = vm.createContext({
    module,
    exports: module.exports,
    Buffer,
    console,
    AbortSignal,
    clock,
    process: { env: environment },
    require: (name: string) => {
      if (name === 'crypto') return crypto;
      if (name === '@aws-sdk/client-secrets-manager') return { SecretsManagerClient, GetSecretValueCommand };
      if (name === '@aws-sdk/client-ssm') return { SSMClient, GetParametersByPathCommand, GetParameterCommand };
      throw new Error(`unexpected require ${name}`);
    },
    fetch: async (url: string) => ({ ok: url in fetchJson, status: url in fetchJson ? 200 : 404, json: async () => fetchJson[url] }),
  });
  // The context's own Date: its now() follows the test's clock.
  vm.runInContext('Date.now = () => clock.now;', context);
  new vm.Script(deployed.code, { filename: 'index.js' }).runInContext(context);
  return { handler: module.exports.handler, calls };
}

describe('an additional Region\'s origin check, as deployed (issue 24)', () => {
  const REPLICA = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:origin-AbC123';
  let deployed: Deployed;
  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, 'P', { env: { account: '123456789012', region: 'eu-central-1' } });
    new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io', additionalRegions: [{ region: 'us-west-2' }] });
    const regional = Template.fromJSON(app.synth().getStackByName('P-us-west-2').template);
    deployed = functionOf(regional, r => r.Properties.Environment?.Variables?.SECRET_ARN_PARAMETER !== undefined
      && r.Properties.Environment.Variables.CHECK_JWT === undefined);
  });
  const parameters = (accepted: string) => [
    { Name: '/platform/georgi/front-door/origin-secret-arn', Value: REPLICA },
    { Name: '/platform/georgi/front-door/origin-secret-accepted-stages', Value: accepted },
  ];

  test('reads the replica by the ARN in SSM, with the labels the primary accepts (its label resource\'s answer, from SSM)', async () => {
    const { handler, calls } = load(deployed, { 'AWSCURRENT': SECRET, '2026-12-01': SECRET, '2026-11-01': PREVIOUS }, {}, { now: NOW }, {},
      parameters('2026-12-01,2026-11-01'));
    // A value of the previous deploy's label: the Region accepts it as the primary does during a rotation.
    expect(await handler({ headers: { 'x-origin-verify': PREVIOUS } })).toEqual({ isAuthorized: true });
    expect(await handler({ headers: { 'x-origin-verify': 'guess' } })).toEqual({ isAuthorized: false });
    expect(calls.slice(0, 6)).toEqual([
      { Name: '/platform/georgi/front-door/origin-secret-accepted-stages' },
      { Name: '/platform/georgi/front-door/origin-secret-arn' },
      { SecretId: REPLICA, VersionStage: 'AWSCURRENT' },
      { SecretId: REPLICA, VersionStage: 'AWSPREVIOUS' },
      { SecretId: REPLICA, VersionStage: '2026-12-01' },
      { SecretId: REPLICA, VersionStage: '2026-11-01' },
    ]);
  });

  test('the labels are read again at each refresh (the primary\'s deploy changes them after this Region deployed)', async () => {
    const params = parameters('front-door');
    const clock = { now: NOW };
    const { handler } = load(deployed, { 'AWSCURRENT': SECRET, 'front-door': SECRET, '2027-01-01': 'next-value-00000000000000000' }, {}, clock, {}, params);
    expect(await handler({ headers: { 'x-origin-verify': 'next-value-00000000000000000' } })).toEqual({ isAuthorized: false });
    params[1].Value = '2027-01-01,front-door';
    clock.now += 11_000;
    expect(await handler({ headers: { 'x-origin-verify': 'next-value-00000000000000000' } })).toEqual({ isAuthorized: true });
  });

  test('before the primary wrote the parameters, every request fails (as with no secret at all: API Gateway refuses it)', async () => {
    const { handler } = load(deployed, { AWSCURRENT: SECRET }, {}, { now: NOW }, {}, []);
    await expect(handler({ headers: { 'x-origin-verify': SECRET } })).rejects.toThrow(/origin-secret-accepted-stages not found/);
  });
});

describe('the platform\'s origin check, as deployed', () => {
  let template: Template;
  beforeAll(() => {
    template = synthPlatform().template;
  });
  const origin = () => functionOf(template, isOriginCheck);

  test('the inline code authorizes the current, the previous and the deployed value and nothing else', async () => {
    const { handler, calls } = load(origin(), { 'AWSCURRENT': SECRET, 'AWSPREVIOUS': PREVIOUS, 'front-door': 'deployed-value-0000000000000' });
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
    expect(await handler({ headers: { 'x-origin-verify': PREVIOUS } })).toEqual({ isAuthorized: true });
    expect(await handler({ headers: { 'x-origin-verify': 'deployed-value-0000000000000' } })).toEqual({ isAuthorized: true });
    expect(await handler({ headers: { 'x-origin-verify': 'guess' } })).toEqual({ isAuthorized: false });
    // One read of each version, kept for the next requests (and once more, fresh, for the guess).
    expect(calls.slice(0, 3)).toEqual([
      { SecretId: 'arn:secret', VersionStage: 'AWSCURRENT' },
      { SecretId: 'arn:secret', VersionStage: 'AWSPREVIOUS' },
      { SecretId: 'arn:secret', VersionStage: 'front-door' },
    ]);
  });

  test('two put-secret-value calls without a platform deploy: the value CloudFront was deployed with still passes', async () => {
    // The deployed label stays on the version CloudFront resolved; AWSCURRENT and AWSPREVIOUS moved on twice.
    const { handler } = load(origin(), { 'AWSCURRENT': 'third-value-0000000000000000', 'AWSPREVIOUS': 'second-value-000000000000000', 'front-door': SECRET });
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
    // Without the label (the check before the fix read AWSCURRENT and AWSPREVIOUS only), refused.
    const before = load(origin(), { AWSCURRENT: 'third-value-0000000000000000', AWSPREVIOUS: 'second-value-000000000000000' });
    expect(await before.handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: false });
  });

  test('during a rotation deploy both labels are accepted (CloudFront\'s edges move over minutes)', async () => {
    const { handler } = load(origin(), { 'AWSCURRENT': SECRET, '2026-12-01': SECRET, '2026-11-01': PREVIOUS }, {}, { now: Date.now() },
      { ACCEPTED_STAGES: '2026-12-01,2026-11-01' });
    expect(await handler({ headers: { 'x-origin-verify': PREVIOUS } })).toEqual({ isAuthorized: true });
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
  });

  test('a value it does not know makes it read the secret again before refusing (a rotation)', async () => {
    const versions: Record<string, string> = { AWSCURRENT: SECRET };
    const clock = { now: NOW };
    const { handler, calls } = load(origin(), versions, {}, clock);
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
    clock.now += 60_000;
    versions.AWSCURRENT = 'rotated-value-000000000000000000';
    versions.AWSPREVIOUS = SECRET;
    expect(await handler({ headers: { 'x-origin-verify': 'rotated-value-000000000000000000' } })).toEqual({ isAuthorized: true });
    expect(calls).toHaveLength(6);
    // A wrong value within 10 seconds does not read it again (guessing cannot hammer Secrets Manager).
    expect(await handler({ headers: { 'x-origin-verify': 'guess' } })).toEqual({ isAuthorized: false });
    expect(calls).toHaveLength(6);
  });

  test('Secrets Manager failing at a refresh: the values read before are kept (and read again 10 seconds later)', async () => {
    const outage = { on: false };
    const versions = new Proxy<Record<string, string>>({ AWSCURRENT: SECRET }, {
      get: (target, stage: string) => {
        if (outage.on) throw Object.assign(new Error('service unavailable'), { name: 'InternalServiceError' });
        return target[stage];
      },
    });
    const clock = { now: NOW };
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { handler } = load(origin(), versions, {}, clock);
      expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
      outage.on = true;
      clock.now += 301_000;
      expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
      expect(error.mock.calls.some(c => /refresh failed, keeping the values read before: service unavailable/.test(c[0]))).toBe(true);
      // With nothing read before, the failure refuses.
      const cold = load(origin(), versions, {}, clock);
      await expect(cold.handler({ headers: { 'x-origin-verify': SECRET } })).rejects.toThrow(/service unavailable/);
    } finally {
      error.mockRestore();
    }
  });

  test('a secret without a previous version (before the first rotation) works', async () => {
    const { handler } = load(origin(), { AWSCURRENT: SECRET });
    expect(await handler({ headers: { 'x-origin-verify': SECRET } })).toEqual({ isAuthorized: true });
  });

  test('both checks run on Node.js 24, arm64, 128 MB, with a role that reads only the secret (and the JWT path) and writes its logs', () => {
    const [secretId] = onlyOne(template, 'AWS::SecretsManager::Secret');
    for (const [match, extra] of [[isOriginCheck, []], [isJwtCheck, ['ssm:GetParametersByPath']]] as const) {
      const [, fn] = onlyOne(template, 'AWS::Lambda::Function', match);
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 128, Timeout: 10 });
      expect(fn.Properties.Environment.Variables.SECRET_ARN).toEqual({ Ref: secretId });
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const statements = Object.values(resources(template, 'AWS::IAM::Policy'))
        .filter(p => JSON.stringify(p.Properties.Roles).includes(roleId))
        .flatMap(p => p.Properties.PolicyDocument.Statement);
      expect(statements.map(x => x.Action).sort()).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], 'secretsmanager:GetSecretValue', ...extra]);
      expect(statements.find(x => x.Action === 'secretsmanager:GetSecretValue').Resource).toEqual({ Ref: secretId });
      if (extra.length > 0) {
        expect(JSON.stringify(statements.find(x => x.Action === 'ssm:GetParametersByPath').Resource)).toMatch(/:parameter\/platform\/georgi\/jwt"/);
      }
    }
  });

  test('the platform holds the API\'s only two Lambda authorizers: the origin check (cached 5 minutes) and the JWT check (not cached)', () => {
    const authorizers = Object.values(resources(template, 'AWS::ApiGatewayV2::Authorizer')).map(a => a.Properties);
    expect(authorizers).toHaveLength(2);
    expect(authorizers.find(a => a.Name === 'origin')).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.x-origin-verify'],
      AuthorizerResultTtlInSeconds: 300,
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
    });
    expect(authorizers.find(a => a.Name === 'jwt-origin')).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.x-origin-verify', '$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  test('API Gateway may call the checks for the authorizers of the platform\'s API only', () => {
    const [apiId] = onlyOne(template, 'AWS::ApiGatewayV2::Api');
    const permissions = Object.values(resources(template, 'AWS::Lambda::Permission'))
      .filter(p => JSON.stringify(p.Properties.SourceArn).includes('authorizers'));
    expect(permissions).toHaveLength(2);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(permission.Properties.SourceArn['Fn::Join'][1]).toEqual(expect.arrayContaining([{ Ref: apiId }]));
    }
  });

  test('the secret is generated (48 letters and digits) and retained with the platform', () => {
    const [, secret] = onlyOne(template, 'AWS::SecretsManager::Secret');
    expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false });
    expect((secret as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  test('CloudFront sends the labelled version as x-origin-verify, through a dynamic reference, after the label is in place', () => {
    const [distributionId, distribution] = onlyOne(template, 'AWS::CloudFront::Distribution');
    const [secretId] = onlyOne(template, 'AWS::SecretsManager::Secret');
    const apiOrigins = distribution.Properties.DistributionConfig.Origins.filter((o: any) => o.CustomOriginConfig);
    expect(apiOrigins).toHaveLength(1);
    expect(apiOrigins[0].OriginCustomHeaders).toEqual([{
      HeaderName: 'x-origin-verify',
      HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString::front-door:}}']] },
    }]);
    const [stageId, stage] = onlyOne(template, 'Custom::OriginSecretStage');
    expect(stage.Properties).toMatchObject({ SecretId: { Ref: secretId }, Stage: 'front-door', ServiceTimeout: '300' });
    expect((distribution as { DependsOn?: string[] }).DependsOn).toContain(stageId);
    expect(template.toJSON().Resources[distributionId]).toBeDefined();
  });

  test('a CloudFront Function sets x-viewer-address to the viewer\'s IP on every behaviour, replacing a client\'s value', () => {
    const fresh = synthPlatform({ longLivedConnections: {} }).template;
    const [fnId, fn] = onlyOne(fresh, 'AWS::CloudFront::Function');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const code: string = fn.Properties.FunctionCode;
    // Run it as CloudFront would: a viewer request with a forged header.
    const handler = new Function(`${code}; return handler;`)();
    const request = { headers: { 'x-viewer-address': { value: '10.0.0.1' }, 'host': { value: 'api.georgi.io' } } };
    expect(handler({ request, viewer: { ip: '203.0.113.7' } }).headers).toEqual({
      'x-viewer-address': { value: '203.0.113.7' }, 'host': { value: 'api.georgi.io' },
    });
    const [, distribution] = onlyOne(fresh, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const behaviours = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    expect(behaviours.length).toBeGreaterThan(2);
    for (const behaviour of behaviours) {
      expect(behaviour.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }]);
    }
    expect(GlobalPlatform.VIEWER_ADDRESS_HEADER).toBe('x-viewer-address');
  });

  test('the platform publishes the secret, the function and both authorizers for service apps', () => {
    const names = Object.values(resources(template, 'AWS::SSM::Parameter')).map(p => p.Properties.Name);
    expect(names).toEqual(expect.arrayContaining([
      '/platform/georgi/front-door/origin-secret-arn', '/platform/georgi/front-door/origin-authorizer-function-arn',
      '/platform/georgi/front-door/origin-authorizer-id', '/platform/georgi/front-door/jwt-origin-authorizer-id',
    ]));
  });

  test('GlobalPlatform.ORIGIN_VERIFY_HEADER names the header', () => {
    expect(GlobalPlatform.ORIGIN_VERIFY_HEADER).toBe('x-origin-verify');
  });
});

describe('the platform\'s JWT check, as deployed', () => {
  test('checks the header and the token against the issuer and audiences that the route\'s service published', async () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const platform = georgiPlatform(stack);
    new ApiRoutes(stack, 'Routes', {
      platform,
      serviceName: 'jessica',
      target: ApiTarget.httpUrl('https://jessica.example.com'),
      jwtIssuer: ISSUER,
      jwtAudience: ['app'],
    });
    const template = Template.fromStack(stack);
    const [parameterId, parameter] = onlyOne(template, 'AWS::SSM::Parameter', r => r.Properties.Name === '/platform/georgi/jwt/jessica');
    // The routes switch to the JWT check only once the configuration is published.
    for (const route of Object.values(resources(template, 'AWS::ApiGatewayV2::Route'))) {
      expect((route as { DependsOn?: string[] }).DependsOn).toContain(parameterId);
    }
    expect(JSON.parse(parameter.Properties.Value)).toEqual({ basePath: '/jessica', issuer: ISSUER, audience: ['app'] });
    const deployed = functionOf(template, isJwtCheck);
    expect(deployed.environment.JWT_CONFIG_PATH).toBe('/platform/georgi/jwt');
    // The SSM stand-in serves what the template publishes, plus another service's configuration.
    const published = [
      { Name: '/platform/georgi/jwt/jessica', Value: parameter.Properties.Value },
      { Name: '/platform/georgi/jwt/orders', Value: JSON.stringify({ basePath: '/orders', issuer: 'https://other.example.com', audience: ['o'] }) },
    ];
    const { handler } = load(deployed, { AWSCURRENT: SECRET }, {
      [`${ISSUER}/.well-known/openid-configuration`]: { jwks_uri: JWKS_URI },
      [JWKS_URI]: { keys: [jwk] },
    }, { now: Date.now() }, { ACCEPTED_STAGES: 'front-door' }, published);
    const fresh = { ...GOOD, exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) - 5 };
    const routeKey = 'ANY /jessica/{proxy+}';
    expect(await handler({ routeKey, headers: { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(fresh)}` } }))
      .toMatchObject({ isAuthorized: true, context: { sub: 'user-1' } });
    expect(await handler({ routeKey, headers: { authorization: `Bearer ${token(fresh)}` } })).toEqual({ isAuthorized: false });
    expect(await handler({ routeKey, headers: { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token({ ...fresh, aud: 'x' })}` } }))
      .toEqual({ isAuthorized: false });
    expect(await handler({ routeKey: 'ANY /orders/{proxy+}', headers: { 'x-origin-verify': SECRET, 'authorization': `Bearer ${token(fresh)}` } }))
      .toEqual({ isAuthorized: false });
  });
});

describe('originSecretRotation', () => {
  test('the label is the staging label in the reference and in the label resource, so a new label changes the template text', () => {
    const header = (rotation?: string) => {
      const { template } = synthPlatform({ originSecretRotation: rotation });
      const [, distribution] = onlyOne(template, 'AWS::CloudFront::Distribution');
      const origin = distribution.Properties.DistributionConfig.Origins.find((o: any) => o.OriginCustomHeaders);
      const [, stage] = onlyOne(template, 'Custom::OriginSecretStage');
      expect(stage.Properties.Stage).toBe(rotation ?? 'front-door');
      return JSON.stringify(origin.OriginCustomHeaders[0].HeaderValue);
    };
    expect(header()).toMatch(/:SecretString::front-door:}}"\]\]}$/);
    expect(header('2026-12-01')).toMatch(/:SecretString::2026-12-01:}}"\]\]}$/);
    expect(header('2027-01-01')).not.toBe(header('2026-12-01'));
  });

  test.each(['', 'a'.repeat(41), 'new/line', 'x\ny', 'with space', 'AWSCURRENT'])('refuses %j, naming the prop', label => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(errorOf(() => georgiPlatform(stack, { originSecretRotation: label })).message).toMatch(
      /originSecretRotation .*expected a staging label of 1 to 40 letters, digits and \. _ - that does not start with AWS/);
  });
});

describe('a service with its own authorizer', () => {
  test('is warned that its routes skip the origin check', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const platform = georgiPlatform(stack);
    new ApiRoutes(stack, 'Routes', {
      platform,
      serviceName: 'custom',
      target: ApiTarget.httpUrl('https://custom.example.com'),
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('replaces the front door\'s origin check'));
    expect(warnings).toHaveLength(1);
  });
});
