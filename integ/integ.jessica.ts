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
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { buildJessicaApp, settingsFromEnvironment } from './apps/jessica-app';
import { addJessicaAssertions } from './contract/jessica-assertions';

export const app = new App();
const settings = settingsFromEnvironment();
const deployed = buildJessicaApp(app, settings);

// The assertions run in the same environment as the stacks they call (the probe Lambda).
const assertionStack = new Stack(app, 'JessicaAssertions', { env: settings.env });
const integ = new IntegTest(app, 'JessicaInteg', {
  testCases: [deployed.platformStack, deployed.serviceStack],
  assertionStack,
  diffAssets: false,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});
addJessicaAssertions(integ, deployed, settings);
