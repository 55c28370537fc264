/*
 * `--env-file`: dotenv syntax, read by `platform-dev` so a developer's secrets come from a file
 * that never leaves their machine (the runner passes them to the service's process environment
 * and never writes them anywhere). An error names the file and the line, never the value: a value
 * in such a file is usually a secret.
 *
 * Accepted, one entry a line:
 *   NAME=value                 # unquoted: trimmed; ` #` starts a comment
 *   export NAME=value          # the shell's `export` prefix is ignored
 *   NAME='single quoted'       # taken literally (may span lines)
 *   NAME="double quoted\n"     # \n \r \t \" \\ escapes (may span lines)
 *   NAME=                      # empty value
 *   # a comment, and blank lines
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The error for a line that is not `NAME=value` (the value is never part of the message). */
function badLine(fileName: string, line: number, what = 'expected NAME=value'): Error {
  return new Error(`${fileName}:${line}: ${what}`);
}

/** Unescapes a double-quoted value's `\n`, `\r`, `\t`, `\"` and `\\` (other escapes kept as written). */
function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(/\\([nrt"\\])/g, (_match, ch: string) => {
    switch (ch) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      default: return ch;
    }
  });
}

/** Finds the closing quote of a quoted value starting at `start` (just after the opening quote). */
function closingQuote(text: string, start: number, quote: string): number {
  for (let i = start; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * Parses the text of a dotenv file into variables (a later entry wins over an earlier one).
 * @param text the file's content
 * @param fileName the file, as the developer named it (for error messages)
 * @throws Error `<file>:<line>: expected NAME=value` for a line that is not an entry
 */
export function parseEnvFile(text: string, fileName: string): Record<string, string> {
  const result: Record<string, string> = {};
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let pos = 0;
  let lineNo = 1;
  while (pos < source.length) {
    const end = source.indexOf('\n', pos);
    const lineEnd = end < 0 ? source.length : end;
    const line = source.slice(pos, lineEnd);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      pos = lineEnd + 1;
      lineNo++;
      continue;
    }
    const body = trimmed.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? '' : body.slice(0, eq).trim();
    if (!NAME.test(name)) throw badLine(fileName, lineNo);
    // The value starts after `=` (leading blanks skipped), in the file's text (a quoted value may span lines).
    const valueStartInLine = line.indexOf('=') + 1; // the first `=`: a name has none
    let valueStart = pos + valueStartInLine;
    while (valueStart < lineEnd && (source[valueStart] === ' ' || source[valueStart] === '\t')) valueStart++;
    const first = source[valueStart];
    if (valueStart < lineEnd && (first === '"' || first === '\'')) {
      const close = closingQuote(source, valueStart + 1, first);
      if (close < 0) throw badLine(fileName, lineNo, 'unterminated quoted value');
      const raw = source.slice(valueStart + 1, close);
      result[name] = first === '"' ? unescapeDoubleQuoted(raw) : raw;
      const closeLineEnd = source.indexOf('\n', close);
      const after = source.slice(close + 1, closeLineEnd < 0 ? source.length : closeLineEnd).trim();
      if (after !== '' && !after.startsWith('#')) throw badLine(fileName, lineNo);
      lineNo += countNewlines(source, valueStart, close) + 1;
      pos = closeLineEnd < 0 ? source.length : closeLineEnd + 1;
      continue;
    }
    let value = source.slice(valueStart, lineEnd);
    const comment = value.search(/\s#/);
    if (comment >= 0) value = value.slice(0, comment);
    result[name] = value.trim();
    pos = lineEnd + 1;
    lineNo++;
  }
  return result;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text[i] === '\n') n++;
  return n;
}
