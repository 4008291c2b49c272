import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetsim } from '../helpers/cli.js';
import { HAVE_CHROMIUM, openReport } from '../helpers/browser.js';

/** The HTML report in a real headless browser: loads offline, no console error, every chart renders. */
describe.skipIf(!HAVE_CHROMIUM)('report in headless Chromium', () => {
  it('renders every chart with no console error and no network request; user strings are literal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-browser-'));
    const scenario = readFileSync('scenarios/nginx-static-weight.yaml', 'utf8').replace(/^description: .*$/m, 'description: "<script>alert(1)</script> & <b>bold</b>"');
    writeFileSync(join(dir, 's.yaml'), scenario);
    // Its include, beside it: a scenario reads files inside its own folder.
    mkdirSync(join(dir, 'manifests'));
    copyFileSync('scenarios/manifests/nginx.yaml', join(dir, 'manifests/nginx.yaml'));
    const out = join(dir, 'report');
    const r = fleetsim(['run', join(dir, 's.yaml'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);

    const { browser, page, errors, requests, dialogs } = await openReport(join(out, 'index.html'));
    try {
      const charts = await page.evaluate(() => document.querySelectorAll('[data-chart]').length);
      const rendered = await page.evaluate(() => (window as unknown as { fleetsimChartsRendered: number }).fleetsimChartsRendered);
      expect(charts).toBeGreaterThanOrEqual(2);
      expect(rendered).toBe(charts);
      // Each chart holds a rendered SVG with marks.
      const marks = await page.evaluate(() => [...document.querySelectorAll('[data-chart] svg')].map((s) => s.querySelectorAll('path').length));
      expect(marks.every((n) => n > 0)).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(dialogs()).toBe(0);
      const header = await page.textContent('header p');
      expect(header).toContain('<script>alert(1)</script> & <b>bold</b>');
      await page.screenshot({ path: join(out, 'screenshot.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
