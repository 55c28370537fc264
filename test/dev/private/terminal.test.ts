import { LineSplitter, LineWriter, plainOrPainted, renderTable, serviceColour, stripAnsi, terminalFor } from '../../../src/dev/private/terminal';

describe('terminalFor', () => {
  test.each([
    ['a TTY', true, {}, true],
    ['not a TTY (a pipe, a file, CI logs)', false, {}, false],
    ['a TTY with NO_COLOR', true, { NO_COLOR: '1' }, false],
    ['a TTY with an empty NO_COLOR (unset, per no-color.org)', true, { NO_COLOR: '' }, true],
    ['a TTY with TERM=dumb', true, { TERM: 'dumb' }, false],
    ['not a TTY with FORCE_COLOR', false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a TTY', true, { FORCE_COLOR: '0' }, false],
  ])('%s', (_what, isTTY, env, color) => {
    const terminal = terminalFor({ isTTY }, env);
    expect(terminal.color).toBe(color);
    const painted = terminal.paint('text', 'cyan');
    expect(painted === 'text').toBe(!color);
    expect(stripAnsi(painted)).toBe('text');
  });
});

test('service colours: ten distinct, none red (kept for errors)', () => {
  const colours = Array.from({ length: 10 }, (_, i) => serviceColour(i));
  expect(new Set(colours).size).toBe(10);
  expect(colours).not.toContain('red');
  expect(serviceColour(10)).toBe(serviceColour(0));
});

describe('LineWriter', () => {
  test('prefixes each line with the name padded to the longest, buffering partial lines until newline or flush', () => {
    const out: string[] = [];
    const writer = new LineWriter(['api', 'jessica'], plainOrPainted(false), (t) => out.push(t));
    const api = writer.splitter('api');
    const jessica = writer.splitter('jessica');
    api.write(Buffer.from('hel'));
    expect(out).toEqual([]);
    api.write(Buffer.from('lo\r\nwor'));
    jessica.write('one\ntwo\n');
    api.write(Buffer.from('ld'));
    api.flush();
    api.flush();
    expect(out).toEqual(['api     | hello\n', 'jessica | one\n', 'jessica | two\n', 'api     | world\n']);
  });

  test('a multi-byte character split across chunks stays whole', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('grüße ✓\n');
    splitter.write(bytes.subarray(0, 3));
    splitter.write(bytes.subarray(3, 10));
    splitter.write(bytes.subarray(10));
    expect(lines).toEqual(['grüße ✓']);
  });

  test('colours each service differently when the terminal paints', () => {
    const out: string[] = [];
    const writer = new LineWriter(['a', 'b'], plainOrPainted(true), (t) => out.push(t));
    writer.line('a', 'x');
    writer.line('b', 'x');
    expect(out[0]).not.toBe(out[1]);
    expect(out.map(stripAnsi)).toEqual(['a | x\n', 'b | x\n']);
  });
});

describe('renderTable', () => {
  test('one aligned table like docker ps', () => {
    const table = renderTable(['SERVICE', 'URL', 'STATE'], [
      ['jessica', 'http://127.0.0.1:8787/jessica', 'healthy'],
      ['echo', 'http://127.0.0.1:8787/echo', 'healthy'],
      ['web', 'http://web.localhost:8787/'],
    ], plainOrPainted(false));
    expect(table).toBe([
      'SERVICE   URL                             STATE',
      'jessica   http://127.0.0.1:8787/jessica   healthy',
      'echo      http://127.0.0.1:8787/echo      healthy',
      'web       http://web.localhost:8787/',
      '',
    ].join('\n'));
  });

  test('painted cells do not break the alignment; the header is bold only when painting', () => {
    const terminal = plainOrPainted(true);
    const table = renderTable(['A', 'B'], [[terminal.paint('green', 'green'), 'x'], ['r', 'y']], terminal);
    expect(table).toContain('\u001b[1m');
    expect(stripAnsi(table)).toBe('A       B\ngreen   x\nr       y\n');
  });
});
