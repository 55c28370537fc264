/**
 * The reference Jessica deployment and its live assertions.
 *
 * Deploys the platform (stack JessicaPlatform) and Jessica through TtsService in a second stack
 * that imports the platform by name (JessicaService), then checks the live endpoints with the
 * expectations in `integ/contract/` (the same ones the local endpoint test runs on loopback):
 * JSON endpoints through integ-runner's `httpApiCall`, the WebSocket round trip and the audio
 * stream through a small probe Lambda (`invokeFunction`), and the web page on jessica.<domain>.
 *
 * A real deploy needs CDK_INTEG_DOMAIN_NAME, CDK_INTEG_HOSTED_ZONE_ID and
 * JESSICA_ELEVENLABS_SECRET_NAME (see README); without credentials integ-runner only compares
 * the synthesized templates with the committed snapshot.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { buildJessicaApp, settingsFromEnvironment } from './apps/jessica-app';
import { ANY_BOOLEAN, ANY_STRING, HttpExpectation, JsonPattern, platformExpectations, PROBE_TEXT, serviceExpectations } from './contract/expectations';

const app = new App();
const settings = settingsFromEnvironment();
const { platformStack, serviceStack, platform, jessica, probe } = buildJessicaApp(app, settings);

// The assertions run in the same environment as the stacks they call (the probe Lambda).
const assertionStack = new Stack(app, 'JessicaAssertions', { env: settings.env });
const integ = new IntegTest(app, 'JessicaInteg', {
  testCases: [platformStack, serviceStack],
  assertionStack,
  diffAssets: false,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});

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

const apiOrigin = `https://${platform.apiDomainName}`;
const checks: HttpExpectation[] = [...platformExpectations, ...serviceExpectations('/jessica', 'jessica')];
let previous: { next(next: any): any } | undefined;
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
  if (!previous) call.waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });
  previous = previous ? previous.next(call) : call;
}

// The WebSocket round trip through the front door and the long-lived origin.
integ.assertions.invokeFunction({
  functionName: probe.functionName,
  payload: JSON.stringify({ kind: 'websocket', url: jessica.webSocketUrl, text: PROBE_TEXT }),
}).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({ firstType: 'audio_start', types: Match.arrayWith(['audio_complete']) })),
}));

// The audio stream through the HTTP API: 200 audio/mpeg, MP3 bytes.
integ.assertions.invokeFunction({
  functionName: probe.functionName,
  payload: JSON.stringify({ kind: 'audio', url: `${jessica.apiUrl}/api/v1/tts/stream`, text: PROBE_TEXT }),
}).expect(ExpectedResult.objectLike({
  Payload: Match.serializedJson(Match.objectLike({ status: 200, contentType: 'audio/mpeg', mp3: true })),
}));

// The web page and its run-time configuration on jessica.<domain>.
const frontendUrl = `https://jessica.${settings.domainName}`;
integ.assertions.httpApiCall(`${frontendUrl}/`).expect(ExpectedResult.objectLike({
  status: 200,
  headers: Match.objectLike({ 'content-type': Match.arrayWith([Match.stringLikeRegexp('^text/html')]) }),
}));
integ.assertions.httpApiCall(`${frontendUrl}/config.json`).expect(ExpectedResult.objectLike({
  status: 200,
  body: Match.objectLike({ apiBaseUrl: `${jessica.apiUrl}/api/v1`, webSocketUrl: jessica.webSocketUrl }),
}));
