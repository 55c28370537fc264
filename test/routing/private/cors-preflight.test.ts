import * as vm from 'vm';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { ApiRoutes, ApiTarget, GlobalPlatform, ServiceCorsOptions } from '../../../src';
import { CorsPolicy, corsPolicy, PreflightEvent, PreflightResult, respondToPreflight } from '../../../src/routing/private/cors-preflight';
import { ENV } from '../../helpers/fixtures';


const POLICY: CorsPolicy = {
  allowOrigins: ['https://jessica.georgi.io', 'http://localhost:5173'],
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['content-type', 'authorization', 'x-request-id'],
  allowCredentials: false,
  maxAgeSeconds: 600,
};

const preflight = (origin?: string): PreflightEvent => ({
  headers: origin === undefined
    ? { 'access-control-request-method': 'POST' }
    : { 'origin': origin, 'access-control-request-method': 'POST' },
});

const FORBIDDEN: PreflightResult = {
  statusCode: 403,
  headers: { 'content-type': 'application/json', 'vary': 'Origin' },
  body: JSON.stringify({ message: 'origin not allowed' }),
};

// ====================================================================== respondToPreflight

describe('respondToPreflight', () => {
  test('an allowed origin: 204 with the CORS headers, echoing the origin, vary Origin', () => {
    expect(respondToPreflight(preflight('https://jessica.georgi.io'), POLICY)).toEqual({
      statusCode: 204,
      headers: {
        'access-control-allow-origin': 'https://jessica.georgi.io',
        'access-control-allow-methods': 'GET,POST',
        'access-control-allow-headers': 'content-type,authorization,x-request-id',
        'access-control-max-age': '600',
        'vary': 'Origin',
      },
    });
  });

  test('every listed origin is echoed back as itself', () => {
    const result = respondToPreflight(preflight('http://localhost:5173'), POLICY);
    expect(result.statusCode).toBe(204);
    expect(result.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  test('a 204 has no body', () => {
    expect(respondToPreflight(preflight('https://jessica.georgi.io'), POLICY).body).toBeUndefined();
  });

  test.each([
    'https://evil.example.com',
    'https://jessica.georgi.io.evil.example.com',
    'https://JESSICA.georgi.io',
    'http://jessica.georgi.io',
    'https://jessica.georgi.io:8443',
    'null',
  ])('an unknown origin %j: 403 JSON without CORS headers', origin => {
    const result = respondToPreflight(preflight(origin), POLICY);
    expect(result).toEqual(FORBIDDEN);
    expect(JSON.parse(result.body!)).toEqual({ message: 'origin not allowed' });
    expect(Object.keys(result.headers).filter(h => h.startsWith('access-control-'))).toEqual([]);
  });

  test('a missing Origin header: 403', () => {
    expect(respondToPreflight(preflight(), POLICY)).toEqual(FORBIDDEN);
  });

  test('an empty Origin header: 403', () => {
    expect(respondToPreflight(preflight(''), POLICY)).toEqual(FORBIDDEN);
  });

  test('an event without headers: 403', () => {
    expect(respondToPreflight({}, POLICY)).toEqual(FORBIDDEN);
  });

  test('"*" allows any origin and answers "*"', () => {
    const result = respondToPreflight(preflight('https://anyone.example.com'), { ...POLICY, allowOrigins: ['*'] });
    expect(result.statusCode).toBe(204);
    expect(result.headers['access-control-allow-origin']).toBe('*');
    expect(result.headers.vary).toBe('Origin');
  });

  test('"*" among listed origins still answers "*"', () => {
    const result = respondToPreflight(preflight('https://jessica.georgi.io'), { ...POLICY, allowOrigins: ['https://jessica.georgi.io', '*'] });
    expect(result.headers['access-control-allow-origin']).toBe('*');
  });

  test('"*" still needs an Origin header', () => {
    expect(respondToPreflight(preflight(), { ...POLICY, allowOrigins: ['*'] })).toEqual(FORBIDDEN);
  });

  test('the credentials header only with allowCredentials', () => {
    const without = respondToPreflight(preflight('https://jessica.georgi.io'), POLICY);
    expect(without.headers).not.toHaveProperty('access-control-allow-credentials');
    const withCredentials = respondToPreflight(preflight('https://jessica.georgi.io'), { ...POLICY, allowCredentials: true });
    expect(withCredentials.headers['access-control-allow-credentials']).toBe('true');
    expect(withCredentials.headers['access-control-allow-origin']).toBe('https://jessica.georgi.io');
  });

  test('a refused origin gets no credentials header either', () => {
    const result = respondToPreflight(preflight('https://evil.example.com'), { ...POLICY, allowCredentials: true });
    expect(result.statusCode).toBe(403);
    expect(result.headers).not.toHaveProperty('access-control-allow-credentials');
  });

  test('max age is sent as a string of seconds', () => {
    const result = respondToPreflight(preflight('https://jessica.georgi.io'), { ...POLICY, maxAgeSeconds: 7200 });
    expect(result.headers['access-control-max-age']).toBe('7200');
  });
});

// ============================================================================== corsPolicy

describe('corsPolicy', () => {
  test('defaults: the common methods, content-type and authorization, no credentials, 10 minutes', () => {
    expect(corsPolicy({ allowOrigins: ['https://jessica.georgi.io'] })).toEqual({
      allowOrigins: ['https://jessica.georgi.io'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowHeaders: ['content-type', 'authorization'],
      allowCredentials: false,
      maxAgeSeconds: 600,
    });
  });

  test('given values win', () => {
    expect(corsPolicy({
      allowOrigins: ['*'],
      allowMethods: [apigwv2.CorsHttpMethod.GET],
      allowHeaders: ['x-api-key'],
      allowCredentials: true,
      maxAge: Duration.hours(1),
    })).toEqual({
      allowOrigins: ['*'],
      allowMethods: ['GET'],
      allowHeaders: ['x-api-key'],
      allowCredentials: true,
      maxAgeSeconds: 3600,
    });
  });

  test('the policy is plain JSON (it travels in an environment variable)', () => {
    const policy = corsPolicy({ allowOrigins: ['https://jessica.georgi.io'], maxAge: Duration.minutes(5) });
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
  });
});

// ============================================================== the deployed preflight function

interface Deployed {
  readonly code: string;
  readonly environment: Record<string, string>;
}

/** Synthesizes a service with `cors` on an imported platform and returns the preflight function's inline code. */
function deployedFunction(cors: ServiceCorsOptions): Deployed {
  const stack = new Stack(new App(), 'Service', { env: ENV });
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io' });
  new ApiRoutes(stack, 'JessicaRoutes', {
    platform, serviceName: 'jessica', target: ApiTarget.httpUrl('https://legacy.example.com'), cors,
  });
  const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  expect(functions).toHaveLength(1);
  const props = functions[0].Properties;
  expect(props.Handler).toBe('index.handler');
  expect(typeof props.Code.ZipFile).toBe('string');
  return { code: props.Code.ZipFile, environment: props.Environment.Variables };
}

type Handler = (event: unknown) => Promise<PreflightResult>;

/** Runs the inline code the way Lambda's Node.js runtime would load `index.js`, in an isolated context. */
function load(deployed: Deployed, environment: Record<string, string> = deployed.environment): Handler {
  const context = { exports: {} as { handler?: Handler }, process: { env: { ...environment } } };
  new vm.Script(deployed.code, { filename: 'index.js' }).runInNewContext(context);
  expect(typeof context.exports.handler).toBe('function');
  return context.exports.handler!;
}

/** Copies a result out of the vm's realm so that deep equality compares plain values. */
async function invoke(handler: Handler, event: unknown): Promise<PreflightResult> {
  return JSON.parse(JSON.stringify(await handler(event)));
}

/** A payload 2.0 event as the HTTP API sends it for a preflight. */
function httpApiEvent(origin?: string): Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: 'OPTIONS /jessica/{proxy+}',
    rawPath: '/jessica/api/v1/voices',
    rawQueryString: '',
    headers: {
      ...(origin === undefined ? {} : { origin }),
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
      'host': 'api.georgi.io',
    },
    requestContext: { http: { method: 'OPTIONS', path: '/jessica/api/v1/voices' } },
    isBase64Encoded: false,
  };
}

describe('the synthesized preflight function', () => {
  const cors: ServiceCorsOptions = { allowOrigins: ['https://jessica.georgi.io'], allowCredentials: true, maxAge: Duration.minutes(30) };
  let deployed: Deployed;
  beforeAll(() => {
    deployed = deployedFunction(cors);
  });

  test('CORS_POLICY is the JSON of corsPolicy(cors)', () => {
    expect(JSON.parse(deployed.environment.CORS_POLICY)).toEqual(corsPolicy(cors));
  });

  test('the code is self-contained: it loads with only exports and process.env', () => {
    expect(() => load(deployed)).not.toThrow();
  });

  test('an allowed origin: 204 with the policy\'s headers', async () => {
    expect(await invoke(load(deployed), httpApiEvent('https://jessica.georgi.io'))).toEqual({
      statusCode: 204,
      headers: {
        'access-control-allow-origin': 'https://jessica.georgi.io',
        'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE',
        'access-control-allow-headers': 'content-type,authorization',
        'access-control-max-age': '1800',
        'access-control-allow-credentials': 'true',
        'vary': 'Origin',
      },
    });
  });

  test('an unknown origin: 403 JSON', async () => {
    const result = await invoke(load(deployed), httpApiEvent('https://evil.example.com'));
    expect(result.statusCode).toBe(403);
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'vary': 'Origin' });
    expect(JSON.parse(result.body!)).toEqual({ message: 'origin not allowed' });
  });

  test('no Origin header: 403', async () => {
    expect((await invoke(load(deployed), httpApiEvent())).statusCode).toBe(403);
  });

  test('the deployed code answers like respondToPreflight for the same policy', async () => {
    const handler = load(deployed);
    const policy = corsPolicy(cors);
    for (const origin of ['https://jessica.georgi.io', 'https://evil.example.com', undefined]) {
      const event = httpApiEvent(origin) as PreflightEvent;
      expect(await invoke(handler, event)).toEqual(JSON.parse(JSON.stringify(respondToPreflight(event, policy))));
    }
  });

  test('the function reads its policy from CORS_POLICY at load time', async () => {
    const other: CorsPolicy = { ...corsPolicy({ allowOrigins: ['*'] }), allowMethods: ['GET'] };
    const handler = load(deployed, { CORS_POLICY: JSON.stringify(other) });
    const result = await invoke(handler, httpApiEvent('https://anyone.example.com'));
    expect(result.statusCode).toBe(204);
    expect(result.headers['access-control-allow-origin']).toBe('*');
    expect(result.headers['access-control-allow-methods']).toBe('GET');
    expect(result.headers).not.toHaveProperty('access-control-allow-credentials');
  });

  test('without CORS_POLICY the code fails to load (no silent allow-all)', () => {
    expect(() => load(deployed, {})).toThrow();
  });

  test('"*" without credentials in the deployed function', async () => {
    const handler = load(deployedFunction({ allowOrigins: ['*'] }));
    const result = await invoke(handler, httpApiEvent('https://anyone.example.com'));
    expect(result).toEqual({
      statusCode: 204,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE',
        'access-control-allow-headers': 'content-type,authorization',
        'access-control-max-age': '600',
        'vary': 'Origin',
      },
    });
  });

  test('the inline code fits the CloudFormation ZipFile limit', () => {
    expect(deployed.code.length).toBeLessThan(4096);
  });
});
