#!/usr/bin/env node
// Reads cfn-lint's JSON output (`cfn-lint --format json ...`) on stdin, drops the findings that
// are listed below with their reason, prints the rest one per line as
// `file:line:col:RULE:message`, then `cfn-lint: N templates, E errors, W warnings, I ignored`.
// Exits 1 when an error (E*) is left, or when the input is not cfn-lint's JSON.
// Usage: cfn-lint --format json -- T1.json T2.json | node scripts/cfn-lint-report.js <template count>
// Required as a module, it exports STALE_TAGS_SCHEMA (scripts/check-starters.js uses the same list).
'use strict';

const fs = require('fs');

/**
 * cfn-lint's resource schemas lag behind CloudFormation: cfn-lint 1.51 does not know that these
 * types take `Tags`, which aws-cdk-lib 2.257 and newer write on them (CloudFormation accepts them;
 * see each type's page in the CloudFormation resource reference). Ignored for these types only.
 */
const STALE_TAGS_SCHEMA = new Map([
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html
  // lists Tags; aws-cdk-lib's CfnDashboard gained them in 2.257.0.
  ['AWS::CloudWatch::Dashboard', 'CloudFormation accepts Tags on dashboards; cfn-lint 1.51\'s schema predates them'],
  // Tagged by aws-cdk-lib 2.276 (seen in the starter repositories).
  ['AWS::ElasticLoadBalancingV2::Listener', 'CloudFormation accepts Tags on listeners; cfn-lint 1.51\'s schema predates them'],
  ['AWS::ElasticLoadBalancingV2::ListenerRule', 'CloudFormation accepts Tags on listener rules; cfn-lint 1.51\'s schema predates them'],
  ['AWS::ApplicationAutoScaling::ScalableTarget', 'CloudFormation accepts Tags on scalable targets; cfn-lint 1.51\'s schema predates them'],
]);

function main() {
  const templateCount = process.argv[2] ?? '?';
  const input = fs.readFileSync(0, 'utf8').trim();
  let findings;
  try {
    findings = input === '' ? [] : JSON.parse(input);
  } catch (error) {
    console.error(`cfn-lint-report: cfn-lint printed no JSON: ${input.slice(0, 300)}`);
    process.exit(1);
  }
  if (!Array.isArray(findings)) {
    console.error('cfn-lint-report: expected a JSON list of findings from cfn-lint --format json');
    process.exit(1);
  }

  const templates = new Map();
  function resourceType(file, logicalId) {
    if (!templates.has(file)) templates.set(file, JSON.parse(fs.readFileSync(file, 'utf8')));
    return templates.get(file).Resources?.[logicalId]?.Type;
  }

  function ignoredReason(finding) {
    const path = finding.Location?.Path ?? [];
    if (finding.Rule?.Id === 'E3002' && /'Tags' was unexpected/.test(finding.Message)
      && path[0] === 'Resources' && path[2] === 'Properties') {
      return STALE_TAGS_SCHEMA.get(resourceType(finding.Filename, path[1]));
    }
    return undefined;
  }

  let errors = 0;
  let warnings = 0;
  let ignored = 0;
  for (const finding of findings) {
    const rule = finding.Rule?.Id ?? '?';
    if (ignoredReason(finding)) { ignored++; continue; }
    if (rule.startsWith('E')) errors++;
    if (rule.startsWith('W')) warnings++;
    const start = finding.Location?.Start ?? {};
    console.log(`${finding.Filename}:${start.LineNumber}:${start.ColumnNumber}:${rule}:${finding.Message}`);
  }
  console.log(`cfn-lint: ${templateCount} templates, ${errors} errors, ${warnings} warnings, ${ignored} ignored (stale Tags schema)`);
  process.exit(errors > 0 ? 1 : 0);
}

module.exports = { STALE_TAGS_SCHEMA };
if (require.main === module) main();
