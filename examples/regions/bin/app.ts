import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ContainerService, GlobalPlatform, NatType, ServiceSchedule } from '@georgi-io/platform-constructs';
import { addSecurityValidation } from './security';

const app = new App();
addSecurityValidation(app);  // bin/security.ts: Control Tower controls and cdk-nag, at cdk synth

const account = '111111111111';
const regions = ['eu-central-1', 'us-west-2'];

// ------------------------------------------------------------ the infrastructure repository
// The primary in eu-central-1 and a second Region behind the same api.georgi.io: cdk deploy --all
// deploys GeorgiPlatform-edge (us-east-1), GeorgiPlatform-us-west-2, then GeorgiPlatform.
const platformStack = new Stack(app, 'GeorgiPlatform', { env: { account, region: regions[0] } });
new GlobalPlatform(platformStack, 'Platform', {
  platformName: 'georgi',
  domainName: 'georgi.io',
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(platformStack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'georgi.io' }),
  availabilityZones: ['eu-central-1a', 'eu-central-1b'],  // named: cdk synth needs no AWS credentials
  natType: NatType.PUBLIC_TASKS,                          // the lean shape: no NAT in either Region
  dashboard: false,
  additionalRegions: [{
    region: regions[1],
    availabilityZones: ['us-west-2a', 'us-west-2b'],
    natType: NatType.PUBLIC_TASKS,
    // autoDrain: true drains the Region when its API keeps failing; not with a schedule as
    // below: the routes of a service scaled to zero answer 503, which would count.
  }],
});

// -------------------------------------------------- a service repository: one stack per Region
// In its own repository, the service imports the platform by name in each Region; multiRegion
// registers the Region in the front door's router when the stack deploys.
for (const region of regions) {
  const stack = new Stack(app, `Orders-${region}`, { env: { account, region } });
  stack.addStackDependency(platformStack);  // only because both live in this one app
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io', multiRegion: true });
  new ContainerService(stack, 'Orders', {
    platform,
    serviceName: 'orders',
    containerPort: 8080,
    // Your image: it listens on 8080 as user 1000 with a read-only root filesystem (/tmp is
    // writable), answers GET /orders/health, and has curl for the health check.
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/my/orders:1.0'),
    schedule: ServiceSchedule.weekdays(7, 19),   // scale to zero outside 07-19 UTC, Mon-Fri
  });
}
