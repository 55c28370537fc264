/**
 * The lean shape of the reference Jessica deployment (README, "Lean shape") and the same live
 * assertions as integ.jessica: the platform without a NAT (service tasks with their own public
 * IPv4 in the public subnets) and without a dashboard, Jessica on 0.25 vCPU / 0.5 GB ARM64
 * Fargate Spot on weekdays 07-19 UTC. Its stacks (JessicaLeanPlatform, JessicaLeanService) live
 * on lean.<domain>, so it deploys beside the reference one.
 *
 * A real deploy needs the same environment as integ.jessica (CDK_INTEG_DOMAIN_NAME,
 * CDK_INTEG_HOSTED_ZONE_ID, JESSICA_ELEVENLABS_SECRET_NAME) and must run inside the schedule's
 * hours (Monday to Friday 07-19 UTC): outside them the service has no task. Without credentials
 * integ-runner only compares the synthesized templates with the committed snapshot.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { buildJessicaApp, leanSettingsFromEnvironment } from './apps/jessica-app';
import { addJessicaAssertions } from './contract/jessica-assertions';

const app = new App();
const settings = leanSettingsFromEnvironment();
const deployed = buildJessicaApp(app, settings);

const assertionStack = new Stack(app, 'JessicaLeanAssertions', { env: settings.env });
const integ = new IntegTest(app, 'JessicaLeanInteg', {
  testCases: [deployed.platformStack, deployed.serviceStack],
  assertionStack,
  diffAssets: false,
  cdkCommandOptions: { destroy: { args: { force: true } } },
});
addJessicaAssertions(integ, deployed, settings);
