import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { ApiRoutes, ApiRoutesProps, ApiTarget, GlobalPlatform, NatType, PathMode } from '../../src';
import { ENV, georgiPlatform, importedPlatform, ImportedPlatform } from '../helpers/fixtures';

const PATH = 'Service/JessicaRoutes';


function ecsTarget(f: ImportedPlatform, id = 'Service'): ApiTarget {
  const taskDefinition = new ecs.FargateTaskDefinition(f.stack, `${id}TaskDef`);
  const container = taskDefinition.addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:latest'),
    portMappings: [{ containerPort: 9020 }],
  });
  const service = new ecs.FargateService(f.stack, id, {
    cluster: f.platform.cluster,
    taskDefinition,
    cloudMapOptions: { cloudMapNamespace: f.platform.namespace, dnsRecordType: servicediscovery.DnsRecordType.SRV, containerPort: 9020, container },
  });
  return ApiTarget.ecsService(service);
}

function lambdaTarget(f: ImportedPlatform): ApiTarget {
  return ApiTarget.lambdaFunction(new lambda.Function(f.stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  }));
}

const URL_TARGET = ApiTarget.httpUrl('https://legacy.example.com');

/** Builds `ApiRoutes` 'JessicaRoutes' for service 'jessica' with a URL target in a fresh service app. */
function build(props: Partial<ApiRoutesProps>, f: ImportedPlatform = importedPlatform()): ApiRoutes {
  return new ApiRoutes(f.stack, 'JessicaRoutes', { platform: f.platform, serviceName: 'jessica', target: URL_TARGET, ...props });
}

/** Asserts the error names the construct path, the prop, the value (as written in the message) and what is allowed. */
function expectPropError(action: () => unknown, prop: string, value: string, allowed: string, path = PATH): void {
  expect(action).toThrow(`${path}: invalid ${prop} ${value}: ${allowed}`);
}

// ================================================================================== serviceName

describe('serviceName', () => {
  test.each(['Jessica', 'a', 'x_y', 'ends-', '1jessica', 'a'.repeat(33), 'jes.sica'])('not DNS-safe: %j', name => {
    expectPropError(() => build({ serviceName: name }), 'serviceName', JSON.stringify(name),
      'expected 2-32 characters of a-z, 0-9 and "-", starting with a letter and not ending with "-"');
  });

  test('consecutive hyphens', () => {
    expectPropError(() => build({ serviceName: 'a--b' }), 'serviceName', '"a--b"', 'consecutive hyphens are not allowed');
  });

  test.each(['api', 'www', 'ws', 'mcp', 'mail', 'platform', 'health'])('reserved: %j', name => {
    expectPropError(() => build({ serviceName: name }), 'serviceName', JSON.stringify(name),
      'reserved names are api, www, mail, platform, ws, mcp, health');
  });

  test.each(['orders-sc', 'a-sc'])('reserved for service connect discovery names: %j', name => {
    expectPropError(() => build({ serviceName: name }), 'serviceName', JSON.stringify(name),
      'names ending in "-sc" are reserved for service connect discovery names (<service>-sc, beside the service\'s own <service> in the platform\'s namespace)');
  });

  test.each(['jessica', 'j2', 'a'.repeat(32), 'voice-api', 'disc', 'sc-orders'])('accepted: %j', name => {
    expect(() => build({ serviceName: name })).not.toThrow();
  });
});

// ==================================================================================== basePath

describe('basePath', () => {
  test.each(['jessica', '/', '/Jessica', '/a//b', '/a/', '/a b', '/-a', `/${'a'.repeat(128)}`])('malformed: %j', basePath => {
    expectPropError(() => build({ basePath }), 'basePath', JSON.stringify(basePath),
      'expected "/" and one or more lower-case segments of a-z, 0-9, ".", "_" and "-", such as "/jessica" or "/team/app", without a trailing slash');
  });

  test.each(['/jessica', '/team/app', '/v1.2/app_x-y'])('accepted: %j', basePath => {
    expect(build({ basePath }).basePath).toBe(basePath);
  });
});

// =========================================================================== base path conflicts

