import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { createInlineFunction } from '../../src/core/inline-function';
import { resources } from '../helpers/templates';

describe('createInlineFunction', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const made = createInlineFunction(stack, {
    code: 'exports.handler = async () => 1;',
    description: 'does one thing',
    logGroupId: 'Logs',
    logGroupName: '/platform/x/fn',
    logRetention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.RETAIN,
    timeout: Duration.seconds(30),
    environment: { A: 'b' },
  });
  const template = Template.fromStack(stack);

  test('Node.js 24 on ARM, 128 MB, the given code, timeout, environment and description, logging to its own group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 128,
      Handler: 'index.handler',
      Timeout: 30,
      Code: { ZipFile: 'exports.handler = async () => 1;' },
      Environment: { Variables: { A: 'b' } },
      Description: 'does one thing',
      LoggingConfig: { LogGroup: { Ref: stack.getLogicalId(made.logGroup.node.defaultChild as any) } },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/platform/x/fn', RetentionInDays: 7 }, DeletionPolicy: 'Retain' });
  });

  test('its role may only write its own log group\'s streams, and carries the two nag waivers', () => {
    const [policy] = Object.values(resources(template, 'AWS::IAM::Policy'));
    expect(policy.Properties.PolicyDocument.Statement).toHaveLength(1);
    expect(policy.Properties.PolicyDocument.Statement[0].Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(JSON.stringify(resources(template, 'AWS::Lambda::Function'))).toContain('AwsSolutions-L1');
    expect(JSON.stringify(policy.Metadata)).toContain('AwsSolutions-IAM5');
  });
});
