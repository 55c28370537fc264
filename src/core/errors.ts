import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one error of a synth-time check: names the construct path, the prop, the value and what
 * is allowed (`<path>: invalid <prop> <value>: <allowed>`), in the manner of aws-cdk's own
 * `ValidationError`.
 *
 * @internal
 */
export class PropError extends Error {
  /**
   * @param scope the construct whose prop is wrong (its path starts the message)
   * @param prop the prop, dotted for a field of an options struct (`waf.rateLimit`)
   * @param value the value given
   * @param allowed what is allowed, or how to fix it (lower case)
   */
  constructor(scope: IConstruct, prop: string, value: unknown, allowed: string) {
    super(`${scope.node.path}: ${describeProblem(prop, value, allowed)}`);
    this.name = 'PropError';
  }
}

/**
 * `PropError` for a static factory, which has no construct yet: the message starts with the
 * factory's name (`ApiTarget.httpUrl: invalid url ...`).
 *
 * @internal
 */
export class UnscopedPropError extends Error {
  /**
   * @param factory the factory, e.g. `ApiTarget.httpUrl`
   * @param prop the argument or option
   * @param value the value given
   * @param allowed what is allowed, or how to fix it (lower case)
   */
  constructor(factory: string, prop: string, value: unknown, allowed: string) {
    super(`${factory}: ${describeProblem(prop, value, allowed)}`);
    this.name = 'PropError';
  }
}

/**
 * An attribute that a construct cannot give, such as one that an imported platform does not
 * publish: `<path>: <attribute> is not available: <why, and what to use instead>`.
 *
 * @internal
 */
export class AttributeError extends Error {
  /**
   * @param scope the construct asked for the attribute (its path starts the message)
   * @param attribute the attribute, e.g. `ipv4CidrBlock`
   * @param reason why it is not available and what to use instead (lower case)
   */
  constructor(scope: IConstruct, attribute: string, reason: string) {
    super(`${scope.node.path}: ${attribute} is not available: ${reason}`);
    this.name = 'AttributeError';
  }
}

function describeProblem(prop: string, value: unknown, allowed: string): string {
  return `invalid ${prop} ${formatValue(value)}: ${allowed}`;
}

/** Numbers as written (NaN, Infinity), durations as text, everything else as JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value instanceof Duration) return value.toHumanString();
  return JSON.stringify(value);
}

/**
 * Runs `check` and names the props of its `PropError` inside `prefix`: a check of an options
 * struct used in a list (`additionalRegions[0]` + `maxAzs` = `additionalRegions[0].maxAzs`).
 * @internal
 */
export function checkWithin(prefix: string, check: () => void): void {
  try {
    check();
  } catch (e) {
    if (e instanceof PropError) e.message = e.message.replace(/: invalid /, `: invalid ${prefix}.`);
    throw e;
  }
}
