import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The README's TypeScript examples are what service teams copy first: they must compile against
 * the library as it is. Each ```ts block is type-checked as a file of its own, importing src/
 * where it imports the package; one deliberately broken copy proves that errors are reported.
 */
const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const BLOCKS = [...README.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map(m => m[1]);
const BROKEN = BLOCKS[0]?.replace("platformName: 'georgi',", "platformNam: 'georgi',");

/** Type errors per snippet, in the order given. */
function diagnosticsOf(snippets: string[]): string[][] {
  // Below node_modules (git-ignored), so that 'aws-cdk-lib' and friends resolve as in a service repo.
  const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.readme-snippets-'));
  try {
    const src = path.relative(dir, path.join(ROOT, 'src', 'index')).split(path.sep).join('/');
    const files = snippets.map((code, i) => {
      const file = path.join(dir, `snippet${i + 1}.ts`);
      // A new service repository installs cdk-nag 3; this repository has it as cdk-nag-v3 (cdk-nag is 2.x here).
      fs.writeFileSync(file, code.replace(/'@georgi-io\/platform-constructs'/g, `'${src}'`).replace(/from 'cdk-nag'/g, 'from \'cdk-nag-v3\''));
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      skipLibCheck: true,
      types: ['node'],
    });
    const all = ts.getPreEmitDiagnostics(program);
    return files.map(file => all
      .filter(d => d.file === undefined || d.file.fileName === file)
      .map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('README TypeScript examples', () => {
  let results: string[][];
  beforeAll(() => {
    results = diagnosticsOf([...BLOCKS, BROKEN!]);
  });

  test('the README has the infrastructure and the service quick starts', () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(2);
    expect(BLOCKS.some(b => b.includes('new GlobalPlatform('))).toBe(true);
    expect(BLOCKS.some(b => b.includes('GlobalPlatform.fromPlatformName('))).toBe(true);
  });

  test('every block compiles against the library', () => {
    expect(results.slice(0, BLOCKS.length)).toEqual(BLOCKS.map(() => []));
  });

  test('a copy with a misspelt prop is reported (so a clean result means something)', () => {
    expect(BROKEN).not.toBe(BLOCKS[0]);
    expect(results[BLOCKS.length].join('\n')).toMatch(/platformNam/);
  });
});
