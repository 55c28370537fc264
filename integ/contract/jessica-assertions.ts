/**
 * The live assertions of a deployed Jessica app (the reference and the lean one): every JSON
 * endpoint of the contract through integ-runner's `httpApiCall`, the WebSocket round trip and the
 * audio stream through the probe Lambda (`invokeFunction`), and the web page on
 * `<service>.<domain>`.
 */
import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';
import { ANY_BOOLEAN, ANY_STRING, HttpExpectation, JsonPattern, platformExpectations, PROBE_TEXT, serviceExpectations } from './expectations';
import type { JessicaApp, JessicaAppSettings } from '../apps/jessica-app';

/**
 * The contract's JSON pattern as an integ-tests matcher. integ-tests has no "any value" matcher:
 * a key whose pattern is ANY_BOOLEAN is left out (its presence is checked only locally).
 */
function toMatcher(pattern: JsonPattern): unknown {
  if (pattern === ANY_STRING) return Match.stringLikeRegexp('.+');
  if (Array.isArray(pattern)) return Match.arrayWith(pattern.map(item => toMatcher(item)));
  if (pattern !== null && typeof pattern === 'object') {
    return Match.objectLike(Object.fromEntries(Object.entries(pattern)
      .filter(([, v]) => v !== ANY_BOOLEAN)
      .map(([k, v]) => [k, toMatcher(v)])));
  }
  return pattern;
}

/** How long the first assertion waits for DNS, certificates and the first healthy task. */
export const FIRST_WAIT = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) };
/**
 * How long an assertion on another path (the load balancer's, the frontend's) waits once the
 * first has passed. Each waiter is a custom resource: CloudFormation waits an hour for it at most.
 */
export const SETTLE_WAIT = { totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) };

/**
 * Adds the assertions to `integ`, against the stacks of `deployed`, as one chain: each starts
 * only when the one before it has passed (`next()`: a DependsOn between their custom resources).
 * The first waits for the deploy to settle; those that take another path to the task (the
 * WebSocket through the load balancer, the audio stream through ElevenLabs, the web page on its
 * own host name) wait as well, the others (same path as one that passed) run once.
 */
export function addJessicaAssertions(integ: IntegTest, deployed: JessicaApp, settings: JessicaAppSettings): void {
  const { platform, jessica, probe } = deployed;
  const apiOrigin = `https://${platform.apiDomainName}`;
  const checks: HttpExpectation[] = [...platformExpectations, ...serviceExpectations('/jessica', 'jessica')];
  let last: IApiCall | undefined;
  const then = (call: IApiCall) => {
    last = last ? last.next(call) : call;
  };
  for (const check of checks) {
    const call = integ.assertions.httpApiCall(`${apiOrigin}${check.path}`, {
      method: check.method,
      headers: { ...(check.body !== undefined ? { 'content-type': 'application/json' } : {}), ...check.headers },
      body: check.body !== undefined ? JSON.stringify(check.body) : undefined,
    });
    const expected: Record<string, unknown> = { status: check.status };
    if (check.contentType) expected.headers = Match.objectLike({ 'content-type': Match.arrayWith([Match.stringLikeRegexp(`^${check.contentType}`)]) });
    if (check.json !== undefined) expected.body = toMatcher(check.json);
    call.expect(ExpectedResult.objectLike(expected));
    // The first call waits for DNS, certificates and the first healthy task.
    if (!last) call.waitForAssertions(FIRST_WAIT);
    then(call);
  }

  // The WebSocket round trip through the front door and the long-lived origin (the internal
  // load balancer, whose target turns healthy on its own health checks; in the lean shape the
  // proxy instance, once the publisher has rendered Jessica's route record and the agent has
  // installed it: seconds after the deploy, at most 5 minutes and 30 seconds).
  then(integ.assertions.invokeFunction({
    functionName: probe.functionName,
    payload: JSON.stringify({ kind: 'websocket', url: jessica.webSocketUrl, text: PROBE_TEXT }),
  }).expect(ExpectedResult.objectLike({
    Payload: Match.serializedJson(Match.objectLike({ firstType: 'audio_start', types: Match.arrayWith(['audio_complete']) })),
  })).waitForAssertions(SETTLE_WAIT));

  // The audio stream through the HTTP API: 200 audio/mpeg, MP3 bytes.
  then(integ.assertions.invokeFunction({
    functionName: probe.functionName,
    payload: JSON.stringify({ kind: 'audio', url: `${jessica.apiUrl}/api/v1/tts/stream`, text: PROBE_TEXT }),
  }).expect(ExpectedResult.objectLike({
    Payload: Match.serializedJson(Match.objectLike({ status: 200, contentType: 'audio/mpeg', mp3: true })),
  })).waitForAssertions(SETTLE_WAIT));

  // A direct call to the HTTP API's execute-api URL skips the front door: refused (ADR 10). With
  // no x-origin-verify header API Gateway answers 401 itself; a guessed value, the function 403.
  then(integ.assertions.httpApiCall(`${platform.httpApi.apiEndpoint}/jessica/health`)
    .expect(ExpectedResult.objectLike({ status: 401 })));
  then(integ.assertions.httpApiCall(`${platform.httpApi.apiEndpoint}/jessica/health`, { headers: { 'x-origin-verify': 'guess' } })
    .expect(ExpectedResult.objectLike({ status: 403 })));

  // The web page and its run-time configuration on jessica.<domain>.
  const frontendUrl = `https://jessica.${settings.domainName}`;
  then(integ.assertions.httpApiCall(`${frontendUrl}/`).expect(ExpectedResult.objectLike({
    status: 200,
    headers: Match.objectLike({ 'content-type': Match.arrayWith([Match.stringLikeRegexp('^text/html')]) }),
  })).waitForAssertions(SETTLE_WAIT));
  then(integ.assertions.httpApiCall(`${frontendUrl}/config.json`).expect(ExpectedResult.objectLike({
    status: 200,
    body: Match.objectLike({ apiBaseUrl: `${jessica.apiUrl}/api/v1`, webSocketUrl: jessica.webSocketUrl }),
  })));
}