describe('base path conflicts within one app', () => {
  test('two services with the same base path: the error names both construct paths', () => {
    const app = new App();
    const first = importedPlatform(true, app, 'Service1');
    const second = importedPlatform(true, app, 'Service2');
    new ApiRoutes(first.stack, 'JessicaRoutes', { platform: first.platform, serviceName: 'jessica', target: URL_TARGET });
    expect(() => new ApiRoutes(second.stack, 'OtherRoutes', {
      platform: second.platform, serviceName: 'other', basePath: '/jessica', target: URL_TARGET,
    })).toThrow('Service2/OtherRoutes: invalid basePath "/jessica": it overlaps "/jessica" of Service1/JessicaRoutes on platform "georgi";'
      + ' each service needs its own base path, and one may not be inside another');
  });

  test.each([
    ['/jessica', '/jessica/admin'],
    ['/jessica/admin', '/jessica'],
  ])('overlapping base paths: %s, then %s', (firstPath, secondPath) => {
    const f = importedPlatform();
    new ApiRoutes(f.stack, 'First', { platform: f.platform, serviceName: 'first', basePath: firstPath, target: URL_TARGET });
    expect(() => new ApiRoutes(f.stack, 'Second', { platform: f.platform, serviceName: 'second', basePath: secondPath, target: URL_TARGET }))
      .toThrow(`Service/Second: invalid basePath "${secondPath}": it overlaps "${firstPath}" of Service/First on platform "georgi"`);
  });

  test('two services with the same serviceName but different base paths fail (alarm and dashboard names would clash)', () => {
    const f = importedPlatform();
    new ApiRoutes(f.stack, 'First', { platform: f.platform, serviceName: 'jessica', target: URL_TARGET });
    expect(() => new ApiRoutes(f.stack, 'Second', { platform: f.platform, serviceName: 'jessica', basePath: '/voice', target: URL_TARGET }))
      .toThrow('Service/Second: invalid serviceName "jessica": it is already used by Service/First on platform "georgi"');
  });

  test('/jessica and /jessica2 do not overlap', () => {
    const f = importedPlatform();
    new ApiRoutes(f.stack, 'First', { platform: f.platform, serviceName: 'jessica', target: URL_TARGET });
    expect(() => new ApiRoutes(f.stack, 'Second', { platform: f.platform, serviceName: 'jessica2', target: URL_TARGET })).not.toThrow();
    const keys = Object.values(Template.fromStack(f.stack).findResources('AWS::ApiGatewayV2::Route')).map(r => r.Properties.RouteKey).sort();
    expect(keys).toEqual(['ANY /jessica', 'ANY /jessica/{proxy+}', 'ANY /jessica2', 'ANY /jessica2/{proxy+}']);
  });

  test('the same base path on two different platforms is fine', () => {
    const f = importedPlatform();
    const other = GlobalPlatform.fromPlatformName(f.stack, 'OtherPlatform', 'other', { domainName: 'other.io' });
    new ApiRoutes(f.stack, 'First', { platform: f.platform, serviceName: 'jessica', target: URL_TARGET });
    expect(() => new ApiRoutes(f.stack, 'Second', { platform: other, serviceName: 'jessica', target: URL_TARGET })).not.toThrow();
  });

  test('the same base path on the real platform and on an import of it in the same app conflicts', () => {
    const app = new App();
    const platformStack = new Stack(app, 'Platform', { env: ENV });
    const platform = georgiPlatform(platformStack);
    const f = importedPlatform(false, app);
    new ApiRoutes(platformStack, 'JessicaRoutes', { platform, serviceName: 'jessica', target: URL_TARGET });
    expect(() => build({}, f)).toThrow(`${PATH}: invalid basePath "/jessica": it overlaps "/jessica" of Platform/JessicaRoutes on platform "georgi"`);
  });

  test('a token basePath with long-lived paths needs an explicit longLivedRulePriority (the default hashes the path)', () => {
    const f = importedPlatform();
    const basePath = Token.asString({ Ref: 'BasePathParameter' });
    expectPropError(() => build({ basePath, target: ecsTarget(f), longLivedPaths: ['/ws'] }, f), 'longLivedRulePriority', '"(none)"',
      'set it when basePath is a token');
  });

  test('the same explicit longLivedRulePriority twice', () => {
    const f = importedPlatform();
    new ApiRoutes(f.stack, 'First', {
      platform: f.platform, serviceName: 'first', target: ecsTarget(f, 'FirstService'), longLivedPaths: ['/ws'], longLivedRulePriority: 2000,
    });
    expect(() => new ApiRoutes(f.stack, 'Second', {
      platform: f.platform, serviceName: 'second', target: ecsTarget(f, 'SecondService'), longLivedPaths: ['/ws'], longLivedRulePriority: 2000,
    })).toThrow('Service/Second: invalid longLivedRulePriority 2000: the service\'s rule priorities 2000 overlap 2000 of Service/First on platform "georgi"; set longLivedRulePriority to a free value');
  });

  test('different explicit priorities are fine', () => {
    const f = importedPlatform();
    new ApiRoutes(f.stack, 'First', {
      platform: f.platform, serviceName: 'first', target: ecsTarget(f, 'FirstService'), longLivedPaths: ['/ws'], longLivedRulePriority: 2000,
    });
    expect(() => new ApiRoutes(f.stack, 'Second', {
      platform: f.platform, serviceName: 'second', target: ecsTarget(f, 'SecondService'), longLivedPaths: ['/ws'], longLivedRulePriority: 2001,
    })).not.toThrow();
  });

  // A service with 6 long-lived patterns owns two rules (p and p+1); a second service may not take p+1.
  test('a priority inside another service\'s range of rules', () => {
    const f = importedPlatform();
    new ApiRoutes(f.stack, 'First', {
      platform: f.platform,
      serviceName: 'first',
      target: ecsTarget(f, 'FirstService'),
      longLivedPaths: ['/ws', '/mcp', '/voice/ws'],
      longLivedRulePriority: 2000,
    });
    expect(() => new ApiRoutes(f.stack, 'Second', {
      platform: f.platform, serviceName: 'second', target: ecsTarget(f, 'SecondService'), longLivedPaths: ['/ws'], longLivedRulePriority: 2001,
    })).toThrow(/priorities 2001 overlap 2000-2001 of Service\/First/);
  });
});

