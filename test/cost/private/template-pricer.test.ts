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
