import * as fs from 'fs';
import * as path from 'path';

/**
 * The README's two quick starts stand alone (scripts/check-quick-starts.js synthesizes each in a
 * new `cdk init` project), and the starter repositories (examples/, built from the packed library
 * by scripts/check-starters.js) are them grown into whole repositories: the infrastructure
 * starter is its quick start plus the one-line security validation, character for character; the
 * service starter builds every construct of its quick start under the same id, and more.
 */
const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first ```ts block after the heading, without its fences. */
function blockUnder(heading: string): string | undefined {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) return undefined;
  const next = README.indexOf('\n## ', start + heading.length + 2);
  const section = README.slice(start, next < 0 ? undefined : next);
  return /^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1];
}

/** A starter's app without its security validation (the import and the one-line call). */
function withoutSecurity(code: string): string {
  return code
    .replace(/^import \{ addSecurityValidation \} from '\.\/security';\n/m, '')
    .replace(/^addSecurityValidation\(app\);[^\n]*\n\n?/m, '');
}

describe.each([
  ['## Quick start: the infrastructure repository', 'examples/infra/bin/app.ts'],
  ['## Quick start: a service repository', 'examples/service/bin/app.ts'],
])('README "%s"', (heading, file) => {
  const starter = fs.readFileSync(path.join(ROOT, file), 'utf8');

  test(`${file} calls the security validation in one line`, () => {
    expect(starter).toMatch(/^import \{ addSecurityValidation \} from '\.\/security';$/m);
    expect(starter.match(/^addSecurityValidation\(app\);/gm)).toHaveLength(1);
  });

  test(`${file} builds every construct of the quick start, under the same id`, () => {
    const block = blockUnder(heading);
    expect(block).toBeDefined();
    const calls = [...block!.matchAll(/(new \w+\(stack, '[^']+'|GlobalPlatform\.fromPlatformName\(stack, '[^']+', '[^']+')/g)].map(m => m[1]);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(starter).toContain(call);
  });

  test(`points at ${path.dirname(path.dirname(file))}/`, () => {
    const start = README.indexOf(`\n${heading}\n`);
    const section = README.slice(start, README.indexOf('```ts', start));
    expect(section).toContain(`./${path.dirname(path.dirname(file))}/`);
  });
});

test('the infrastructure quick start is examples/infra/bin/app.ts without its security validation', () => {
  expect(blockUnder('## Quick start: the infrastructure repository'))
    .toEqual(withoutSecurity(fs.readFileSync(path.join(ROOT, 'examples/infra/bin/app.ts'), 'utf8')));
});
