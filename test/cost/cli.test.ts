import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { main } from '../../src/cost/cli';
import { ENV } from '../helpers/fixtures';

/** An assembly with a KMS key ($1) in stack A and a secret ($0.40) in stack B. */
function assembly(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-cli-'));
  const app = new App({ outdir });
  new kms.Key(new Stack(app, 'A', { env: ENV }), 'Key');
  new secretsmanager.Secret(new Stack(app, 'B', { env: ENV }), 'Secret');
  app.synth();
  return outdir;
}

function run(...argv: string[]): { code: number; out: string; err: string[] } {
  let out = '';
  const err: string[] = [];
  const code = main(argv, text => { out += text; }, text => err.push(text));
  return { code, out, err };
}

describe('platform-cost', () => {
  test('prints per stack its items and the total', () => {
    const { code, out, err } = run(assembly());
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toMatch(/^Stack A \(us-east-1, us-east-1 prices\): \$1\.00 a month fixed$/m);
    expect(out).toMatch(/\$1\.00 {2}KMS customer managed key/);
    expect(out).toMatch(/^Stack B .*: \$0\.40 a month fixed$/m);
    expect(out).toMatch(/^Total: \$1\.40 a month fixed, 2 stack\(s\)/m);
  });

  test('several Regions: the summary names, per stack, the Region whose prices priced it', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-cli-regions-'));
    const app = new App({ outdir });
    new kms.Key(new Stack(app, 'Primary', { env: { account: ENV.account, region: 'eu-central-1' } }), 'Key');
    new secretsmanager.Secret(new Stack(app, 'Oregon', { env: { account: ENV.account, region: 'us-west-2' } }), 'Secret');
    new secretsmanager.Secret(new Stack(app, 'Mumbai', { env: { account: ENV.account, region: 'ap-south-1' } }), 'Secret');
    app.synth();
    const { code, out } = run(outdir);
    expect(code).toBe(0);
    expect(out).toMatch(/^Stack Oregon \(us-west-2, us-west-2 prices\): \$0\.40 a month fixed$/m);
    expect(out).toMatch(/^Stack Mumbai \(ap-south-1, us-east-1 prices\): \$0\.40 a month fixed$/m);
    const summary = out.slice(out.indexOf('Total:')).split('\n').filter(l => l.startsWith('  stack '));
    expect(summary).toEqual([
      '  stack Primary (eu-central-1): $1.00, priced with eu-central-1 prices',
      '  stack Oregon (us-west-2): $0.40, priced with us-west-2 prices',
      '  stack Mumbai (ap-south-1): $0.40, priced with us-east-1 prices: no price list for ap-south-1',
    ]);
  });

  test('--json: totalMonthlyUsd and per-stack totals', () => {
    const { code, out } = run(assembly(), '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.totalMonthlyUsd).toBeCloseTo(1.4, 6);
    expect(json.stacks.map((s: any) => [s.stackName, s.monthlyUsd])).toEqual([['A', 1], ['B', 0.4]]);
  });

  test('--max: exit 0 within the budget, 1 over it, with one line saying so', () => {
    const dir = assembly();
    expect(run(dir, '--max', '1.40').code).toBe(0);
    const over = run(dir, '--max', '1');
    expect(over.code).toBe(1);
    expect(over.err).toEqual(['platform-cost: the total $1.40 a month is over --max $1.00']);
  });

  test.each([
    [[], 'platform-cost: no cloud assembly folder given (usage: platform-cost <cloud assembly folder> [--json] [--max USD] [--region REGION])'],
    [['x', '--max', 'ten'], 'platform-cost: invalid --max ten: a number of US dollars, 0 or more (e.g. --max 25)'],
    [['x', '--max', '-1'], 'platform-cost: invalid --max -1: a number of US dollars, 0 or more (e.g. --max 25)'],
    [['x', '--max'], expect.stringMatching(/^platform-cost: --max needs a value/)],
    [['x', '--region', 'mars-1'], 'platform-cost: invalid --region mars-1: prices exist for us-east-1, eu-central-1, us-west-2, eu-west-1, ap-southeast-1'],
    [['x', '--verbose'], expect.stringMatching(/^platform-cost: unknown option --verbose/)],
    [['x', 'y'], expect.stringMatching(/^platform-cost: one cloud assembly folder only, got x and y/)],
    [['/no/such/folder'], 'platform-cost: no such folder: /no/such/folder'],
    [[os.tmpdir()], `platform-cost: not a cloud assembly: ${os.tmpdir()} has no manifest.json (run cdk synth first)`],
  ])('bad input %j: one line, exit 2', (argv, message) => {
    const { code, out, err } = run(...(argv as string[]));
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toEqual([message]);
  });

  test('--help: the usage on stdout, exit 0', () => {
    const { code, out, err } = run('--help');
    expect(code).toBe(0);
    expect(out).toBe('usage: platform-cost <cloud assembly folder> [--json] [--max USD] [--region REGION]');
    expect(err).toEqual([]);
  });

  test('--max with resources it cannot price: says so on stderr (the budget check leaves them out)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-cli-unpriced-'));
    const app = new App({ outdir });
    new CfnResource(new Stack(app, 'A', { env: ENV }), 'Db', { type: 'AWS::RDS::DBInstance', properties: {} });
    app.synth();
    const { code, err } = run(outdir, '--max', '10');
    expect(code).toBe(0);
    expect(err).toEqual(['platform-cost: 1 resource(s) not priced (listed above): the total and --max leave them out']);
  });

  test('a template that does not parse: one line naming it, exit 2', () => {
    const dir = assembly();
    fs.writeFileSync(path.join(dir, 'B.template.json'), 'not json');
    const { code, err } = run(dir);
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^platform-cost: cannot parse ${path.join(dir, 'B.template.json')}: `));
  });

  test('the command itself: a process with the exit code and nothing on stdout for bad input', () => {
    const cli = path.join(__dirname, '..', '..', 'src', 'cost', 'cli.ts');
    const tsNode = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'ts-node');
    const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' };
    const bad = spawnSync(tsNode, ['--project', 'tsconfig.dev.json', cli, '/no/such/folder'], { encoding: 'utf8', env });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe('platform-cost: no such folder: /no/such/folder');
    const good = execFileSync(tsNode, ['--project', 'tsconfig.dev.json', cli, assembly(), '--json'], { encoding: 'utf8', env });
    expect(JSON.parse(good).totalMonthlyUsd).toBeCloseTo(1.4, 6);
  });
});
