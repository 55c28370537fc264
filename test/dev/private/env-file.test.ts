import { parseEnvFile } from '../../../src/dev/private/env-file';

describe('parseEnvFile', () => {
  test('reads dotenv syntax: plain, export, quotes, escapes, comments, blank lines, empty values', () => {
    const text = [
      '# secrets for local runs',
      '',
      'API_KEY=abc123',
      'export DB_URL = postgres://u:p@localhost/db  ',
      'SPACED=  hello world   # trailing comment',
      'HASH=a#b',
      "SINGLE='literal \\n $HOME # not a comment'",
      'DOUBLE="line1\\nline2\\t\\"q\\" \\\\"',
      'EMPTY=',
      'EMPTY_QUOTED=""',
      'MULTI="first',
      'second"',
      'AFTER_MULTI=yes',
      '   # indented comment',
      'API_KEY=overridden',
    ].join('\r\n');
    expect(parseEnvFile(text, '.env')).toEqual({
      API_KEY: 'overridden',
      DB_URL: 'postgres://u:p@localhost/db',
      SPACED: 'hello world',
      HASH: 'a#b',
      SINGLE: 'literal \\n $HOME # not a comment',
      DOUBLE: 'line1\nline2\t"q" \\',
      EMPTY: '',
      EMPTY_QUOTED: '',
      MULTI: 'first\nsecond',
      AFTER_MULTI: 'yes',
    });
  });

  test('an empty file or one without a trailing newline', () => {
    expect(parseEnvFile('', 'a.env')).toEqual({});
    expect(parseEnvFile('\uFEFFA=1', 'a.env')).toEqual({ A: '1' });
  });

  test.each([
    ['a line without =', 'GOOD=1\nthis-is-the-s3cret-value', 'dev.env:2: expected NAME=value'],
    ['a bad name', 'GOOD=1\n\n1BAD=s3cret-value', 'dev.env:3: expected NAME=value'],
    ['a name with a dash', 'MY-KEY=s3cret-value', 'dev.env:1: expected NAME=value'],
    ['an empty name', '=s3cret-value', 'dev.env:1: expected NAME=value'],
    ['text after a closing quote', 'A="s3cret-value" trailing', 'dev.env:1: expected NAME=value'],
    ['an unterminated quote', 'A=1\nB="s3cret-value', 'dev.env:2: unterminated quoted value'],
  ])('%s: one line naming the file and line, never the value', (_what, text, message) => {
    let error: Error | undefined;
    try {
      parseEnvFile(text, 'dev.env');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toBe(message);
    expect(error?.message).not.toContain('s3cret');
  });

  test('line numbers count the lines of a multi-line value', () => {
    expect(() => parseEnvFile('A="x\ny\nz"\nB=1\nnope', 'f.env')).toThrow('f.env:5: expected NAME=value');
  });
});
