import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetsim } from '../helpers/cli.js';
import { HAVE_CHROMIUM, openReport } from '../helpers/browser.js';

/** The HTML report in a real headless browser: loads offline, no console error, every chart renders. */
describe.skipIf(!HAVE_CHROMIUM)('report in headless Chromium', () => {
  it('renders every chart with no console error and no network request; user strings are literal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-browser-'));
    const scenario = readFileSync('scenarios/nginx-static-weight.yaml', 'utf8')
      .replace(/^description: .*$/m, 'description: "<script>alert(1)</script> & <b>bold</b>"')
      .replace('manifests/nginx.yaml', join(process.cwd(), 'scenarios/manifests/nginx.yaml'));
    writeFileSync(join(dir, 's.yaml'), scenario);
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

/** The default report, as `npm start` writes it: the four schedulers on three seeds. */
describe.skipIf(!HAVE_CHROMIUM)('the default report in headless Chromium', () => {
  it('opens with the verdict, one row per scheduler; says why a workload waited in Karmada\'s or Kubernetes\' words; stays under 2 MB; no console error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetsim-default-'));
    const r = fleetsim(['run', 'scenarios/kurator-fleet.yaml', '--out', out], { timeout: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    const file = join(out, 'index.html');
    expect(statSync(file).size).toBeLessThanOrEqual(2 * 1024 * 1024);

    const { browser, page, errors, requests } = await openReport(file);
    try {
      // The first section is the verdict: one row per scheduler, the best of each column marked.
      expect(await page.evaluate(() => document.querySelector('main section')?.id)).toBe('verdict');
      const rows = await page.evaluate(() => [...document.querySelectorAll('#verdict table.verdict tbody tr')].map((tr) => tr.querySelector('td strong')?.textContent));
      expect(rows).toEqual(['karmada', 'dynamic-weight', 'federated-gang', 'cost-spot']);
      expect(await page.locator('#verdict td.best').count()).toBeGreaterThan(0);
      // Each cell links to its section, and that section is in the page.
      const targets = await page.evaluate(() => [...new Set([...document.querySelectorAll('#verdict td a')].map((a) => a.getAttribute('href')))]);
      for (const t of targets) expect(await page.locator(t!).count(), t!).toBe(1);

      // Why it waited: open the first stream of the first configuration, then its longest wait.
      const group = page.locator('#why-pending details.config[open] details.wait-group').filter({ hasText: 'finetune' }).first();
      await group.locator(':scope > summary').click();
      const wait = group.locator('details.wait').first();
      await wait.locator(':scope > summary').click();
      // The reasons are built when the entry opens (its toggle event).
      await wait.locator('td.reason').first().waitFor();
      const reasons = await wait.locator('td.reason').allTextContents();
      expect(reasons.length).toBeGreaterThan(0);
      expect(reasons.some((x) => /\d+\/\d+ (nodes|clusters) are available: |Clusters available replicas \d+ are not enough to schedule/.test(x))).toBe(true);

      // The workloads table: a stream is one row that opens to its Jobs, a page of them at a time.
      const table = page.locator('#time-to-ready details.config[open] .itable').first();
      // Sortable: a click on a column's head sorts its rows (streams and workloads) by it, a second the other way.
      const names = async () => (await table.locator('tbody tr td:first-child').allTextContents()).map((x) => x.replace(/^[▸▾] /, ''));
      const head = table.locator('thead th').first();
      await head.click();
      const up = await names();
      expect(up.length).toBeGreaterThan(1);
      expect(up).toEqual([...up].sort());
      await head.click();
      expect(await names()).toEqual([...up].reverse());
      const before = await table.locator('tbody tr').count();
      await table.locator('tr.group').first().click();
      await table.locator('tr.member').first().waitFor();
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(before);
      await table.locator('input[type=search]').fill('recommender');
      await page.waitForFunction(() => document.querySelectorAll('#time-to-ready details.config[open] .itable tbody tr').length === 1);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 900_000);
});
