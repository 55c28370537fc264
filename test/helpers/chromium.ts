import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Where a system Chromium or Chrome usually is (Debian's `chromium`, Ubuntu's and Google's builds). */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * The browser the web-page tests drive: `$CHROMIUM_PATH`, or the first system Chromium/Chrome found.
 * playwright-core downloads no browser; `.ci/run` installs Debian's `chromium` when none is there.
 */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is '${fromEnv}', which does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(`no Chromium found (looked for ${CANDIDATES.join(', ')}): install Debian's chromium ` +
      '(apt-get install chromium) or set CHROMIUM_PATH');
  }
  return found;
}

/** Headless Chromium as the machine doc recommends: no sandbox (root), no background network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // The page plays clips pushed over the WebSocket (MCP speak_text) without a click.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
