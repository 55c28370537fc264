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
