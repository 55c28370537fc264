import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, GuardWaiversValidator, ServiceSchedule, TtsService,
} from '@georgi-io/platform-constructs';
import { addSecurityValidation } from './security';

const app = new App();
addSecurityValidation(app);  // bin/security.ts: Control Tower controls and cdk-nag, at cdk synth

const stack = new Stack(app, 'MyServices', { env: { account: '111111111111', region: 'us-east-1' } });

// Reads /platform/georgi/... at deploy time: no credentials at synth, no CloudFormation exports.
const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', {
  domainName: 'georgi.io',       // the platform's domain: real host names in the templates
  availabilityZoneCount: 2,      // the platform's maxAzs
  longLivedConnections: {},      // the platform was created with it (same pathSuffixes, if any)
});

// Jessica: https://api.georgi.io/jessica/*, wss://api.georgi.io/jessica/ws, /jessica/mcp, https://jessica.georgi.io
new TtsService(stack, 'Jessica', {
  platform,
  serviceName: 'jessica',
  // built for the tasks' x86_64 CPUs, also on an Apple-silicon machine
  image: ecs.ContainerImage.fromAsset(path.join(__dirname, '../service'), { platform: Platform.LINUX_AMD64 }),
  frontendPath: path.join(__dirname, '../web/dist'),
  schedule: ServiceSchedule.weekdays(7, 19),   // scale to zero outside 07-19 UTC, Mon-Fri
  localRun: { command: 'node server.js', directory: 'service' },  // npm run dev: platform-dev runs it
});

// "Service 1": any container behind /service1/*, also reached by other services at http://service1 (the service mesh)
const service1 = new ContainerService(stack, 'Service1', {
  platform,
  serviceName: 'service1',
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/my/service1:1.0'),
  containerPort: 8080,
  serviceConnect: {},            // ECS Service Connect: callers use http://service1
});

// The caller: behind /caller/*, calls Service 1 by name (SERVICE1_URL=http://service1) through the mesh
const caller = new ContainerService(stack, 'Caller', {
  platform,
  serviceName: 'caller',
  image: ecs.ContainerImage.fromAsset(path.join(__dirname, '../caller'), { platform: Platform.LINUX_AMD64 }),
  containerPort: 8080,
  cpu: 256,                      // the smallest task: 0.25 vCPU, 512 MiB (64 of them for the mesh's proxy)
  memoryLimitMiB: 512,
  schedule: ServiceSchedule.weekdays(7, 19),
  serviceConnect: { calls: ['service1'], clientOnly: true },  // calls, takes no mesh calls itself
  localRun: { command: 'node server.js', directory: 'caller' },  // npm run dev: platform-dev runs it
});
service1.allowServiceConnectFrom(caller);  // Service 1's security group admits the caller's proxy

// "Service 2": a Lambda function behind /service2/*
const handler = new lambda.Function(stack, 'Service2Handler', {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline(
    'exports.handler = async (event) => ({ statusCode: 200, headers: { "content-type": "application/json" },'
    + ' body: JSON.stringify({ service: "service2", path: event.rawPath }) });'),
});
new ApiRoutes(stack, 'Service2', { platform, serviceName: 'service2', target: ApiTarget.lambdaFunction(handler) });
// Its findings, each waived on this function with the reason (or fix them: vpc, deadLetterQueue, ...).
const inVpc = 'calls no resource in the VPC; in it, it would need the NAT or interface endpoints';
GuardWaiversValidator.waive(handler, 'lambda_inside_vpc_check', inVpc);  // Control Tower CT.LAMBDA.PR.3
// cdk-nag 3 reads acknowledgements: on the function, they cover its role too (IAM4, one finding).
Validations.of(handler).acknowledge(
  { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: inVpc },
  { id: 'NIST.800.53.R5-LambdaDLQ', reason: 'invoked synchronously by API Gateway: a DLQ receives only failed async events' },
  { id: 'NIST.800.53.R5-LambdaConcurrency', reason: 'the API stage throttles requests; a reserved limit would turn bursts into errors' },
  {
    id: 'AwsSolutions-L1',
    reason: 'nodejs24.x is an LTS runtime that Lambda patches; aws-cdk-lib 2.278 also knows nodejs26.x: move once the code is tested on it',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs',
  },
);
