import { App, Stack } from 'aws-cdk-lib';
import { CostBudget, GlobalPlatform } from '@georgi-io/platform-constructs';
import { addSecurityValidation } from './security';

const app = new App();
addSecurityValidation(app);  // bin/security.ts: Control Tower controls and cdk-nag, at cdk synth

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
