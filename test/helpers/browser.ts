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

/**
 * Open a report file in headless Chromium and wait until its charts are drawn, recording what a
 * report must never do: log a console error, throw, request anything off the file system, or
 * open a dialog (an injected script would). The caller closes the browser.
 */
export async function openReport(file: string): Promise<{
  browser: import('playwright-core').Browser;
  page: import('playwright-core').Page;
  errors: string[];
  requests: string[];
  dialogs: () => number;
}> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  let dialogs = 0;
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (q) => !q.url().startsWith('file:') && requests.push(q.url()));
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  try {
    await page.goto('file://' + file);
    await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 60_000 });
  } catch (e) {
    await browser.close();
    throw e;
  }
  return { browser, page, errors, requests, dialogs: () => dialogs };
}

/** The charts of an open report: how many there are, how many vega-embed drew, and the marks (paths, lines) in each one's SVG. */
export async function chartsOf(page: import('playwright-core').Page): Promise<{ charts: number; rendered: number; marks: number[] }> {
  return page.evaluate(() => ({
    charts: document.querySelectorAll('[data-chart]').length,
    rendered: (window as unknown as { fleetsimChartsRendered: number }).fleetsimChartsRendered,
    marks: [...document.querySelectorAll('[data-chart] svg')].map((s) => s.querySelectorAll('path, line').length),
  }));
}
