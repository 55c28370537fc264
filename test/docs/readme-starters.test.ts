import * as fs from 'fs';
import * as path from 'path';

/**
 * The README's two quick starts are the starter repositories' apps (examples/, built from the
 * packed library by scripts/check-starters.js): each ```ts block under its heading must be the
 * file, character for character.
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

describe.each([
  ['## Quick start: the infrastructure repository', 'examples/infra/bin/app.ts'],
  ['## Quick start: a service repository', 'examples/service/bin/app.ts'],
])('README "%s"', (heading, file) => {
  test(`is ${file}`, () => {
    const block = blockUnder(heading);
    expect(block).toBeDefined();
    expect(block).toEqual(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  });

  test(`points at ${path.dirname(path.dirname(file))}/`, () => {
    const start = README.indexOf(`\n${heading}\n`);
    const section = README.slice(start, README.indexOf('```ts', start));
    expect(section).toContain(`./${path.dirname(path.dirname(file))}/`);
  });
});
