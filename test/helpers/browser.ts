import { existsSync } from 'node:fs';

/** Debian's Chromium, as the env notes prescribe; tests that need it skip (loudly) without it. */
export const CHROMIUM = process.env.FLEETSIM_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
if (!HAVE_CHROMIUM) {
  process.stderr.write(`\n*** ${CHROMIUM} not found: browser tests are SKIPPED (install Debian's chromium; .ci/run does) ***\n\n`);
}
