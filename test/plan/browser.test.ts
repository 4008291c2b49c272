import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartsOf, HAVE_CHROMIUM, openReport } from '../helpers/browser.js';
import { ensureBuiltFiles } from '../helpers/built.js';
import { fleetsim } from '../helpers/cli.js';

const SMALL = fileURLToPath(new URL('./fixtures/small-fleet.yaml', import.meta.url));

/** The plan report in a real headless browser: offline, no console error, every chart renders, user strings literal. */
describe.skipIf(!HAVE_CHROMIUM)('plan report in headless Chromium', () => {
  beforeAll(() => ensureBuiltFiles(['dist/src/cli/main.js', 'dist/src/cli/commands/plan.js', 'dist/src/report/plan-report.js']));

  it('shows the recommended fleet, what binds each knob, the frontier and every candidate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-plan-browser-'));
    writeFileSync(join(dir, 's.yaml'), readFileSync(SMALL, 'utf8').replace(/^description: .*$/m, 'description: "<script>alert(1)</script> & <b>bold</b>"'));
    const out = join(dir, 'report');
    const r = fleetsim([
      'plan', join(dir, 's.yaml'),
      '--vary', 'fleet.clusters[name=serving-sh].nodePools[name=t4].count=2..4',
      '--vary', 'fleet.clusters[name=serving-gz].nodePools[name=t4].count=1..3',
      '--constraint', 'slo(llm-inference).violationMinutes<=5', '--constraint', 'pods.pending<=0',
      '--failures', 'any-cluster', '--out', out, '--workers', '2',
    ]);
    expect(r.code, r.stderr).toBe(0);

    const { browser, page, errors, requests, dialogs } = await openReport(join(out, 'index.html'));
    try {
      const { charts, rendered, marks } = await chartsOf(page);
      // A frontier per constraint, and the search's path.
      expect(charts).toBe(3);
      expect(rendered).toBe(charts);
      expect(marks.every((n) => n > 3)).toBe(true);

      const headings = await page.$$eval('section h2', (hs) => hs.map((h) => h.textContent));
      expect(headings).toEqual([
        'Recommended fleet',
        'Frontier: objective against each constraint, over what was tried',
        'The recommended fleet in each failure case',
        'Candidates judged',
        'Runs: the search against a grid',
        'Notes',
        'Scenario',
      ]);
      const first = await page.$$eval('section:first-of-type tbody tr', (rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(first[0].slice(0, 3)).toEqual(['serving-sh/t4', '6', '3']);
      expect(first[0][3]).toMatch(/^at 2: slo\(llm-inference\)\.violationMinutes<=5 in serving-gz down: /);
      expect(first[0][6]).toBe('fleet.clusters[name=serving-sh].nodePools[name=t4].count');
      expect(first[1].slice(0, 3)).toEqual(['serving-gz/t4', '6', '2']);
      expect(await page.textContent('section:first-of-type p')).toMatch(/38\.85\/h against today's 69\.49\/h \(−30\.64\/h, −44\.1 %\)/);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(dialogs()).toBe(0);
      expect(await page.textContent('header p')).toContain('<script>alert(1)</script> & <b>bold</b>');
      expect(await page.evaluate(() => document.querySelectorAll('header b, main b').length)).toBe(0);
      const shot = join(out, 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });

  it('says when nothing in the ranges passes, and still draws what was tried', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetsim-plan-browser-none-'));
    const r = fleetsim([
      'plan', SMALL,
      '--vary', 'fleet.clusters[name=serving-sh].nodePools[name=t4].count=0..1',
      '--constraint', 'pods.pending<=0', '--failures', 'any-cluster',
      '--failure-at', '30m', '--failure-duration', '2h', '--out', out, '--workers', '1',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const { browser, page, errors, requests } = await openReport(join(out, 'index.html'));
    try {
      const { charts, rendered } = await chartsOf(page);
      expect(charts).toBe(2);
      expect(rendered).toBe(2);
      expect(await page.textContent('section:first-of-type h2')).toBe('No fleet in the ranges passes');
      expect(await page.textContent('section:first-of-type p')).toMatch(/^Even the top of every range \(serving-sh\/t4=1\) fails: pods\.pending<=0 in /);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
