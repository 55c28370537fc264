import { awscdk, github } from 'projen';

/**
 * aws-actions/configure-aws-credentials v6.2.3, pinned to the release commit (the tag `v6.2.3`
 * points at this commit; it is the version projen's own `ActionRefs` names, an immutable GitHub
 * release). A full SHA, like the other pins here, so a moved tag cannot change what runs with the
 * deploy role.
 */
const CONFIGURE_AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c';

/**
 * The integ tests' stacks (integ.platform, integ.jessica, integ.lean), to list what a failed run
 * left behind.
 */
const INTEG_STACK_PREFIXES = ['PlatformInteg', 'Jessica'];

/**
 * `.github/workflows/integ-deploy.yml`: deploys the integ tests into a real AWS account with
 * integ-runner (deploy, live assertions, destroy), with credentials from GitHub's OIDC provider
 * (no stored keys; docs/deploy-with-oidc.md sets up the role). Configured by repository
 * variables: INTEG_DEPLOY_ROLE_ARN, CDK_INTEG_DOMAIN_NAME, CDK_INTEG_HOSTED_ZONE_ID,
 * JESSICA_ELEVENLABS_SECRET_NAME (the secret's full ARN). Without INTEG_DEPLOY_ROLE_ARN (a fork)
 * the job is skipped.
 */
export function addIntegDeployWorkflow(project: awscdk.AwsCdkConstructLibrary): github.GithubWorkflow | undefined {
  if (!project.github) {
    return undefined;
  }
  const workflow = new github.GithubWorkflow(project.github, 'integ-deploy', {
    // One deploy at a time: the tests use fixed stack and DNS names. A run that is under way is
    // never cancelled (that would leave stacks behind); a new one waits.
    limitConcurrency: true,
    concurrencyOptions: { group: 'integ-deploy', cancelInProgress: false },
  });
  workflow.on({
    workflowDispatch: {},
    // 08:00 UTC Monday to Friday. Every test runs at any hour (integ.lean's task is on demand and
    // always on). The x86_64 runner builds both images without emulation (no QEMU): integ.jessica's
    // is x86_64, integ.lean's follows the machine that deploys it.
    schedule: [{ cron: '0 8 * * 1-5' }],
  });

  // The same pins as projen's own workflows (build.yml): checkout by commit, setup-node by its
  // immutable release tag.
  const checkout = project.github.actions.get(github.ActionRefs.ACTIONS_CHECKOUT);
  const setupNode = project.github.actions.get(github.ActionRefs.ACTIONS_SETUP_NODE);
  workflow.addJob('deploy', {
    name: 'Deploy the integ tests',
    runsOn: ['ubuntu-latest'],
    // Forks and repositories without the role: skip, do not fail.
    if: "${{ vars.INTEG_DEPLOY_ROLE_ARN != '' }}",
    permissions: { idToken: github.workflows.JobPermission.WRITE, contents: github.workflows.JobPermission.READ },
    timeoutMinutes: 180,
    env: {
      // The integ stacks are pinned to us-east-1 (CloudFront's certificate and web ACL live
      // there), so the Region is not a variable.
      AWS_REGION: 'us-east-1',
      CDK_INTEG_DOMAIN_NAME: '${{ vars.CDK_INTEG_DOMAIN_NAME }}',
      CDK_INTEG_HOSTED_ZONE_ID: '${{ vars.CDK_INTEG_HOSTED_ZONE_ID }}',
      JESSICA_ELEVENLABS_SECRET_NAME: '${{ vars.JESSICA_ELEVENLABS_SECRET_NAME }}',
      TS_NODE_TRANSPILE_ONLY: '1',
      JSII_DEPRECATED: 'quiet',
    },
    steps: [
      { id: 'checkout', name: 'Checkout', uses: checkout },
      {
        id: 'setup-node',
        name: 'Setup Node.js',
        uses: setupNode,
        with: { 'node-version': '24', 'package-manager-cache': false },
      },
      { id: 'install', name: 'Install dependencies', run: 'npm ci' },
      {
        id: 'check-settings',
        name: 'Check the settings',
        run: [
          'missing=0',
          'for name in CDK_INTEG_DOMAIN_NAME CDK_INTEG_HOSTED_ZONE_ID JESSICA_ELEVENLABS_SECRET_NAME; do',
          '  if [ -z "${!name}" ]; then echo "::error::repository variable $name is not set"; missing=1; fi',
          'done',
          'exit $missing',
        ].join('\n'),
        shell: 'bash',
      },
      {
        id: 'aws-credentials',
        name: 'Configure AWS credentials (OIDC, configure-aws-credentials v6.2.3)',
        uses: CONFIGURE_AWS_CREDENTIALS,
        with: {
          'role-to-assume': '${{ vars.INTEG_DEPLOY_ROLE_ARN }}',
          'aws-region': '${{ env.AWS_REGION }}',
          'role-session-name': 'integ-deploy-${{ github.run_id }}',
          // The run outlasts the default hour; the role's MaxSessionDuration must allow this.
          'role-duration-seconds': 10800,
        },
      },
      {
        id: 'integ',
        name: 'Deploy, assert and destroy the integ tests',
        // --no-update-workflow: otherwise integ-runner first deploys the committed snapshot, which
        // holds the placeholder domain and zone and no asset files.
        run: 'npx integ-runner --directory integ --language typescript --parallel-regions us-east-1 --force --no-update-workflow',
      },
      {
        id: 'leftover-stacks',
        name: 'List stacks left behind',
        if: '${{ failure() || cancelled() }}',
        run: [
          'echo "Stacks of the integ tests still in the account (delete them, see README \\"Deploying the integration tests\\"):"',
          'aws cloudformation list-stacks --output table \\',
          `  --query "StackSummaries[?StackStatus!='DELETE_COMPLETE' && (${INTEG_STACK_PREFIXES.map(p => `starts_with(StackName, '${p}')`).join(' || ')})].[StackName,StackStatus]"`,
        ].join('\n'),
      },
    ],
  });
  return workflow;
}
