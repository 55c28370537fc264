import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { GuardWaiversValidator } from '@georgi-io/platform-constructs';

/**
 * Security validation at `cdk synth` (README "Security validation"): a finding that no resource
 * waives or acknowledges fails the synth, and cdk.out/validation-report.json lists it.
 *
 * - the AWS Control Tower proactive controls (cfn-guard rules), minus the findings a resource
 *   waives in Metadata.guard (`GuardWaiversValidator.waive`; the platform's constructs waive
 *   theirs, with the reason);
 * - cdk-nag 3's AWS Solutions and NIST 800-53 R5 packs, minus the findings acknowledged with
 *   `Validations.of(construct).acknowledge({ id, reason })` (the platform's constructs
 *   acknowledge theirs, with the reason).
 */
export function addSecurityValidation(app: App): void {
  Validations.of(app).addPlugins(
    new GuardWaiversValidator({
      plugin: new CfnGuardValidator({
        controlTowerRulesEnabled: true,
        // The validator 0.0.62 crashes on these two rule files when a certificate ARN is a
        // deploy-time value (a service stack's); the library's tests check what they check.
        disabledRules: ['ct-cloudfront-pr-6', 'ct-cloudfront-pr-7'],
      }),
    }),
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
  );
}
