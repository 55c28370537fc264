/*
 * What `platform-dev` prints: colours (only where a terminal shows them), each service's log
 * lines prefixed with its name, and one aligned table of local URLs.
 */

/** A colour `platform-dev` paints with (ANSI SGR codes). */
export type Colour = 'cyan' | 'magenta' | 'yellow' | 'green' | 'blue' | 'red' | 'gray' | 'bold'
| 'brightCyan' | 'brightMagenta' | 'brightYellow' | 'brightGreen' | 'brightBlue';

const CODES: Record<Colour, [number, number]> = {
  cyan: [36, 39],
  magenta: [35, 39],
  yellow: [33, 39],
  green: [32, 39],
  blue: [34, 39],
  red: [31, 39],
  gray: [90, 39],
  bold: [1, 22],
  brightCyan: [96, 39],
  brightMagenta: [95, 39],
  brightYellow: [93, 39],
  brightGreen: [92, 39],
  brightBlue: [94, 39],
};

/** The colours given to services in turn: readable on dark and light backgrounds; red is kept for errors. */
const SERVICE_COLOURS: Colour[] = ['cyan', 'magenta', 'yellow', 'green', 'blue',
  'brightCyan', 'brightMagenta', 'brightYellow', 'brightGreen', 'brightBlue'];

/** Where `platform-dev` writes, and whether it paints. */
export interface Terminal {
  /** Whether escape codes are written. */
  readonly color: boolean;
  /** `text` in `color` when this terminal paints, else `text` unchanged. */
  paint(text: string, color: Colour): string;
}

/**
 * The terminal for a stream: colours when the stream is a TTY and `NO_COLOR` is unset or empty
 * (https://no-color.org), or when `FORCE_COLOR` is set to anything but `0`; never with `TERM=dumb`
 * (unless forced).
 */
export function terminalFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): Terminal {
  const force = env.FORCE_COLOR;
  let color: boolean;
  if (force !== undefined && force !== '0' && force !== 'false') color = true;
  else if (force === '0' || force === 'false') color = false;
  else color = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  return plainOrPainted(color);
}

/** A terminal that paints (`true`) or not. */
export function plainOrPainted(color: boolean): Terminal {
  return {
    color,
    paint: (text, c) => (color ? `\u001b[${CODES[c][0]}m${text}\u001b[${CODES[c][1]}m` : text),
  };
}

/** The colour of the `index`-th service (distinct for the first ten, then repeating). */
export function serviceColour(index: number): Colour {
  const n = SERVICE_COLOURS.length;
  return SERVICE_COLOURS[((Math.floor(index) % n) + n) % n];
}

/** Removes ANSI escape codes (for measuring widths). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** `name | ` padded to `width`, in the service's colour. */
export function linePrefix(name: string, width: number, colour: Colour, terminal: Terminal): string {
  return terminal.paint(`${name.padEnd(width)} | `, colour);
}

/** Prefixes each of `lines` (already split) with the service's prefix. */
export function prefixLines(name: string, lines: string[], width: number, colour: Colour, terminal: Terminal): string[] {
  const prefix = linePrefix(name, width, colour, terminal);
  return lines.map((line) => prefix + line);
}

/**
 * Splits a child's output stream into lines: a partial line is kept until its newline arrives
 * (or `flush()` at exit). Bytes are decoded as UTF-8 across chunk boundaries; a `\r\n` ends a line
 * like `\n`. Each complete line goes to `onLine` without its line ending.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  /** Feeds a chunk of the stream. */
  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) this.onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  /** Emits the last partial line, if any (at the child's exit). */
  flush(): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest !== '') this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }
}

/**
 * Writes services' lines to a stream, each prefixed with `name | ` (names padded to the longest
 * one) in the service's colour.
 */
export class LineWriter {
  private readonly width: number;
  private readonly colours = new Map<string, Colour>();

  /**
   * @param names every service's name (fixes the padding and each one's colour)
   * @param terminal whether to paint
   * @param write where a finished line goes (with its `\n`)
   */
  constructor(names: string[], private readonly terminal: Terminal, private readonly write: (text: string) => void) {
    this.width = Math.max(0, ...names.map((n) => n.length));
    names.forEach((n, i) => this.colours.set(n, serviceColour(i)));
  }

  /** Writes one line of `name`'s output. */
  line(name: string, line: string): void {
    const colour = this.colours.get(name) ?? 'gray';
    this.write(`${linePrefix(name, this.width, colour, this.terminal)}${line}\n`);
  }

  /** A splitter whose lines go to this writer as `name`'s (pipe a child's stdout or stderr into it). */
  splitter(name: string): LineSplitter {
    return new LineSplitter((l) => this.line(name, l));
  }
}

/**
 * One table, columns aligned and separated by three spaces like `docker ps`; the header in bold
 * when the terminal paints. Cells may contain escape codes (widths ignore them). Ends with `\n`.
 */
export function renderTable(headers: string[], rows: string[][], terminal: Terminal): string {
  const columns = Math.max(headers.length, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) {
    widths.push(Math.max(0, ...[headers, ...rows].map((r) => stripAnsi(r[c] ?? '').length)));
  }
  const format = (cells: string[]): string => {
    const out: string[] = [];
    for (let c = 0; c < columns; c++) {
      const cell = cells[c] ?? '';
      out.push(c === columns - 1 ? cell : cell + ' '.repeat(widths[c] - stripAnsi(cell).length));
    }
    return out.join('   ').trimEnd();
  };
  const lines = [terminal.paint(format(headers), 'bold'), ...rows.map(format)];
  return lines.join('\n') + '\n';
}
