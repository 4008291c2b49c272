import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartsOf, HAVE_CHROMIUM, openReport } from '../helpers/browser.js';
import { fleetsim } from '../helpers/cli.js';
import { ensureSweepBuilt } from './built.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The sweep report in a real headless browser: offline, no console error, every chart renders, user strings literal. */
describe.skipIf(!HAVE_CHROMIUM)('sweep report in headless Chromium', () => {
  beforeAll(() => ensureSweepBuilt());

  it('renders every chart with no console error or network request; the point menu works; the description is literal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-sweep-browser-'));
    const scenario = readFileSync(join(FIX, 'small.yaml'), 'utf8').replace(/^description: .*$/m, 'description: "<script>alert(1)</script> & <b>bold</b>"');
    writeFileSync(join(dir, 's.yaml'), scenario);
    const out = join(dir, 'report');
    const r = fleetsim(['sweep', join(dir, 's.yaml'), '--replications', '2', '--workers', '2', '--out', out, '--scheduler', 'karmada', '--scheduler', join(FIX, 'first-cluster.mjs')]);
    expect(r.code, r.stderr).toBe(0);

    const { browser, page, errors, requests, dialogs } = await openReport(join(out, 'index.html'));
    try {
      const { charts, rendered, marks } = await chartsOf(page);
      // 6 comparisons, CPU, GPU, replicas, pending, CDF.
      expect(charts).toBe(11);
      expect(rendered).toBe(charts);
      expect(marks).toHaveLength(charts);
      expect(marks.every((n) => n > 0)).toBe(true);

      // Pick the second sweep point in the first menu: the chart redraws, no error.
      const select = page.locator('select').first();
      const options = await select.locator('option').allTextContents();
      expect(options).toEqual(['count=1', 'count=3']);
      await select.selectOption('count=3');
      await page.waitForTimeout(200);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(dialogs()).toBe(0);
      expect(await page.textContent('header p')).toContain('<script>alert(1)</script> & <b>bold</b>');
      expect(await page.textContent('pre')).toContain('description: "<script>alert(1)</script> & <b>bold</b>"');
      expect(await page.evaluate(() => document.querySelectorAll('header b, main b').length)).toBe(0);
      const shot = join(out, 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });
});
