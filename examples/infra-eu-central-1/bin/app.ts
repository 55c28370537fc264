import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { CostBudget, GlobalPlatform, GuardWaiversValidator } from '@georgi-io/platform-constructs';

// Security validation at `cdk synth` (README "Security validation"): a finding that no resource
// waives fails the synth.
const app = new App();
// The AWS Control Tower proactive controls (cfn-guard rules), minus the findings a resource
// waives in Metadata.guard (the platform's constructs waive theirs, with the reason).
Validations.of(app).addPlugins(new GuardWaiversValidator({
  plugin: new CfnGuardValidator({
    controlTowerRulesEnabled: true,
    // The validator 0.0.62 crashes on these two rule files when a certificate ARN is a
    // deploy-time value (a service stack's); the library's tests check what they check.
    disabledRules: ['ct-cloudfront-pr-6', 'ct-cloudfront-pr-7'],
  }),
}));
Aspects.of(app).add(new AwsSolutionsChecks());  // cdk-nag's AWS Solutions pack
Aspects.of(app).add(new NIST80053R5Checks());   // cdk-nag's NIST 800-53 R5 pack

// Outside us-east-1, CloudFront's certificate (and the web ACL) go into a companion stack in
// us-east-1 (GeorgiEuPlatform-edge), which deploys first; this stack reads their ARNs with
// Fn::GetStackOutput.
const stack = new Stack(app, 'GeorgiEuPlatform', {
  env: { account: '111111111111', region: 'eu-central-1' },
});

new GlobalPlatform(stack, 'Platform', {
  platformName: 'georgi-eu',                              // SSM prefix /platform/georgi-eu
  domainName: 'eu.georgi.io',                             // api.eu.georgi.io, <service>.eu.georgi.io
  availabilityZones: ['eu-central-1a', 'eu-central-1b'],  // named: cdk synth needs no AWS credentials
  longLivedConnections: {},                               // wss:// and streams > 30 s (internal ALB)
  waf: { rateLimit: 2000 },                               // the web ACL lives in us-east-1 (CloudFront)
  alarmEmails: ['ops@georgi.io'],
  budget: CostBudget.monthly(150),
});
