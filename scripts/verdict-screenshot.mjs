#!/usr/bin/env node
// The README's picture of the verdict: runs the default scenario (as `npm start` does, unless a
// report is given), opens its report in Debian's headless Chromium and saves the verdict section.
//
//   npm run screenshot:verdict                          # docs/verdict.png from a fresh default run
//   node scripts/verdict-screenshot.mjs REPORT.html OUT.png
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const executablePath = process.env.FLEETSIM_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  process.stderr.write(`verdict-screenshot: ${executablePath} not found (install Debian's chromium)\n`);
  process.exit(2);
}
let report = process.argv[2];
const out = resolve(process.argv[3] ?? join(root, 'docs/verdict.png'));
if (!report) {
  const dir = join(root, 'reports/kurator-fleet');
  execFileSync(process.execPath, [join(root, 'dist/src/cli/main.js'), 'run', 'scenarios/kurator-fleet.yaml', '--out', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  report = join(dir, 'index.html');
}
const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
  await page.goto('file://' + resolve(report));
  await page.waitForSelector('body[data-interactive="true"]', { timeout: 60_000 });
  mkdirSync(dirname(out), { recursive: true });
  // The table and the sentences under it (the method notes below them are left out).
  const verdict = page.locator('#verdict');
  const box = await verdict.boundingBox();
  const notes = await page.locator('#verdict > p.method').first().boundingBox();
  const height = notes ? notes.y - box.y : box.height;
  await page.screenshot({ path: out, clip: { x: box.x, y: box.y, width: box.width, height } });
  process.stdout.write(`wrote ${out} (${Math.round(statSync(out).size / 1024)} KB)\n`);
} finally {
  await browser.close();
}