// ================================================================================== long-lived

describe('longLivedPaths', () => {
  test('on an imported platform without longLivedConnections', () => {
    const f = importedPlatform(false);
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws'] }, f), 'longLivedPaths', '["/ws"]',
      'the platform "georgi" has no long-lived origin: create it with longLivedConnections: {} (or import it with longLivedConnections: {})');
  });

  test('on a platform of the same app without longLivedConnections', () => {
    const app = new App();
    const platform = georgiPlatform(new Stack(app, 'Platform', { env: ENV }));
    const f: ImportedPlatform = { app, stack: new Stack(app, 'Service', { env: ENV }), platform };
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws'] }, f), 'longLivedPaths', '["/ws"]',
      'the platform "georgi" has no long-lived origin');
  });

  test('with a Lambda target', () => {
    const f = importedPlatform();
    expectPropError(() => build({ target: lambdaTarget(f), longLivedPaths: ['/ws'] }, f), 'longLivedPaths', '["/ws"]',
      'long-lived paths need a target the load balancer can reach, such as ApiTarget.ecsService, not a Lambda function');
  });

  test('a target that cannot serve them fails before the service claims its base path and rule priorities', () => {
    const f = importedPlatform();
    expect(() => build({ target: lambdaTarget(f), longLivedPaths: ['/ws'], longLivedRulePriority: 3000 }, f)).toThrow(/not a Lambda function/);
    // The same base path, service name and priority are still free in this app.
    expect(() => new ApiRoutes(f.stack, 'Fixed', {
      platform: f.platform, serviceName: 'jessica', target: ecsTarget(f), longLivedPaths: ['/ws'], longLivedRulePriority: 3000,
    })).not.toThrow();
  });

  test('with a URL target', () => {
    expectPropError(() => build({ longLivedPaths: ['/ws'] }), 'longLivedPaths', '["/ws"]',
      'long-lived paths need a target the load balancer can reach, such as ApiTarget.ecsService, not a HTTP URL');
  });

  test('with STRIP_BASE_PATH', () => {
    const f = importedPlatform();
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws'], pathMode: PathMode.STRIP_BASE_PATH }, f), 'pathMode', '"strip"',
      'long-lived paths go through the load balancer, which cannot strip the base path; use PathMode.KEEP_BASE_PATH');
  });

  test.each(['/events', '/ws/events', '/wss'])('last segment not a platform suffix: %j', path => {
    const f = importedPlatform();
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws', path] }, f), 'longLivedPaths', JSON.stringify(path),
      'the front door routes only paths ending in "/ws", "/mcp" to the long-lived origin (the platform\'s longLivedPathSuffixes)');
  });

  test('the suffixes of an imported platform with its own longLivedConnections.pathSuffixes', () => {
    const app = new App();
    const stack = new Stack(app, 'Service', { env: ENV });
    const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io', longLivedConnections: { pathSuffixes: ['events'] } });
    const f: ImportedPlatform = { app, stack, platform };
    expect(() => build({ target: ecsTarget(f), longLivedPaths: ['/events'] }, f)).not.toThrow();
    const g = importedPlatform();
    const other = GlobalPlatform.fromPlatformName(g.stack, 'Custom', 'custom', { domainName: 'custom.io', longLivedConnections: { pathSuffixes: ['events'] } });
    expectPropError(() => build({ platform: other, target: ecsTarget(g), longLivedPaths: ['/ws'] }, g), 'longLivedPaths', '"/ws"',
      'the front door routes only paths ending in "/events"');
  });

  test.each(['ws', '/WS', '/ws/', '/w s', '//ws', '/ws?x'])('malformed: %j', path => {
    const f = importedPlatform();
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: [path] }, f), 'longLivedPaths', JSON.stringify(path),
      'expected a path such as "/ws" or "/api/stream" below the base path');
  });

  test('duplicates', () => {
    const f = importedPlatform();
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws', '/mcp', '/ws'] }, f), 'longLivedPaths', '"/ws"',
      'list each path once');
  });

  test('longLivedRulePriority without longLivedPaths', () => {
    expectPropError(() => build({ longLivedRulePriority: 100 }), 'longLivedRulePriority', '100', 'only used with longLivedPaths');
  });

  test('healthCheckPath without longLivedPaths', () => {
    expectPropError(() => build({ healthCheckPath: '/jessica/health' }), 'healthCheckPath', '"/jessica/health"', 'only used with longLivedPaths');
  });

  test('an empty longLivedPaths list counts as none', () => {
    expectPropError(() => build({ longLivedPaths: [], longLivedRulePriority: 100 }), 'longLivedRulePriority', '100', 'only used with longLivedPaths');
  });

  test.each([0, 50_001, 1.5, -3])('longLivedRulePriority %p', priority => {
    const f = importedPlatform();
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws'], longLivedRulePriority: priority }, f),
      'longLivedRulePriority', String(priority), 'expected a whole number from 1 to 50000');
  });

  test('longLivedRulePriority leaves room for every rule of the service', () => {
    const f = importedPlatform();
    // 3 paths, 6 patterns, 2 rules: p and p+1 must both be at most 50000
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws', '/mcp', '/a/ws'], longLivedRulePriority: 50_000 }, f),
      'longLivedRulePriority', '50000', 'expected a whole number from 1 to 49999');
  });

  test.each([1, 50_000])('longLivedRulePriority %p is accepted with one path', priority => {
    const f = importedPlatform();
    expect(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws'], longLivedRulePriority: priority }, f)).not.toThrow();
  });

  test.each(['health', 'jessica/health', '/jessica/he alth'])('healthCheckPath %j', path => {
    const f = importedPlatform();
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws'], healthCheckPath: path }, f), 'healthCheckPath',
      JSON.stringify(path), 'expected an absolute path such as "/jessica/health"');
  });
});

