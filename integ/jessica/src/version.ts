import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version (from package.json next to src/ and dist/), or '0.0.0' if unreadable. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
