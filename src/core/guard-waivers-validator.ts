import * as fs from 'fs';
import {
  CfnResource, IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropError } from './errors';
import { addGuardWaivers, GUARD_METADATA } from './private/guard-metadata';

/** Properties of a `GuardWaiversValidator`. */
export interface GuardWaiversValidatorProps {
  /**
   * The policy validation plugin whose findings are filtered, such as
   * `new CfnGuardValidator({ controlTowerRulesEnabled: true })` of
   * `@cdklabs/cdk-validator-cfnguard`.
   */
  readonly plugin: IPolicyValidationPluginBeta1;
}

/**
 * A policy validation plugin (`Validations.of(app).addPlugins(...)`) that runs another one, such as
 * `@cdklabs/cdk-validator-cfnguard`'s `CfnGuardValidator` with the AWS Control Tower proactive
 * controls, and drops the findings that a resource waives: the rule names in its
 * `Metadata.guard.SuppressedRules`, each with a reason in `Metadata.guard.Reasons`.
 *
 * This library's constructs record their waivers that way (see the README's "Security
 * controls"); `GuardWaiversValidator.waive()` records one of your own. cfn-guard itself does not
 * read that metadata, and CDK's own `Validations.of(...).acknowledge()` acknowledges a rule for
 * every resource of the app, so this is the per-resource waiver.
 *
 * @example
 * import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
 *
 * const app = new App();
 * Validations.of(app).addPlugins(new GuardWaiversValidator({
 *   plugin: new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: ['ct-cloudfront-pr-6', 'ct-cloudfront-pr-7'] }),
 * }));
 */
export class GuardWaiversValidator implements IPolicyValidationPluginBeta1 {
  /**
   * Waives one rule on the CloudFormation resource of `construct` (or the construct itself, when
   * it is one), with the reason: why the rule does not apply, or what meeting it would cost.
   *
   * @param construct an L1 resource, or an L2 construct whose default child is one
   * @param rule the rule name, such as `lambda_inside_vpc_check`
   * @param reason at least 10 characters
   */
  public static waive(construct: IConstruct, rule: string, reason: string): void {
    const resource = construct.node.defaultChild ?? construct;
    if (!CfnResource.isCfnResource(resource)) {
      throw new PropError(construct, 'construct', construct.node.path, 'expected a CloudFormation resource or a construct whose default child is one');
    }
    if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(rule)) {
      throw new PropError(construct, 'rule', rule, 'expected a rule name such as "lambda_inside_vpc_check"');
    }
    if (reason.trim().length < 10) {
      throw new PropError(construct, 'reason', reason, 'give a specific reason of at least 10 characters');
    }
    addGuardWaivers(resource, [{ rule, reason }]);
  }

  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly plugin: IPolicyValidationPluginBeta1;

  /**
   * @param props the plugin to run
   */
  constructor(props: GuardWaiversValidatorProps) {
    this.plugin = props.plugin;
    this.name = props.plugin.name;
    this.version = props.plugin.version;
    this.ruleIds = props.plugin.ruleIds;
  }

  /**
   * Runs the plugin, then drops each violating resource that waives the violated rule, and each
   * violation whose resources all waive it (a violation that names no resource stays).
   *
   * @param context the templates to check
   */
  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.plugin.validate(context);
    const templates = new Map<string, any>();
    const waivedRules = (templatePath: string, logicalId: string): string[] => {
      if (!templates.has(templatePath)) {
        try {
          templates.set(templatePath, JSON.parse(fs.readFileSync(templatePath, 'utf8')));
        } catch {
          templates.set(templatePath, {});
        }
      }
      const rules = templates.get(templatePath)?.Resources?.[logicalId]?.Metadata?.[GUARD_METADATA]?.SuppressedRules;
      return Array.isArray(rules) ? rules : [];
    };
    const violations: PolicyViolationBeta1[] = [];
    for (const violation of report.violations) {
      const resources = violation.violatingResources.filter(r => !waivedRules(r.templatePath, r.resourceLogicalId).includes(violation.ruleName));
      // A violation that names no resource cannot be waived by one.
      if (violation.violatingResources.length === 0 || resources.length > 0) violations.push({ ...violation, violatingResources: resources });
    }
    // A failed report without violations (the plugin's own error) stays failed.
    const success = violations.length === 0 && (report.success || report.violations.length > 0);
    return { ...report, success, violations };
  }
}
