import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CostEstimateError } from '../../../src/cost/private/errors';
import { PRICE_LIST } from '../../../src/cost/private/price-list';
import { TemplatePricer } from '../../../src/cost/private/template-pricer';
import { errorOf } from '../../helpers/errors';

// The pricer's own refusals are CostEstimateError, the error the platform-cost command reports
// as a one-line message with exit code 2 (src/cost/cli.ts), not a bare Error.
describe('TemplatePricer refuses what is not a template', () => {
  const prices = PRICE_LIST.regions['us-east-1'];

  test.each([
    ['an array', []],
    ['a string', 'Resources'],
    ['null', null],
  ])('%s: CostEstimateError "the template is not a JSON object"', (_name, template) => {
    const error = errorOf(() => new TemplatePricer(template, prices));
    expect(error).toBeInstanceOf(CostEstimateError);
    expect(error.name).toBe('CostEstimateError');
    expect(error.message).toBe('the template is not a JSON object');
  });

  test('Resources that is a list: CostEstimateError naming the Resources section', () => {
    const error = errorOf(() => new TemplatePricer({ Resources: [] }, prices));
    expect(error).toBeInstanceOf(CostEstimateError);
    expect(error.message).toBe('the template\'s Resources is not an object');
  });

  test('an empty template prices to nothing', () => {
    expect(new TemplatePricer({}, prices).estimate('Empty', 'us-east-1', 'us-east-1')).toMatchObject({ items: [], monthlyUsd: 0 });
  });
});

