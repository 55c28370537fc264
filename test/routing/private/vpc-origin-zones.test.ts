import * as fs from 'fs';
import * as path from 'path';
import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { checkVpcOriginRegion, VPC_ORIGIN_EXCLUDED_ZONE_IDS, VPC_ORIGIN_REGIONS, VPC_ORIGIN_SOURCE } from '../../../src/routing/private/vpc-origin-zones';
import { synthPlatform } from '../../helpers/fixtures';

const WARNING_ID = '@georgi-io/platform-constructs:vpcOriginRegion';

/** The synth warnings of the platform stack that mention VPC origins. */
function vpcOriginWarnings(stack: Stack) {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('CloudFront VPC origins are not listed'));
}

describe('a long-lived origin in a Region the CloudFront guide does not list for VPC origins', () => {
  // ap-southeast-6 (Asia Pacific, New Zealand) is a commercial Region missing from the guide's list.
  const zones = { availabilityZones: ['ap-southeast-6a', 'ap-southeast-6b'] };

  test('warns at synth, naming longLivedConnections, the Region, the source and the way out', () => {
    const { stack } = synthPlatform({ ...zones, longLivedConnections: {} }, 'ap-southeast-6', true);
    const warnings = vpcOriginWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/S/Platform/LongLivedOrigin');
    const text = String(warnings[0].entry.data);
    expect(text).toContain('longLivedConnections: CloudFront VPC origins are not listed for ap-southeast-6 in the CloudFront guide');
    expect(text).toContain(VPC_ORIGIN_SOURCE.url);
    expect(text).toContain('Put the platform in a listed Region or leave longLivedConnections unset');
    expect(text).toContain(`[ack: ${WARNING_ID}]`);
  });

  test('without longLivedConnections there is no VPC origin and no warning', () => {
    const { stack } = synthPlatform(zones, 'ap-southeast-6', true);
    expect(vpcOriginWarnings(stack)).toHaveLength(0);
  });
});

describe('a long-lived origin in a listed Region', () => {
  test.each([
    ['us-east-1', ['us-east-1a', 'us-east-1b']],
    ['eu-central-1', ['eu-central-1a', 'eu-central-1b']],
    ['ca-central-1', ['ca-central-1a', 'ca-central-1b']],
  ])('%s: no warning (zone names cannot be checked against the excluded zone IDs)', (region, availabilityZones) => {
    const { stack } = synthPlatform({ availabilityZones, longLivedConnections: {} }, region, region !== 'us-east-1');
    expect(vpcOriginWarnings(stack)).toHaveLength(0);
  });
});

describe('checkVpcOriginRegion', () => {
  test('an environment-agnostic stack (unresolved Region) is not checked', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(stack.region).toBe(Aws.REGION);
    checkVpcOriginRegion(stack, 'longLivedConnections', stack.region);
    expect(vpcOriginWarnings(stack)).toHaveLength(0);
  });

  test('every Region with an excluded zone is itself a listed Region', () => {
    for (const region of Object.keys(VPC_ORIGIN_EXCLUDED_ZONE_IDS)) expect(VPC_ORIGIN_REGIONS).toContain(region);
  });
});

describe('the docs carry the excluded zone IDs of the code', () => {
  const root = path.join(__dirname, '..', '..', '..');
  const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
  const excluded = Object.entries(VPC_ORIGIN_EXCLUDED_ZONE_IDS).flatMap(([region, ids]) => ids.map(id => ({ region, id })));

  test('four zone IDs in four Regions, as the guide lists them on the date read', () => {
    expect(excluded).toEqual([
      { region: 'us-east-1', id: 'use1-az3' },
      { region: 'us-west-1', id: 'usw1-az2' },
      { region: 'ap-northeast-1', id: 'apne1-az3' },
      { region: 'ca-central-1', id: 'cac1-az3' },
    ]);
    expect(VPC_ORIGIN_SOURCE.readOn).toBe('2026-12-07');
  });

  test.each([
    ['README.md'],
    ['src/routing/long-lived-options.ts'],
    ['src/platform/global-platform-props.ts'],
    ['src/routing/private/long-lived-origin.ts'],
  ])('%s names every excluded zone ID with its Region', file => {
    const text = read(file).replace(/\s*\n\s*(\*\s*)?/g, ' ');
    for (const { region, id } of excluded) {
      expect(text).toContain(id);
      expect(text).toContain(region);
    }
  });

  test('the README gives the source and the command that prints an account\'s zone IDs, in both the platform and the integ sections', () => {
    const readme = read('README.md');
    expect(readme).toContain(VPC_ORIGIN_SOURCE.url);
    const command = 'aws ec2 describe-availability-zones --region us-east-1 --query \'AvailabilityZones[].[ZoneName,ZoneId]\'';
    expect(readme.split(command)).toHaveLength(3);
    const integSection = readme.slice(readme.indexOf('## Deploying the integration tests'));
    expect(integSection).toContain(command);
  });
});
