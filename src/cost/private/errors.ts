/**
 * A cloud assembly that cannot be read: no such folder, no manifest, a template that does not
 * parse. Its message is one line, for the command line.
 *
 * @internal
 */
export class CostEstimateError extends Error {
  /** @param message what is wrong, naming the path */
  constructor(message: string) {
    super(message);
    this.name = 'CostEstimateError';
  }
}
