import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, openReport } from '../helpers/browser.js';
import { ensureBuiltFiles } from '../helpers/built.js';
import { ROOT, SHARED } from '../helpers/cli.js';

/**
 * The worked example of README "Model your own fleet" (npm run example:import): three real dumps
 * as the members of one Karmada fleet, its warm start and what happens when GKE is lost.
 */
const have = existsSync(join(SHARED, 'real-state'));

describe.skipIf(!have)('the worked example: GKE + EKS GPU + AKS, Karmada host written by the importer, GKE lost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-example-'));
  beforeAll(() => {
    ensureBuiltFiles(['dist/src/cli/main.js', 'dist/src/import/export.js']);
    execFileSync(process.execPath, [join(ROOT, 'examples/import/build-example.mjs'), dir], { cwd: ROOT, encoding: 'utf8' });
  });

  it('starts warm; with GKE lost its replicas stay lost under Karmada\'s defaults and move with failover on', () => {
    const summary = JSON.parse(readFileSync(join(dir, 'report/summary.json'), 'utf8'));
    const [asIs, lost, failover] = summary.runs;
    expect(summary.runs.map((r: { variant: string }) => r.variant)).toEqual(['as-is', 'lose-gke', 'lose-gke-failover']);
    const at0 = Object.fromEntries(asIs.initialState.clusters.map((c: { name: string }) => [c.name, c]));
    // 120 web pods of 4 cores + 32 kube-proxies of 0.1 on GKE's 32 × 55.79 cores.
    expect(at0.gke.cpu).toBeCloseTo((120 * 4000 + 32 * 100) / (32 * 55790), 9);
    expect(at0.eks.gpu).toBeCloseTo(64 / 128, 9);
    const web = (r: { workloads: { name: string; placement: Record<string, number>; ready: number }[] }) => r.workloads.find((w) => w.name === 'web')!;
    expect(web(asIs).placement).toEqual({ gke: 120, aks: 120 });
    expect(web(lost).placement).toEqual({ gke: 120, aks: 120 });
    expect(web(lost).ready).toBe(120);
    expect(web(failover).ready).toBe(240);
    expect(web(failover).placement.gke).toBeUndefined();
    expect(failover.failovers[0].failover).toBeLessThan(60);
    expect(lost.failovers[0].failover).toBeNull();
  });

  it.skipIf(!HAVE_CHROMIUM)('its report, in Chromium, shows the warm-start utilisation of each member and the loss of GKE in each variant', async () => {
    const { browser, page, errors, requests } = await openReport(join(dir, 'report/index.html'));
    try {
      const section = (id: string) =>
        page.evaluate((id) => {
          const s = document.getElementById(id);
          if (!s) return null;
          return {
            rows: [...s.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
            charts: s.querySelectorAll('[data-chart] svg').length,
          };
        }, id);
      const summary = JSON.parse(readFileSync(join(dir, 'report/summary.json'), 'utf8'));
      // The initial state: per variant and member, its t = 0 cpu as the run computed it, to the report's 0.1 %.
      const initial = (await section('initial-state'))!;
      for (const variant of ['as-is', 'lose-gke', 'lose-gke-failover']) {
        const run = summary.runs.find((r: { variant: string }) => r.variant === variant);
        for (const c of run.initialState.clusters.filter((x: { bound: number }) => x.bound > 0)) {
          expect(initial.rows.find((r) => r[0] === `${variant} / karmada` && r[1] === c.name)?.[2]).toBe(`${(c.cpu * 100).toFixed(1)}%`);
        }
      }
      // The loss of GKE: one row per variant that loses it, with its timeline; Karmada's defaults never fail
      // over ("failover after detection" empty), failover on does within a minute.
      const failover = (await section('failover'))!;
      expect(failover.rows.map((r) => [r[0], r[1]])).toEqual([
        ['lose-gke / karmada', 'gke down at 00:10'],
        ['lose-gke-failover / karmada', 'gke down at 00:10'],
      ]);
      expect(failover.rows[0][4]).toBe('—');
      const fo = summary.runs.find((r: { variant: string }) => r.variant === 'lose-gke-failover').failovers[0];
      expect(failover.rows[1][4]).toBe(`${(fo.failover - fo.detection).toFixed(1)} s`);
      expect(failover.charts).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
