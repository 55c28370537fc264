import { App, Stack } from 'aws-cdk-lib';
import { CostBudget, GlobalPlatform } from '@georgi-io/platform-constructs';
import { addSecurityValidation } from './security';

const app = new App();
addSecurityValidation(app);  // bin/security.ts: Control Tower controls and cdk-nag, at cdk synth

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
