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

// The platform needs an explicit Region. Outside us-east-1, CloudFront's certificate and web ACL
// go into a companion stack in us-east-1 (see examples/infra-eu-central-1).
const stack = new Stack(app, 'GeorgiPlatform', { env: { account: '111111111111', region: 'us-east-1' } });

new GlobalPlatform(stack, 'Platform', {
  platformName: 'georgi',            // SSM prefix /platform/georgi, tag platform=georgi
  domainName: 'georgi.io',           // api.georgi.io, <service>.georgi.io
  availabilityZones: ['us-east-1a', 'us-east-1b'],  // named: cdk synth needs no AWS credentials
  longLivedConnections: {},          // wss:// and streams > 30 s (internal ALB, ~$16.40/month)
  waf: { rateLimit: 2000 },          // ~$9/month + $0.60 per million requests
  alarmEmails: ['ops@georgi.io'],
  budget: CostBudget.monthly(150),   // free; CostBudget.NONE for none
});
