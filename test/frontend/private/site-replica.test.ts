import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Aspects, CfnElement, IPolicyValidationContextBeta1, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as nag2 from 'cdk-nag';
import * as nag3 from 'cdk-nag-v3';
import { IConstruct } from 'constructs';
import { GlobalPlatform, GuardWaiversValidator, StaticSite, StaticSiteProps, TtsService } from '../../../src';
import { REPLICA_FAILOVER_STATUS_CODES } from '../../../src/frontend/private/site-replica';
import { ACCOUNT, ENV, georgiPlatform } from '../../helpers/fixtures';

const SITE = path.join(__dirname, '../../fixtures/site');

interface Synth {
  readonly app: App;
  readonly stack: Stack;
  readonly platform: GlobalPlatform;
  readonly site: StaticSite;
  readonly template: Template;
  readonly bucketStack: Stack;
  readonly policyStack: Stack;
}

function stackOf(app: App, id: string): Stack {
  const stack = app.node.findChild(id);
  if (!Stack.isStack(stack)) throw new Error(`${id} is not a stack`);
  return stack;
}

function synth(props: Partial<StaticSiteProps> = {}): Synth {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: ENV });
  const platform = georgiPlatform(stack);
  const site = new StaticSite(stack, 'Docs', { platform, siteName: 'docs', sourcePath: SITE, replicaRegion: 'eu-west-1', ...props });
  return {
    app,
    stack,
    platform,
    site,
    template: Template.fromStack(stack),
    bucketStack: stackOf(app, 'Platform-docs-eu-west-1'),
    policyStack: stackOf(app, 'Platform-docs-eu-west-1-policy'),
  };
}

function idOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

