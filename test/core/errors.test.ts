import { App, Stack } from 'aws-cdk-lib';
import { checkWithin, PropError } from '../../src/core/errors';
import { errorOf } from '../helpers/errors';

describe('checkWithin', () => {
  const stack = new Stack(new App(), 'S');

  test('names the prop of a PropError inside the prefix, keeping the value and the allowed values', () => {
    const error = errorOf(() => checkWithin('additionalRegions[1]', () => {
      throw new PropError(stack, 'maxAzs', 9, 'expected a whole number from 2 to 6');
    }));
    expect(error).toBeInstanceOf(PropError);
    expect(error.message).toBe('S: invalid additionalRegions[1].maxAzs 9: expected a whole number from 2 to 6');
  });

  test('passes other errors on unchanged, and returns when the check passes', () => {
    const other = new Error('something invalid: else');
    expect(errorOf(() => checkWithin('x', () => { throw other; }))).toBe(other);
    expect(other.message).toBe('something invalid: else');
    expect(() => checkWithin('x', () => undefined)).not.toThrow();
  });
});
