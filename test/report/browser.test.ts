import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetsim } from '../helpers/cli.js';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM } from '../helpers/browser.js';

/** The HTML report in a real headless browser: loads offline, no console error, every chart renders. */
describe.skipIf(!HAVE_CHROMIUM)('report in headless Chromium', () => {
  it('renders every chart with no console error and no network request; user strings are literal', async () => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-browser-'));
    const scenario = readFileSync('scenarios/nginx-static-weight.yaml', 'utf8')
      .replace(/^description: .*$/m, 'description: "<script>alert(1)</script> & <b>bold</b>"')
      .replace('manifests/nginx.yaml', join(process.cwd(), 'scenarios/manifests/nginx.yaml'));
    writeFileSync(join(dir, 's.yaml'), scenario);
    const out = join(dir, 'report');
    const r = fleetsim(['run', join(dir, 's.yaml'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
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
      await page.goto('file://' + join(out, 'index.html'));
      await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 30_000 });
      const charts = await page.evaluate(() => document.querySelectorAll('[data-chart]').length);
      const rendered = await page.evaluate(() => (window as unknown as { fleetsimChartsRendered: number }).fleetsimChartsRendered);
      expect(charts).toBeGreaterThanOrEqual(2);
      expect(rendered).toBe(charts);
      // Each chart holds a rendered SVG with marks.
      const marks = await page.evaluate(() => [...document.querySelectorAll('[data-chart] svg')].map((s) => s.querySelectorAll('path').length));
      expect(marks.every((n) => n > 0)).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(dialogs).toBe(0);
      const header = await page.textContent('header p');
      expect(header).toContain('<script>alert(1)</script> & <b>bold</b>');
      await page.screenshot({ path: join(out, 'screenshot.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