// AWS Private CA (Service Connect TLS): $50 a month in short-lived certificate mode, $400 in
// general-purpose mode; certificates per use; activation and permissions free.
describe('TemplatePricer: AWS Private CA', () => {
  const prices = PRICE_LIST.regions['us-east-1'];
  const price = (template: any) => new TemplatePricer(template, prices).estimate('Ca', 'us-east-1', 'us-east-1');
  const ca = (usageMode?: unknown) => ({
    Type: 'AWS::ACMPCA::CertificateAuthority',
    Properties: {
      Type: 'ROOT',
      KeyAlgorithm: 'EC_prime256v1',
      SigningAlgorithm: 'SHA256WITHECDSA',
      Subject: { CommonName: 'service-connect' },
      ...(usageMode === undefined ? {} : { UsageMode: usageMode }),
    },
  });
  const withCertificate = (authority: any) => ({
    Resources: {
      Ca: authority,
      CaCert: {
        Type: 'AWS::ACMPCA::Certificate',
        Properties: {
          CertificateAuthorityArn: { 'Fn::GetAtt': ['Ca', 'Arn'] },
          CertificateSigningRequest: { 'Fn::GetAtt': ['Ca', 'CertificateSigningRequest'] },
          SigningAlgorithm: 'SHA256WITHECDSA',
          TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
          Validity: { Type: 'YEARS', Value: 10 },
        },
      },
      Activation: {
        Type: 'AWS::ACMPCA::CertificateAuthorityActivation',
        Properties: { CertificateAuthorityArn: { 'Fn::GetAtt': ['Ca', 'Arn'] }, Certificate: { 'Fn::GetAtt': ['CaCert', 'Certificate'] } },
      },
      Permission: {
        Type: 'AWS::ACMPCA::Permission',
        Properties: { CertificateAuthorityArn: { 'Fn::GetAtt': ['Ca', 'Arn'] }, Actions: ['IssueCertificate'], Principal: 'acm.amazonaws.com' },
      },
    },
  });

  test('UsageMode SHORT_LIVED_CERTIFICATE: $50 a month; its certificates $0.058 each, per use; activation and permission free', () => {
    const result = price(withCertificate(ca('SHORT_LIVED_CERTIFICATE')));
    expect(result.items).toEqual([expect.objectContaining({
      logicalId: 'Ca',
      resourceType: 'AWS::ACMPCA::CertificateAuthority',
      description: 'Private CA (short-lived certificate mode)',
      quantity: 1,
      unitPriceUsd: 50,
      monthlyUsd: 50,
      note: 'the first private CA of an account in each Region has no operation charge for 30 days',
    })]);
    expect(result.monthlyUsd).toBe(50);
    expect(result.usagePrices).toEqual([{
      description: 'Private CA certificates issued (short-lived mode, one-time fee each)',
      priceUsd: 0.058,
      unit: 'certificate issued',
      logicalIds: ['Ca', 'CaCert'],
    }]);
    expect(result.unpriced).toEqual([]);
  });

  test.each([
    ['no UsageMode (the default)', undefined],
    ['UsageMode GENERAL_PURPOSE', 'GENERAL_PURPOSE'],
  ])('%s: general-purpose, $400 a month; its certificates $0.75 each, per use', (_name, usageMode) => {
    const result = price(withCertificate(ca(usageMode)));
    expect(result.items).toEqual([expect.objectContaining({ description: 'Private CA (general-purpose mode)', monthlyUsd: 400 })]);
    expect(result.usagePrices).toEqual([expect.objectContaining({
      description: 'Private CA certificates issued (general-purpose mode, one-time fee each)', priceUsd: 0.75, logicalIds: ['Ca', 'CaCert'],
    })]);
    expect(result.unpriced).toEqual([]);
  });

  test('a UsageMode only known at deploy time is priced as general-purpose (the upper bound), and says so', () => {
    const result = price({ Resources: { Ca: ca({ Ref: 'Mode' }) } });
    expect(result.items).toEqual([expect.objectContaining({ monthlyUsd: 400 })]);
    expect(result.items[0].note).toMatch(/^UsageMode is only known at deploy time: priced as general-purpose \(the upper bound\); /);
  });

  test('a certificate from a CA of another stack: per use at the general-purpose price', () => {
    const result = price({
      Resources: {
        Cert: { Type: 'AWS::ACMPCA::Certificate', Properties: { CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/x' } },
      },
    });
    expect(result.items).toEqual([]);
    expect(result.usagePrices).toEqual([expect.objectContaining({ priceUsd: 0.75, logicalIds: ['Cert'] })]);
    expect(result.unpriced).toEqual([]);
  });
});

// Issue 24 (several Regions): what the regional stacks and the router add. Hand-computed:
// a secret $0.40 a month, and each replica $0.40 more, in its own Region's list; a
// KeyValueStore has no monthly fee ($0.03 per million reads, $1.00 per 1,000 API calls).
describe('TemplatePricer: secret replicas, the router\'s KeyValueStore, registrations', () => {
  const price = (resources: Record<string, any>, region = 'us-east-1') =>
    new TemplatePricer({ Resources: resources }, PRICE_LIST.regions[region]).estimate('S', region, region);

  test('a secret replicated to us-west-2 and eu-west-1: $0.40 + 2 x $0.40 = $1.20 a month, each replica in its Region', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    new secretsmanager.Secret(stack, 'OriginSecret', { replicaRegions: [{ region: 'us-west-2' }, { region: 'eu-west-1' }] });
    const result = price(Template.fromStack(stack).toJSON().Resources);
    expect(result.items.map(i => [i.description, i.monthlyUsd])).toEqual([
      ['Secrets Manager secret', 0.4],
      ['Secrets Manager replica secret in us-west-2', 0.4],
      ['Secrets Manager replica secret in eu-west-1', 0.4],
    ]);
    expect(result.items[1].note).toBe('a replica is billed as a secret of its own');
    expect(result.monthlyUsd).toBeCloseTo(1.2, 6);
    expect(result.unpriced).toEqual([]);
  });

  test('a replica in a Region without a price list: this stack\'s price, and says so; replicas only known at deploy time: listed', () => {
    const result = price({
      Known: { Type: 'AWS::SecretsManager::Secret', Properties: { ReplicaRegions: [{ Region: 'ap-south-1' }, { Region: { Ref: 'Other' } }] } },
      Unknown: { Type: 'AWS::SecretsManager::Secret', Properties: { ReplicaRegions: { Ref: 'Replicas' } } },
    }, 'eu-central-1');
    expect(result.items.map(i => [i.logicalId, i.description, i.monthlyUsd])).toEqual([
      ['Known', 'Secrets Manager secret', 0.4],
      ['Known', 'Secrets Manager replica secret in ap-south-1', 0.4],
      ['Known', 'Secrets Manager replica secret in a Region known at deploy time', 0.4],
      ['Unknown', 'Secrets Manager secret', 0.4],
    ]);
    expect(result.items[1].note).toBe('a replica is billed as a secret of its own; no price list for ap-south-1: priced with this stack\'s prices');
    expect(result.unpriced).toEqual([{
      logicalId: 'Unknown',
      resourceType: 'AWS::SecretsManager::Secret',
      reason: 'its ReplicaRegions are only known at deploy time (each replica is billed as a secret)',
    }]);
  });

  test('AWS::CloudFront::KeyValueStore: no fixed charge; reads $0.03 per million and API calls $1.00 per 1,000, per use', () => {
    const result = price({ Router: { Type: 'AWS::CloudFront::KeyValueStore', Properties: { Name: 'router' } } });
    expect(result.items).toEqual([]);
    expect(result.monthlyUsd).toBe(0);
    expect(result.unpriced).toEqual([]);
    expect(result.usagePrices).toEqual([
      { description: 'CloudFront KeyValueStore reads by functions (no monthly fee per store)', priceUsd: 0.03, unit: 'million reads', logicalIds: ['Router'] },
      { description: 'CloudFront KeyValueStore API calls (registrations, drains)', priceUsd: 1, unit: '1,000 API calls', logicalIds: ['Router'] },
    ]);
  });

  test('the same KeyValueStore prices in every Region\'s list (CloudFront is global)', () => {
    for (const region of Object.keys(PRICE_LIST.regions)) {
      expect([PRICE_LIST.regions[region].keyValueStoreMillionReads.usd, PRICE_LIST.regions[region].keyValueStoreThousandApiCalls.usd])
        .toEqual([0.03, 1]);
    }
  });

  test('custom resources (Custom::*, AWS::CloudFormation::CustomResource, AwsCustomResource) and Lambda permissions have no charge', () => {
    const result = price({
      Plain: { Type: 'AWS::CloudFormation::CustomResource', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:x' } },
      Copy: { Type: 'Custom::AWS', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:x', Create: '{}' } },
      Permission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: 'x', Principal: 'events.amazonaws.com' } },
    });
    expect(result.items).toEqual([]);
    expect(result.usagePrices).toEqual([]);
    expect(result.unpriced).toEqual([]);
  });

  test('a service\'s registration (Custom::RegionRegistration): no fixed charge; its KeyValueStore API calls $1.00 per 1,000, per use', () => {
    const result = price({
      Registration: { Type: 'Custom::RegionRegistration', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:x' } },
      Other: { Type: 'Custom::RegionRegistration', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:x' } },
    }, 'eu-central-1');
    expect(result.items).toEqual([]);
    expect(result.unpriced).toEqual([]);
    expect(result.usagePrices).toEqual([{
      description: 'CloudFront KeyValueStore API calls of service registrations (a create: describe and put, 2, or 4 with the long-lived l/ key; a delete: describe, get and delete for s/ and for l/, up to 6; more on an update or a write conflict)',
      priceUsd: 1,
      unit: '1,000 API calls',
      logicalIds: ['Registration', 'Other'],
    }]);
  });
});

describe('TemplatePricer: CloudFront Functions', () => {
  test('a function: no fixed charge; $0.10 per million invocations, per use (the router reads its KeyValueStore from it)', () => {
    const result = new TemplatePricer({ Resources: { Viewer: { Type: 'AWS::CloudFront::Function', Properties: { Name: 'viewer' } } } },
      PRICE_LIST.regions['eu-west-1']).estimate('S', 'eu-west-1', 'eu-west-1');
    expect(result.items).toEqual([]);
    expect(result.unpriced).toEqual([]);
    expect(result.usagePrices).toEqual([{
      description: 'CloudFront Functions invocations (2 million a month free)', priceUsd: 0.1, unit: 'million invocations', logicalIds: ['Viewer'],
    }]);
  });
});

// A static site's replica (StaticSite.replicaRegion): S3 replication is per use. Hand-checked:
// a replicated file is a PUT at the destination Region's price (us-west-2 $0.005, eu-central-1
// $0.0054 per 1,000), and each GB replicated to another Region is data transfer out of the
// source Region ($0.02 a GB from eu-central-1, $0.09 from ap-southeast-1).
describe('TemplatePricer: S3 replication to another Region', () => {
  const price = (region: string, rules: any[]) => new TemplatePricer({
    Resources: { Site: { Type: 'AWS::S3::Bucket', Properties: { ReplicationConfiguration: { Role: 'arn:aws:iam::111111111111:role/r', Rules: rules } } } },
  }, PRICE_LIST.regions[region]).estimate('S', region, region);
  /** A destination as StaticSite writes it: the replica stack's bucket name, read with Fn::GetStackOutput. */
  const toSibling = (region: string) => ({
    Status: 'Enabled',
    Destination: {
      Bucket: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::GetStackOutput': { StackName: 'Replica', OutputName: 'ReplicaBucketName', Region: region } }]] },
    },
  });
  const usage = (result: ReturnType<typeof price>) => result.usagePrices.map(u => [u.description, u.priceUsd, u.unit]);

  test('eu-central-1 to us-west-2: PUTs at us-west-2\'s $0.005 per 1,000, transfer at eu-central-1\'s $0.02 a GB; no fixed charge', () => {
    const result = price('eu-central-1', [toSibling('us-west-2')]);
    expect(result.items).toEqual([]);
    expect(result.unpriced).toEqual([]);
    expect(usage(result)).toEqual([
      ['S3 replication to us-west-2: a PUT request per replicated file or delete marker (us-west-2\'s PUT price)', 0.005, '1,000 PUT requests (Standard)'],
      ['S3 replication to us-west-2: inter-Region data transfer', 0.02, 'GB to another AWS Region'],
      ['S3 storage', 0.0245, 'GB-month (Standard)'],
    ]);
  });

  test('ap-southeast-1 to eu-central-1: eu-central-1\'s PUT price ($0.0054), Singapore\'s transfer price ($0.09)', () => {
    expect(usage(price('ap-southeast-1', [toSibling('eu-central-1')])).slice(0, 2).map(([, usd]) => usd)).toEqual([0.0054, 0.09]);
  });

  test('a destination in the same Region: PUTs only, no inter-Region transfer; a disabled rule: nothing', () => {
    expect(usage(price('us-east-1', [toSibling('us-east-1'), { ...toSibling('eu-west-1'), Status: 'Disabled' }]))).toEqual([
      ['S3 replication to us-east-1: a PUT request per replicated file or delete marker (us-east-1\'s PUT price)', 0.005, '1,000 PUT requests (Standard)'],
      ['S3 storage', 0.023, 'GB-month (Standard)'],
    ]);
  });

  test('a destination whose Region the template does not say: this stack\'s PUT price, and the transfer if in another Region', () => {
    expect(usage(price('eu-central-1', [{ Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::elsewhere' } }])).slice(0, 2)).toEqual([
      ['S3 replication to a Region known at deploy time: a PUT request per replicated file or delete marker (this stack\'s PUT price)', 0.0054, '1,000 PUT requests (Standard)'],
      ['S3 replication to a Region known at deploy time: inter-Region data transfer (if in another Region)', 0.02, 'GB to another AWS Region'],
    ]);
  });

  test('a destination in a Region without a price list: this stack\'s PUT price, and says so', () => {
    expect(usage(price('us-east-1', [toSibling('ap-south-1')]))[0][0])
      .toBe('S3 replication to ap-south-1: a PUT request per replicated file or delete marker (this stack\'s PUT price: no price list for ap-south-1)');
  });
});

// The proxy instance's agent polls its bucket as often as its systemd timer says; the pricer reads
// the interval from the instance's user data beside the bucket (same LongLivedProxy construct).
describe('TemplatePricer: the proxy instance\'s configuration poll', () => {
  const prices = PRICE_LIST.regions['us-east-1'];
  const path = (p: string) => ({ 'aws:cdk:path': `Platform/Platform/LongLivedProxy/${p}` });
  const template = (timer?: string) => ({
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket', Metadata: path('Bucket/Resource') },
      ...(timer === undefined ? {} : {
        Instance: {
          Type: 'AWS::EC2::Instance',
          Metadata: path('Instance/Resource'),
          Properties: { InstanceType: 't4g.nano', UserData: { 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\n[Timer]\nOnBootSec=5s\n', timer, '\n']] } } },
        },
      }),
    },
  });
  const poll = (t: any) => new TemplatePricer(t, prices).estimate('Platform', 'us-east-1', 'us-east-1');

  test('every 30 s: 87.6 thousand GETs a month (the description names the interval)', () => {
    const item = poll(template('OnUnitInactiveSec=30s')).items.find(i => i.description.startsWith('S3 requests'))!;
    expect(item.description).toBe('S3 requests of the proxy instance\'s configuration poll (every 30 s)');
    expect(item.quantity).toBeCloseTo(730 * 3600 / 30 / 1000, 6);
  });

  test('a timer of 60 s halves the requests', () => {
    const item = poll(template('OnUnitInactiveSec=60s')).items.find(i => i.description.startsWith('S3 requests'))!;
    expect(item.description).toContain('(every 60 s)');
    expect(item.quantity).toBeCloseTo(730 * 3600 / 60 / 1000, 6);
  });

  test('without the instance\'s timer in the template the poll is listed as unpriced, not guessed', () => {
    const estimate = poll(template());
    expect(estimate.items.some(i => i.description.startsWith('S3 requests'))).toBe(false);
    expect(estimate.unpriced).toEqual([expect.objectContaining({ logicalId: 'Bucket', reason: expect.stringContaining('OnUnitInactiveSec') })]);
  });
});