// ================================================================================== throttling

describe('throttling', () => {
  test.each([0, 10_001, 2.5])('throttlingRateLimit %p', rate => {
    expectPropError(() => build({ throttlingRateLimit: rate }), 'throttlingRateLimit', String(rate), 'expected a whole number from 1 to 10000');
  });

  test.each([0, 5_001, -1])('throttlingBurstLimit %p', burst => {
    expectPropError(() => build({ throttlingBurstLimit: burst }), 'throttlingBurstLimit', String(burst), 'expected a whole number from 1 to 5000');
  });
});

// ======================================================================================= auth

describe('authorization', () => {
  test.each(['http://issuer.example.com', 'issuer.example.com', 'https://', 'https://issuer example.com'])('jwtIssuer %j', issuer => {
    expectPropError(() => build({ jwtIssuer: issuer, jwtAudience: ['a'] }), 'jwtIssuer', JSON.stringify(issuer), 'expected an https:// issuer URL');
  });

  test('jwtIssuer with long-lived paths on a platform whose long-lived origin listens on HTTP (the ALB checks JWTs on HTTPS only)', () => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    const platform = georgiPlatform(stack, { longLivedConnections: { originTls: false } });
    const f: ImportedPlatform = { app: stack.node.root as App, stack, platform };
    const jwt = { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['a'], target: ecsTarget(f), longLivedPaths: ['/ws'] };
    expectPropError(() => build(jwt, f), 'jwtIssuer', '"https://issuer.example.com"',
      'the load balancer verifies JWTs on HTTPS listeners only', 'Platform/JessicaRoutes');
    // the same service on a platform with TLS to its long-lived origin (the default) is fine
    const tls = new Stack(new App(), 'Platform', { env: ENV });
    const tlsPlatform = georgiPlatform(tls, { longLivedConnections: {} });
    const g: ImportedPlatform = { app: tls.node.root as App, stack: tls, platform: tlsPlatform };
    expect(() => build({ ...jwt, target: ecsTarget(g) }, g)).not.toThrow();
  });

  test.each([
    ['NatType.PUBLIC_TASKS', NatType.PUBLIC_TASKS, {}],
    ['NatType.NONE', NatType.NONE, { interfaceEndpoints: true }],
  ])('jwtIssuer with long-lived paths on a platform without a NAT (%s): the ALB could not fetch the issuer keys', (_name, natType, extra) => {
    const stack = new Stack(new App(), 'Platform', { env: ENV });
    const platform = georgiPlatform(stack, { longLivedConnections: {}, natType, ...extra });
    const f: ImportedPlatform = { app: stack.node.root as App, stack, platform };
    const jwt = { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['a'], target: ecsTarget(f), longLivedPaths: ['/ws'] };
    expectPropError(() => build(jwt, f), 'jwtIssuer', '"https://issuer.example.com"',
      'the load balancer that verifies tokens on longLivedPaths (/ws) fetches the issuer\'s keys from the internet', 'Platform/JessicaRoutes');
    // without long-lived paths the HTTP API checks the tokens itself: fine on any shape
    const g = new Stack(new App(), 'Platform', { env: ENV });
    const gPlatform = georgiPlatform(g, { longLivedConnections: {}, natType, ...extra });
    const h: ImportedPlatform = { app: g.node.root as App, stack: g, platform: gPlatform };
    expect(() => build({ jwtIssuer: 'https://issuer.example.com', jwtAudience: ['a'], target: ecsTarget(h) }, h)).not.toThrow();
  });

  test('jwtIssuer without jwtAudience', () => {
    expectPropError(() => build({ jwtIssuer: 'https://issuer.example.com' }), 'jwtAudience', '[]', 'at least one audience with jwtIssuer');
  });

  test('jwtIssuer with an empty jwtAudience', () => {
    expectPropError(() => build({ jwtIssuer: 'https://issuer.example.com', jwtAudience: [] }), 'jwtAudience', '[]', 'at least one audience with jwtIssuer');
  });

  test('jwtAudience without jwtIssuer', () => {
    expectPropError(() => build({ jwtAudience: ['client'] }), 'jwtAudience', '["client"]', 'only used with jwtIssuer');
  });

  test('jwtIssuer together with authorizer', () => {
    expectPropError(() => build({
      jwtIssuer: 'https://issuer.example.com', jwtAudience: ['a'], authorizer: new authorizers.HttpIamAuthorizer(),
    }), 'authorizer', '"(authorizer)"', 'set either jwtIssuer or authorizer, not both');
  });

  test('jwtJwksEndpoint without jwtIssuer', () => {
    expectPropError(() => build({ jwtJwksEndpoint: 'https://issuer.example.com/keys' }), 'jwtJwksEndpoint',
      '"https://issuer.example.com/keys"', 'only used with jwtIssuer');
  });

  test.each(['http://issuer.example.com/keys', 'https://issuer.example.com', 'keys.json'])('jwtJwksEndpoint %j', url => {
    expectPropError(() => build({ jwtIssuer: 'https://issuer.example.com', jwtAudience: ['a'], jwtJwksEndpoint: url }),
      'jwtJwksEndpoint', JSON.stringify(url), 'expected an https:// URL with a path');
  });

  test('an authorizer with longLivedPaths: they would bypass it', () => {
    const f = importedPlatform();
    expectPropError(() => build({ target: ecsTarget(f), longLivedPaths: ['/ws', '/mcp'], authorizer: new authorizers.HttpIamAuthorizer() }, f),
      'authorizer', '"(authorizer)"', "an authorizer covers only the HTTP API routes, and longLivedPaths (/ws, /mcp) reach the service through the platform's load balancer: use jwtIssuer");
  });
});

