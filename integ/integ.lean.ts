/**
 * The lean shape of the reference Jessica deployment (README, "Lean shape") and the same live
 * assertions as integ.jessica: the platform without a NAT (service tasks with their own public
 * IPv4 in the public subnets) and without a dashboard, Jessica on 0.25 vCPU / 0.5 GB without CPU
 * and memory alarms. Unlike the example app's lean shape (ARM64 Fargate Spot on weekdays 07-19
 * UTC, synthesized only), the test's task runs on demand and always on, on the architecture of
 * the machine that deploys it, its image built for that architecture without emulation
 * (`leanIntegTask`, `integCpuArchitecture` in apps/jessica-app.ts): a Spot interruption or the
 * schedule's end cannot fail a run. Its stacks (JessicaLeanPlatform, JessicaLeanService) live on
 * lean.<domain>, so it deploys beside the reference one.
 *
 * A real deploy needs the same environment as integ.jessica (CDK_INTEG_DOMAIN_NAME,
 * CDK_INTEG_HOSTED_ZONE_ID, JESSICA_ELEVENLABS_SECRET_NAME), at any hour. Without credentials
 * integ-runner only compares the synthesized templates with the committed snapshot, which records
 * x86_64 on every machine (integ-runner's placeholder settings).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { buildJessicaApp, leanSettingsFromEnvironment } from './apps/jessica-app';
import { addJessicaAssertions } from './contract/jessica-assertions';

export const app = new App();
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
