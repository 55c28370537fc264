import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, NagSuppressions, NIST80053R5Checks } from 'cdk-nag';
import {
  ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, GuardWaiversValidator, ServiceSchedule, TtsService,
} from '@georgi-io/platform-constructs';

// Security validation at `cdk synth` (README "Security validation"): a finding that no resource
// waives fails the synth. The library's constructs waive their own findings, with the reason;
// what you define yourself (Service 2's function below) you fix or waive yourself.
const app = new App();
// The AWS Control Tower proactive controls (cfn-guard rules), minus the findings a resource
// waives in Metadata.guard (GuardWaiversValidator.waive below).
Validations.of(app).addPlugins(new GuardWaiversValidator({
  plugin: new CfnGuardValidator({
    controlTowerRulesEnabled: true,
    // The validator 0.0.62 crashes on these two rule files when a certificate ARN is a
    // deploy-time value (Jessica's page, read from SSM); the library's tests check what they check.
    disabledRules: ['ct-cloudfront-pr-6', 'ct-cloudfront-pr-7'],
  }),
}));
Aspects.of(app).add(new AwsSolutionsChecks());  // cdk-nag's AWS Solutions pack
Aspects.of(app).add(new NIST80053R5Checks());   // cdk-nag's NIST 800-53 R5 pack

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
// Its findings, each waived on this function with the reason (or fix them: vpc, deadLetterQueue, ...).
const inVpc = 'calls no resource in the VPC; in it, it would need the NAT or interface endpoints';
GuardWaiversValidator.waive(handler, 'lambda_inside_vpc_check', inVpc);  // Control Tower CT.LAMBDA.PR.3
NagSuppressions.addResourceSuppressions(handler, [
  { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: inVpc },
  { id: 'NIST.800.53.R5-LambdaDLQ', reason: 'invoked synchronously by API Gateway: a DLQ receives only failed async events' },
  { id: 'NIST.800.53.R5-LambdaConcurrency', reason: 'the API stage throttles requests; a reserved limit would turn bursts into errors' },
  {
    id: 'AwsSolutions-IAM4',
    reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  },
], true);  // true: also the function's role (IAM4)
