/**
 * Writes (--write) or checks (default) the security-controls table in README.md: one row per
 * control of src/core/private/control-catalogue.ts, between the control-table markers.
 *
 * Usage: ts-node --project tsconfig.dev.json scripts/control-table.ts [--write]
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONTROLS } from '../src/core/private/control-catalogue';

const README = path.join(__dirname, '..', 'README.md');
export const CONTROL_TABLE_START = '<!-- control-table:start (scripts/control-table.ts --write) -->';
export const CONTROL_TABLE_END = '<!-- control-table:end -->';

const STATUS = { 'default': 'met by default', 'opt-in': 'opt-in', 'waived': 'waived' } as const;

/** The table of every control: its rules in both packs, how it is met and why. @internal */
export function controlTableMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const rows = CONTROLS.map(c => {
    const rules = [...c.guard.map(r => `\`${r}\``), ...c.nist.map(r => `\`${r.replace('NIST.800.53.R5-', 'NIST ')}\``)].join('<br>');
    const how = c.status === 'default' && c.exception ? `${c.reason}. Exception: ${c.exception}` : c.reason;
    return `| ${escape(c.title)} | ${rules} | ${STATUS[c.status]} | ${escape(how)} |`;
  });
  return ['| control | rules (Control Tower, NIST 800-53 R5) | status | how, or why not |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README's text with the generated block replaced. @internal */
export function withControlTable(readme: string, table: string): string {
  const start = readme.indexOf(CONTROL_TABLE_START);
  const end = readme.indexOf(CONTROL_TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${CONTROL_TABLE_START} ... ${CONTROL_TABLE_END} block`);
  return `${readme.slice(0, start + CONTROL_TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const write = process.argv.includes('--write');
  const readme = fs.readFileSync(README, 'utf8');
  const updated = withControlTable(readme, controlTableMarkdown());
  if (write) {
    fs.writeFileSync(README, updated);
    console.log('control-table: README.md updated');
  } else if (updated !== readme) {
    console.error('control-table: README.md is out of date; run ts-node --project tsconfig.dev.json scripts/control-table.ts --write');
    process.exitCode = 1;
  } else {
    console.log('control-table: README.md is up to date');
  }
}
