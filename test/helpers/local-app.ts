import * as path from 'path';
import { App, Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { importedPlatform } from './fixtures';
import { ApiRoutes, ApiTarget, ContainerService, PathMode, TtsService } from '../../src';

/** The folders of the service repository `buildServiceRepo` describes. */
export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/**
 * A service repository's app for platform-dev's tests, synthesized into `outdir`: the platform
 * `georgi` imported by name, and one service of each kind the local runner knows:
 * - `jessica`: TtsService with its web page (test/fixtures/site), run with a local command;
 * - `orders`: a ContainerService with PathMode.STRIP_BASE_PATH, CORS and a local command;
 * - `images`: a ContainerService whose image is a registry name and has no command (Docker or --run);
 * - `hello`: a Lambda function from inline code; `esm`: one from a folder (an ES module);
 * - `legacy`: ApiTarget.httpUrl; `mapped`: a Cloud Map service (nothing to start).
 */
export function buildServiceRepo(outdir: string): App {
  const { app, stack, platform } = importedPlatform(true, new App({ outdir }), 'MyServices');
  new TtsService(stack, 'Jessica', {
    platform,
    serviceName: 'jessica',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1'),
    frontendPath: path.join(FIXTURES, 'site'),
    localRun: { command: 'node server.js', directory: 'service', environment: { ELEVENLABS_BASE_URL: 'http://127.0.0.1:9999' } },
  });
  new ContainerService(stack, 'Orders', {
    platform,
    serviceName: 'orders',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/orders:1'),
    pathMode: PathMode.STRIP_BASE_PATH,
    environment: { API_URL: `https://${platform.apiDomainName}/orders`, TABLE: 'orders' },
    cors: { allowOrigins: ['https://jessica.georgi.io'], maxAge: Duration.minutes(5) },
    localRun: { command: 'npm run dev', watch: ['src'] },
  });
  new ContainerService(stack, 'Images', {
    platform,
    serviceName: 'images',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/images:2'),
    containerPort: 3000,
  });
  const hello = new lambda.Function(stack, 'HelloHandler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => ({ statusCode: 200, body: event.rawPath });'),
    environment: { GREETING: 'hello', SITE: 'https://jessica.georgi.io' },
    timeout: Duration.seconds(5),
  });
  new ApiRoutes(stack, 'Hello', { platform, serviceName: 'hello', target: ApiTarget.lambdaFunction(hello) });
  const esm = new lambda.Function(stack, 'EsmHandler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(FIXTURES, 'lambda-esm')),
    environment: { GREETING: 'esm' },
  });
  new ApiRoutes(stack, 'Esm', { platform, serviceName: 'esm', target: ApiTarget.lambdaFunction(esm.currentVersion) });
  new ApiRoutes(stack, 'Legacy', { platform, serviceName: 'legacy', target: ApiTarget.httpUrl('https://legacy.example.com') });
  const namespace = servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(stack, 'Namespace', {
    namespaceArn: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1', namespaceId: 'ns-1', namespaceName: 'georgi.internal',
  });
  const mapped = servicediscovery.Service.fromServiceAttributes(stack, 'MappedService', {
    namespace,
    serviceArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1',
    serviceId: 'srv-1',
    serviceName: 'mapped',
    dnsRecordType: servicediscovery.DnsRecordType.SRV,
    routingPolicy: servicediscovery.RoutingPolicy.MULTIVALUE,
  });
  new ApiRoutes(stack, 'Mapped', { platform, serviceName: 'mapped', target: ApiTarget.cloudMapService(mapped) });
  return app;
}