const replicaName = (stackName = 'Platform-docs-eu-west-1') => ({
  'Fn::GetStackOutput': { StackName: stackName, Region: 'eu-west-1', OutputName: 'ReplicaBucketName' },
});
const replicaArn = () => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', replicaName()]] });
const replicaObjects = () => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', replicaName(), '/*']] });

describe('StaticSite with replicaRegion', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth();
  });

  test('two sibling stacks in eu-west-1, named after the site stack, the site and the Region; replica first, policy last', () => {
    expect([s.bucketStack.stackName, s.bucketStack.region, s.bucketStack.account]).toEqual(['Platform-docs-eu-west-1', 'eu-west-1', ACCOUNT]);
    expect([s.policyStack.stackName, s.policyStack.region, s.policyStack.account]).toEqual(['Platform-docs-eu-west-1-policy', 'eu-west-1', ACCOUNT]);
    expect(s.stack.dependencies).toEqual([s.bucketStack]);
    expect(s.policyStack.dependencies).toEqual(expect.arrayContaining([s.stack, s.bucketStack]));
    expect(s.bucketStack.dependencies).toEqual([]);
  });

  test('the site\'s upload waits for the replication role and its policy (S3 replicates the first files with it)', () => {
    const resources = s.template.toJSON().Resources;
    const [, deployment] = Object.entries<any>(resources).find(([, r]) => r.Type === 'Custom::CDKBucketDeployment')!;
    const roleIds = Object.entries<any>(resources).filter(([id, r]) => /ReplicationRole/.test(id) && ['AWS::IAM::Role', 'AWS::IAM::Policy'].includes(r.Type))
      .map(([id]) => id);
    expect(roleIds).toHaveLength(2);
    expect(deployment.DependsOn).toEqual(expect.arrayContaining(roleIds));
  });

  test('no cross-region references of aws-cdk-lib: the values cross with Fn::GetStackOutput only', () => {
    for (const stack of [s.stack, s.bucketStack, s.policyStack]) {
      const text = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(text).not.toMatch(/ExportsReader|ExportsWriter|CrossRegion|Fn::ImportValue/);
      expect(Template.fromStack(stack).toJSON().Outputs ?? {}).not.toEqual(expect.objectContaining({ Export: expect.anything() }));
    }
    expect(JSON.stringify(s.template.toJSON())).toContain('"Fn::GetStackOutput"');
    expect(JSON.stringify(Template.fromStack(s.policyStack).toJSON())).toContain('"Fn::GetStackOutput"');
  });

  test('the replica bucket: versioned, SSE-S3, private, replaced files and lone delete markers expire, retained, tagged', () => {
    const t = Template.fromStack(s.bucketStack);
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.resourceCountIs('AWS::S3::BucketPolicy', 0);
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    const bucket = t.toJSON().Resources[idOf(s.site.replicaBucket!)];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toEqual(expect.objectContaining({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: [{
          Id: 'expire-replaced-files',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          ExpiredObjectDeleteMarker: true,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }],
      },
      Tags: expect.arrayContaining([{ Key: 'platform', Value: 'georgi' }, { Key: 'service', Value: 'docs' }]),
    }));
    expect(t.toJSON().Outputs.ReplicaBucketName.Value).toEqual({ Ref: idOf(s.site.replicaBucket!) });
  });

  test('the site bucket replicates everything, delete markers included, to the replica with its own role', () => {
    const bucket = s.template.toJSON().Resources[idOf(s.site.bucket)];
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const [roleId] = Object.keys(s.template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('replicates the docs site') } }));
    expect(bucket.Properties.ReplicationConfiguration).toEqual({
      Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Rules: [{
        Id: 'replicate-to-eu-west-1',
        Status: 'Enabled',
        Priority: 0,
        Filter: { Prefix: '' },
        DeleteMarkerReplication: { Status: 'Enabled' },
        Destination: { Bucket: replicaArn() },
      }],
    });
  });

  test('the replicating site bucket carries no replication waiver (NIST S3BucketReplicationEnabled holds); the replica bucket does', () => {
    const suppressed = (resource: any) => (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((r: any) => r.id);
    expect(suppressed(s.template.toJSON().Resources[idOf(s.site.bucket)])).not.toContain('NIST.800.53.R5-S3BucketReplicationEnabled');
    expect(suppressed(s.template.toJSON().Resources[idOf(s.site.bucket)])).toContain('NIST.800.53.R5-S3DefaultEncryptionKMS');
    expect(suppressed(Template.fromStack(s.bucketStack).toJSON().Resources[idOf(s.site.replicaBucket!)])).toContain('NIST.800.53.R5-S3BucketReplicationEnabled');
  });

  test('the replication role: assumed by S3 only, reads the site bucket\'s versions, writes the replica\'s keys, nothing else', () => {
    const roles = s.template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('replicates the docs site') } });
    const [roleId, role] = Object.entries(roles)[0];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(s.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
    expect(policies).toHaveLength(1);
    const site = { 'Fn::GetAtt': [idOf(s.site.bucket), 'Arn'] };
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: site },
      {
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: { 'Fn::Join': ['', [site, '/*']] },
      },
      { Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: replicaObjects() },
    ]);
  });

  test('both behaviours use an origin group: the site bucket first, the replica on 500, 502, 503 and 504; GET and HEAD only', () => {
    const config = s.template.toJSON().Resources[idOf(s.site.distribution)].Properties.DistributionConfig;
    expect(config.OriginGroups.Quantity).toBe(1);
    const group = config.OriginGroups.Items[0];
    expect(REPLICA_FAILOVER_STATUS_CODES).toEqual([500, 502, 503, 504]);
    expect(group.FailoverCriteria).toEqual({ StatusCodes: { Items: [500, 502, 503, 504], Quantity: 4 } });
    const [primary, secondary] = group.Members.Items.map((m: any) => config.Origins.find((o: any) => o.Id === m.OriginId));
    expect(primary.DomainName).toEqual({ 'Fn::GetAtt': [idOf(s.site.bucket), 'RegionalDomainName'] });
    expect(secondary.DomainName).toEqual({ 'Fn::Join': ['', [replicaName(), '.s3.eu-west-1.amazonaws.com']] });
    expect(config.Origins).toHaveLength(2);
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.TargetOriginId).toBe(group.Id);
      // CloudFront's default is GET and HEAD: a behaviour with an origin group cannot allow POST.
      expect(behavior.AllowedMethods ?? ['GET', 'HEAD']).toEqual(['GET', 'HEAD']);
    }
  });

  test('both origins go through the site\'s origin access control (no OAI)', () => {
    const config = s.template.toJSON().Resources[idOf(s.site.distribution)].Properties.DistributionConfig;
    const [oacId] = Object.keys(s.template.findResources('AWS::CloudFront::OriginAccessControl'));
    for (const origin of config.Origins) {
      expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
      expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    }
    s.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  test('the replica\'s policy (policy stack): TLS only, 1.2 or newer, and s3:GetObject for this distribution only', () => {
    const t = Template.fromStack(s.policyStack);
    const policies = Object.values(t.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Bucket).toEqual(replicaName());
    const outputId = Object.keys(s.template.toJSON().Outputs).find(id => id.endsWith('DistributionId'))!;
    expect(s.template.toJSON().Outputs[outputId].Value).toEqual({ Ref: idOf(s.site.distribution) });
    const everything = [replicaArn(), replicaObjects()];
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: everything, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: everything, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: replicaObjects(),
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudfront::${ACCOUNT}:distribution/`,
                { 'Fn::GetStackOutput': { StackName: 'Platform', Region: 'us-east-1', OutputName: outputId } }]],
            },
          },
        },
      },
    ]);
  });

  test('the deployment names the replica, so that a new replica gets every file again (S3 replicates only new writes)', () => {
    s.template.hasResourceProperties('Custom::CDKBucketDeployment', { ReplicaBucketName: replicaName(), DestinationBucketName: { Ref: idOf(s.site.bucket) } });
  });

  test('no warning: the imported replica\'s policy is the policy stack\'s (acknowledged)', () => {
    for (const stack of [s.stack, s.bucketStack, s.policyStack]) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  test('without replicaRegion: one stack, no replication, no origin group, no replica output', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: ENV });
    const site = new StaticSite(stack, 'Docs', { platform: georgiPlatform(stack), siteName: 'docs', sourcePath: SITE });
    expect(app.node.children.filter(Stack.isStack)).toEqual([stack]);
    const template = Template.fromStack(stack).toJSON();
    expect(template.Resources[idOf(site.bucket)].Properties.ReplicationConfiguration).toBeUndefined();
    expect(template.Resources[idOf(site.distribution)].Properties.DistributionConfig.OriginGroups).toBeUndefined();
    expect(JSON.stringify(template)).not.toMatch(/ReplicaBucketName|replicate-to|GetStackOutput/);
    expect(Object.keys(template.Outputs).filter(id => id.endsWith('DistributionId'))).toEqual([]);
    expect(site.replicaBucket).toBeUndefined();
  });
});

describe('replicaRegion validation', () => {
  const make = (replicaRegion: string, env: { account?: string; region?: string } | null = ENV) => () => {
    const app = new App();
    const platformStack = new Stack(app, 'Platform', { env: ENV });
    const platform = georgiPlatform(platformStack);
    const stack = env ? new Stack(app, 'Site', { env }) : new Stack(app, 'Site');
    return new StaticSite(stack, 'Docs', { platform, siteName: 'docs', sourcePath: SITE, replicaRegion });
  };

  test.each(['eu_west_1', 'EU-WEST-1', 'europe', 'eu-west', 'eu-west-1a', ''])('%j is refused', region => {
    expect(make(region)).toThrow(`Site/Docs: invalid replicaRegion ${JSON.stringify(region)}: expected a Region name such as "eu-west-1" or "ap-southeast-2"`);
  });

  test('the site\'s own Region is refused', () => {
    expect(make('us-east-1')).toThrow('Site/Docs: invalid replicaRegion "us-east-1": expected another Region than the site\'s own (us-east-1)');
  });

  test('an unresolved Region is refused: it names a stack\'s Region at synth time', () => {
    expect(make(Lazy.string({ produce: () => 'eu-west-1' }))).toThrow(/^Site\/Docs: invalid replicaRegion "\(unresolved\)": expected a Region name known at synth time/);
  });

  test('a site stack without an explicit Region is refused with a replica', () => {
    expect(make('eu-west-1', null)).toThrow(/^Site\/Docs: invalid stack region "\(unresolved\)": a site with replicaRegion needs a stack with an explicit region/);
  });

  test.each(['eu-central-2', 'ap-southeast-5', 'mx-central-1'])('%s is accepted', region => {
    expect(make(region)).not.toThrow();
  });

  test.each([['us-gov-west-1', 'aws-us-gov'], ['cn-northwest-1', 'aws-cn']])('%s (%s) is refused for a site in us-east-1: another partition', (region, partition) => {
    expect(make(region)).toThrow(`Site/Docs: invalid replicaRegion "${region}": expected a Region in the site's partition (aws), not ${partition}:`
      + ' replication and cross-Region stack outputs do not cross partitions');
  });

  test('a Region aws-cdk-lib does not know (a newer one) is accepted with a warning to check its partition', () => {
    const site = make('xx-nowhere-1')();
    const warnings = Annotations.fromStack(Stack.of(site)).findWarning('*', Match.stringLikeRegexp('does not know'));
    expect(warnings.map(w => String(w.entry.data))).toEqual([expect.stringContaining(
      'replicaRegion "xx-nowhere-1" is a region this aws-cdk-lib does not know: check that it is in the site\'s partition (aws), or upgrade aws-cdk-lib')]);
  });

  test('a site in its own stack: the replica stacks are named after that stack', () => {
    const site = make('eu-west-1')();
    const app = site.node.root as App;
    expect(app.node.tryFindChild('Site-docs-eu-west-1')).toBeDefined();
    expect(app.node.tryFindChild('Site-docs-eu-west-1-policy')).toBeDefined();
    expect(Stack.of(site).dependencies).toEqual(expect.arrayContaining([app.node.findChild('Platform'), app.node.findChild('Site-docs-eu-west-1')]));
  });
});

describe('TtsService frontendReplicaRegion', () => {
  const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1');
  const tts = (props: { frontendPath?: string; frontendReplicaRegion?: string }) => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: ENV });
    const platform = georgiPlatform(stack, { longLivedConnections: {} });
    return new TtsService(stack, 'Jessica', { platform, serviceName: 'jessica', image: IMAGE, ...props });
  };

  test('passes the Region to the web page', () => {
    const service = tts({ frontendPath: SITE, frontendReplicaRegion: 'eu-central-1' });
    expect(service.frontend!.replicaBucket).toBeDefined();
    expect(Stack.of(service.frontend!.replicaBucket!).stackName).toBe('Platform-jessica-eu-central-1');
    const config = Template.fromStack(Stack.of(service)).toJSON().Resources[idOf(service.frontend!.distribution)].Properties.DistributionConfig;
    expect(config.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items).toEqual([500, 502, 503, 504]);
  });

  test('without a web page it is refused', () => {
    expect(() => tts({ frontendReplicaRegion: 'eu-central-1' }))
      .toThrow('Platform/Jessica: invalid frontendReplicaRegion "eu-central-1": only used with frontendPath (the web page it replicates)');
  });
});

describe('cdk-nag 2 and 3 over the three stacks', () => {
  test('no unsuppressed finding', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: ENV });
    const platform = georgiPlatform(stack, { accessLogs: true });
    new StaticSite(stack, 'Docs', { platform, siteName: 'docs', sourcePath: SITE, replicaRegion: 'eu-west-1', accessLogsBucket: platform.accessLogsBucket });
    Aspects.of(app).add(new nag2.AwsSolutionsChecks());
    Aspects.of(app).add(new nag2.NIST80053R5Checks());
    app.synth();
    const stacks = app.node.children.filter(Stack.isStack);
    expect(stacks.map(x => x.stackName)).toEqual(['Platform', 'Platform-docs-eu-west-1', 'Platform-docs-eu-west-1-policy']);
    const pattern = Match.stringLikeRegexp('^(AwsSolutions|NIST\\.800\\.53\\.R5|CdkNagValidationFailure)');
    const nag2Findings = stacks.flatMap(x => {
      const annotations = Annotations.fromStack(x);
      return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)].map(e => `${String(e.entry.data).split(':')[0]} ${e.id}`);
    });
    expect(nag2Findings).toEqual([]);
    const nag3Findings = [new nag3.AwsSolutionsChecks(), new nag3.NIST80053R5Checks()]
      .flatMap(pack => pack.validateScope(app).violations.flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`)));
    expect(nag3Findings).toEqual([]);
  });
});

describe('AWS Control Tower proactive controls (cfn-guard) over the three stacks', () => {
  test('no violation left after the library\'s waivers', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'site-replica-')) });
    const stack = new Stack(app, 'Platform', { env: ENV });
    const platform = georgiPlatform(stack, { accessLogs: true });
    new StaticSite(stack, 'Docs', { platform, siteName: 'docs', sourcePath: SITE, replicaRegion: 'eu-west-1', accessLogsBucket: platform.accessLogsBucket });
    const assembly = app.synth();
    const templatePaths = assembly.stacksRecursively.map(x => x.templateFullPath);
    expect(templatePaths.map(p => path.basename(p)).sort())
      .toEqual(['Platform-docs-eu-west-1-policy.template.json', 'Platform-docs-eu-west-1.template.json', 'Platform.template.json']);
    const context = { templatePaths, appConstruct: app } as unknown as IPolicyValidationContextBeta1;
    const guard = new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: ['ct-cloudfront-pr-6', 'ct-cloudfront-pr-7'] });
    const violations = new GuardWaiversValidator({ plugin: guard }).validate(context).violations
      .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${path.basename(r.templatePath)}/${r.resourceLogicalId}`));
    expect(violations).toEqual([]);
  });
});
