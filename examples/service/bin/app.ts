import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, ServiceSchedule, TtsService,
} from '@georgi-io/platform-constructs';

const app = new App();
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
});

// "Service 1": any container behind /service1/*
new ContainerService(stack, 'Service1', {
  platform,
  serviceName: 'service1',
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/my/service1:1.0'),
  containerPort: 8080,
});

// "Service 2": a Lambda function behind /service2/*
const handler = new lambda.Function(stack, 'Service2Handler', {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline(
    'exports.handler = async (event) => ({ statusCode: 200, headers: { "content-type": "application/json" },'
    + ' body: JSON.stringify({ service: "service2", path: event.rawPath }) });'),
});
new ApiRoutes(stack, 'Service2', { platform, serviceName: 'service2', target: ApiTarget.lambdaFunction(handler) });
