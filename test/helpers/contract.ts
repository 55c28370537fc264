import { HttpExpectation, mismatch } from '../../integ/contract/expectations';

/**
 * Sends one expectation of the integ contract (`integ/contract/expectations.ts`) to `origin`;
 * returns what went wrong, or undefined. Used against the reference app on loopback and against
 * the local front door of platform-dev.
 */
export async function checkExpectation(origin: string, expectation: HttpExpectation): Promise<string | undefined> {
  const response = await fetch(`${origin}${expectation.path}`, {
    method: expectation.method,
    headers: { ...(expectation.body !== undefined ? { 'content-type': 'application/json' } : {}), ...expectation.headers },
    body: expectation.body !== undefined ? JSON.stringify(expectation.body) : undefined,
  });
  const text = await response.text();
  if (response.status !== expectation.status) return `status ${response.status}, expected ${expectation.status}: ${text}`;
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0];
  if (expectation.contentType && contentType !== expectation.contentType) {
    return `content-type ${contentType}, expected ${expectation.contentType}`;
  }
  if (expectation.json !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return `body is not JSON: ${text.slice(0, 200)}`;
    }
    return mismatch(body, expectation.json);
  }
  return undefined;
}
