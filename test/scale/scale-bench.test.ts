import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { ensureBuiltFiles } from '../helpers/built.js';
import { runScale } from '../../bench/scale.js';
import { DEPLOYMENT_SHARE, scaleDocument } from '../../bench/scale-scenario.js';
import { batchWeekDocument } from '../../bench/sweep-speed.js';
import { parseScenario } from '../../src/scenario/load.js';

// The scale benchmark's outputs on a small fleet (never its timings).
describe('bench/scale', () => {
  const p = { clusters: 12, nodes: 20, gpusPerNode: 8, gpuNodes: 2000, pods: 3000, hours: 4, seed: 7 };

  it('generates the fleet and workload it describes', () => {
    const g = scaleDocument(p);
    const doc = g.doc as { fleet: { clusters: { nodePools: { count: number }[]; labels: { pool: string } }[] }; policies: unknown[] };
    expect(doc.fleet.clusters).toHaveLength(12);
    expect(doc.fleet.clusters.every((c) => c.nodePools[0].count === 20)).toBe(true);
    expect(new Set(doc.fleet.clusters.map((c) => c.labels.pool)).size).toBe(2); // ten clusters per region
    expect(doc.policies).toHaveLength(4);
    expect(g.deploymentPods).toBe(Math.round(3000 * DEPLOYMENT_SHARE));
    expect(g.expectedJobPods).toBe(3000 - g.deploymentPods);
    expect(g.jobFamilies).toBe(2 * 16);
    expect(JSON.stringify(scaleDocument(p).doc)).toBe(JSON.stringify(g.doc));
  });

  it('beyond --gpu-nodes per cluster, the nodes are a CPU-only pool (Karmada-size clusters)', () => {
    const doc = scaleDocument({ ...p, nodes: 50, gpuNodes: 20 }).doc as { fleet: { clusters: { nodePools: { count: number; gpus?: unknown }[] }[] } };
    for (const c of doc.fleet.clusters) {
      expect(c.nodePools.map((x) => x.count)).toEqual([20, 30]);
      expect(c.nodePools[0].gpus).toBeDefined();
      expect(c.nodePools[1].gpus).toBeUndefined();
    }
  });

  it('runs it through runScenario, deterministically, and reports its figures', async () => {
    const a = await runScale(p);
    const b = await runScale(p);
    expect(a.results.digest).toBe(b.results.digest);
    expect(a.events).toBe(b.events);
    expect(a.gpus).toBe(12 * 20 * 8);
    // Deployments are all created (replicas placed or pending), and Job pods arrive.
    expect(a.pods).toBeGreaterThan(Math.round(3000 * DEPLOYMENT_SHARE));
    expect(a.results.pods_running_end + a.results.pods_succeeded).toBeGreaterThan(0);
    expect(a.results.gpu_util_mean).toBeGreaterThan(0);
    expect(a.results.gpu_util_peak).toBeGreaterThanOrEqual(a.results.gpu_util_mean);
    for (const k of ['wall_s', 'cpu_s', 'peak_rss_mb', 'events_per_s'] as const) expect(a[k]).toBeGreaterThan(0);
    // The phases cover the run: each is a time, together about the wall time.
    const phases = Object.values(a.phases_s);
    expect(phases.every((x) => x >= 0)).toBe(true);
    expect(a.phases_s.kube_scheduler).toBeGreaterThan(0);
    expect(a.phases_s.karmada).toBeGreaterThan(0);
    const other = await runScale({ ...p, seed: 8 });
    expect(other.results.digest).not.toBe(a.results.digest);
  });
});

describe('bench/sweep-speed', () => {
  it("the batch week scenario loads, with its Jobs' waves as completions", () => {
    const s = parseScenario(JSON.stringify(batchWeekDocument({ clusters: 3, nodes: 10, jobs: 8, waves: 5, days: 2, seed: 1 })), 'week.yaml');
    expect(s.fleet.clusters).toHaveLength(3);
    expect(s.duration).toBe(2 * 86400);
    const jobs = s.workloads.filter((w) => w.kind === 'Job');
    expect(jobs).toHaveLength(8);
    for (const j of jobs) if (j.kind === 'Job') expect(j.completions).toBe(5 * j.parallelism);
    expect(s.workloads.filter((w) => w.kind === 'Deployment')).toHaveLength(20);
  });
});

describe('bench/thread-ceiling', () => {
  it('runs every run of the sweep plan once, on the threads asked for, and reports each', () => {
    ensureBuiltFiles(['dist/bench/thread-ceiling.js']);
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-ceiling-'));
    try {
      const file = join(dir, 'week.json');
      writeFileSync(file, JSON.stringify(batchWeekDocument({ clusters: 2, nodes: 10, jobs: 4, waves: 2, days: 1, seed: 1 })));
      for (const threads of [1, 2]) {
        const out = execFileSync(process.execPath, [join(ROOT, 'dist/bench/thread-ceiling.js'), file, '--replications=3', `--threads=${threads}`, '--json'], { encoding: 'utf8' });
        const r = JSON.parse(out) as { threads: number; runs: number; wall_s: number; run_s: number[] };
        expect(r.threads).toBe(threads);
        expect(r.runs).toBe(3);
        expect(r.run_s).toHaveLength(3);
        expect(r.run_s.every((s) => s > 0 && s <= r.wall_s)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
