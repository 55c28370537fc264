/** The error a call throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw, but it returned');
}