// ======================================================================================= CORS

describe('cors', () => {
  test.each(['get', 'FETCH', 'POST '])('allowMethods %j (a plain JavaScript caller can pass any string)', method => {
    const allowMethods = [apigwv2.CorsHttpMethod.GET, method as apigwv2.CorsHttpMethod];
    expectPropError(() => build({ cors: { allowOrigins: ['*'], allowMethods } }), 'cors.allowMethods', JSON.stringify(method),
      'expected "*" or upper-case methods among DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
  });

  test('empty allowMethods', () => {
    expectPropError(() => build({ cors: { allowOrigins: ['*'], allowMethods: [] } }), 'cors.allowMethods', '[]',
      'at least one method, or leave it out for the default');
  });

  test.each(['x-api key', 'content-type:', ''])('allowHeaders %j', header => {
    expectPropError(() => build({ cors: { allowOrigins: ['*'], allowHeaders: ['content-type', header] } }), 'cors.allowHeaders', JSON.stringify(header),
      'expected "*" or header names such as "content-type" (letters, digits and -, no spaces or colons)');
  });

  test('methods, "*" and header names that are fine', () => {
    expect(() => build({ cors: { allowOrigins: ['*'], allowMethods: [apigwv2.CorsHttpMethod.ANY], allowHeaders: ['*', 'X-Request-Id', 'x-amz-date'] } })).not.toThrow();
  });

  test('empty allowOrigins', () => {
    expectPropError(() => build({ cors: { allowOrigins: [] } }), 'cors.allowOrigins', '[]',
      'at least one origin, such as "https://jessica.georgi.io", or "*"');
  });

  test.each([
    'https://jessica.georgi.io/',
    'https://jessica.georgi.io/app',
    'jessica.georgi.io',
    'ftp://jessica.georgi.io',
    'https://Jessica.georgi.io',
  ])('origin %j', origin => {
    expectPropError(() => build({ cors: { allowOrigins: ['https://ok.georgi.io', origin] } }), 'cors.allowOrigins', JSON.stringify(origin),
      'expected "*" or a scheme and host such as "https://jessica.georgi.io" (no path, no trailing slash)');
  });

  test('"*" with allowCredentials', () => {
    expectPropError(() => build({ cors: { allowOrigins: ['*'], allowCredentials: true } }), 'cors.allowOrigins', '"*"',
      'browsers refuse "*" with allowCredentials: list the origins');
  });

  test.each([[Duration.hours(3), '3 hours'], [Duration.seconds(7201), '2 hours 1 second']])('maxAge %s', (maxAge, text) => {
    expectPropError(() => build({ cors: { allowOrigins: ['*'], maxAge } }), 'cors.maxAge', text, 'at most 2 hours (browsers cap it anyway)');
  });

  test('accepted: "*" without credentials, origins with ports, maxAge of exactly 2 hours', () => {
    expect(() => build({ cors: { allowOrigins: ['*'], maxAge: Duration.hours(2) } })).not.toThrow();
    expect(() => build({ cors: { allowOrigins: ['http://localhost:5173', 'https://jessica.georgi.io'], allowCredentials: true } })).not.toThrow();
  });
});

// ================================================================================= monitoring

describe('serverErrorRateThresholdPercent', () => {
  test.each([0, 101, -5])('%p', rate => {
    expectPropError(() => build({ serverErrorRateThresholdPercent: rate }), 'serverErrorRateThresholdPercent', String(rate),
      'expected a percentage greater than 0 and at most 100');
  });

  test.each([0.5, 100])('%p is accepted', rate => {
    expect(() => build({ serverErrorRateThresholdPercent: rate })).not.toThrow();
  });
});
