import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import type { RunSummaryFile } from '../../src/report/run-summary.js';
import { loadScenarioVariants, parseScenario } from '../../src/scenario/load.js';
import { fleetsim, ROOT } from '../helpers/cli.js';

const canaryText = readFileSync(join(ROOT, 'scenarios/canary-rollout.yaml'), 'utf8');
const diurnalText = readFileSync(join(ROOT, 'scenarios/diurnal-autoscale.yaml'), 'utf8');

describe('scenario canary-rollout (CLI end to end)', () => {
  const out = mkdtempSync(join(tmpdir(), 'fleetsim-canary-'));
  const r = fleetsim(['run', 'scenarios/canary-rollout.yaml', '--out', out]);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummaryFile;

  it('runs and writes its report with traffic and rollout sections', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/traffic: default\/web \(fluid\)/);
    expect(r.stdout).toMatch(/rollout: web-2\.0: web-bj promoted/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const s of ['Traffic — good-canary', 'Rollouts — bad-canary', 'Latency CDF', 'SLO timeline', 'canary traffic weight']) expect(html).toContain(s);
  });

  it('promotes the healthy canary and rolls back the faulty one, in each cluster on its own', () => {
    const [good, bad] = summary.runs;
    expect(good.rollouts![0].clusters.map((c) => c.outcome)).toEqual(['promoted', 'promoted']);
    expect(bad.rollouts![0].clusters.map((c) => c.outcome)).toEqual(['rolled back', 'rolled back']);
    for (const c of bad.rollouts![0].clusters) {
      const failed = c.ticks.filter((t) => t.event === 'analysis failed');
      expect(failed.length).toBe(2); // checkFailedTimes
      expect(failed.every((t) => t.successRate! < 99)).toBe(true);
      expect(c.ticks[c.ticks.length - 1].canaryRouteWeight).toBe(0);
    }
    for (const c of good.rollouts![0].clusters) {
      expect(c.ticks.filter((t) => t.event === 'weight step').map((t) => t.canaryRouteWeight)).toEqual([10, 20, 30, 40, 50]);
    }
    // The faulty version's 5xx reach users while it has traffic.
    expect(bad.traffic![0].failed).toBeGreaterThan(good.traffic![0].failed);
  });

  it('conserves requests', () => {
    for (const run of summary.runs) {
      const t = run.traffic![0];
      expect(Math.abs(t.served + t.failed + t.timedOut - t.offered)).toBeLessThan(1e-6 * t.offered);
    }
  });
});

describe('scenario diurnal-autoscale (CLI end to end, 3 hours of it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-diurnal-'));
  const file = join(dir, 'diurnal.yaml');
  writeFileSync(file, diurnalText.replace(/^duration: 24h$/m, 'duration: 3h'));
  const r = fleetsim(['run', file, '--out', join(dir, 'out')]);
  const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as RunSummaryFile;

  it('runs its variants and writes the replicas-over-time report', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(summary.runs.map((x) => x.variant)).toEqual(['default-scale-up', 'slow-scale-up', 'locality-routing']);
    const html = readFileSync(join(dir, 'out', 'index.html'), 'utf8');
    for (const s of ['Autoscaling — slow-scale-up', 'Replicas over time', 'SLO timeline']) expect(html).toContain(s);
  });

  it('the FederatedHPA follows the night-time fall in load within its bounds', () => {
    for (const run of summary.runs) {
      // summary.json keeps its decisions; the replicas at every sync are in series.arrow.
      const a = run.autoscaling![0];
      expect(a.decisions.length).toBeGreaterThan(0);
      for (const d of a.decisions) {
        expect(d.to).toBeGreaterThanOrEqual(a.minReplicas);
        expect(d.to).toBeLessThanOrEqual(a.maxReplicas);
      }
      // Karmada carries the template's replicas out: the workload ends at the last decision.
      expect(run.workloads!.find((w) => w.name === 'api')!.desired).toBe(a.decisions[a.decisions.length - 1].to);
    }
    // Slow scale-up never adds more than 2 pods within a minute.
    const slow = summary.runs[1].autoscaling![0];
    for (const d of slow.decisions) if (d.to > d.from) expect(d.to - d.from).toBeLessThanOrEqual(2);
  });
});

describe('determinism', () => {
  it('same scenario and seed give byte-identical results, fluid and request mode', async () => {
    for (const mode of ['fluid', 'request']) {
      const text = canaryText.replace('  mode: fluid', `  mode: ${mode}`).replace(/^duration: 30m$/m, 'duration: 14m');
      const s = parseScenario(text, join(ROOT, 'scenarios/t.yaml'));
      const a = JSON.stringify(await runScenario(s));
      const b = JSON.stringify(await runScenario(s));
      expect(a).toBe(b);
      const c = JSON.stringify(await runScenario(s, { seed: 99 }));
      if (mode === 'request') expect(c).not.toBe(a); // request mode draws; the fluid mode has no randomness of its own
    }
  });
});

describe('scenario errors in the traffic blocks are located', () => {
  const bad = (edit: (t: string) => string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-traffic-bad-'));
    const file = join(dir, 'x.yaml');
    writeFileSync(file, edit(canaryText));
    try {
      loadScenarioVariants(file);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('names the field, what was expected and what was found', () => {
    expect(bad((t) => t.replace('    workload: web\n    at: 10m', '    workload: webb\n    at: 10m'))).toMatch(/rollouts\[0\]\.workload: expected a Deployment of the scenario \(default\/web\), found "webb"/);
    expect(bad((t) => t.replace('checkIntervalSeconds: 30', 'checkIntervalSecond: 30'))).toMatch(/rollouts\[0\]\.rolloutPolicy\.trafficAnalysis/);
    expect(bad((t) => t.replace('window: 1m }', 'window: 15s }'))).toMatch(/services\[0\]\.slo\.window: expected a multiple of traffic\.step \(10 s\)/);
    expect(bad((t) => t.replace('routing: { mode: locality }', 'routing: { mode: weighted, weights: [{ cluster: web-xx, weight: 1 }] }'))).toMatch(/services\[0\]\.routing\.weights\[0\]\.cluster: expected a member cluster \(web-bj, web-sh\)/);
    expect(bad((t) => t.replace('errorRate: 0.0005\n    users', 'errorRate: 1.5\n    users'))).toMatch(/services\[0\]\.errorRate/);
    expect(bad((t) => t.replace('{ region: cn-shanghai, rate: { kind: constant', '{ region: cn-shangai, rate: { kind: constant'))).toMatch(
      /services\[0\]\.users\[1\]\.region: expected a region of a cluster or registry, or one named in network\.links \(.*\), found "cn-shangai"/,
    );
  });
  it('selftest with an unknown check is a usage error', () => {
    const r = fleetsim(['selftest', 'quantum']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/selftest: unknown check 'quantum'/);
  });
});

describe('the traffic model feeds dynamic-weight health-latency', () => {
  const base = `
name: dw
duration: 5m
dynamicWeight: { mode: health-latency, referenceLatency: 20ms }
schedulers: [dynamic-weight]
network:
  links: [{ from: near-cp, to: near-users, latency: 40ms }]
fleet:
  clusters:
    - { name: host, role: host, region: near-cp, nodePools: [{ count: 1, cpu: 8, memory: 32Gi }] }
    - { name: a, region: near-cp, nodePools: [{ count: 4, cpu: 16, memory: 64Gi }] }
    - { name: b, region: near-users, nodePools: [{ count: 4, cpu: 16, memory: 64Gi }] }
policies:
  - name: p
    resourceSelectors: [{ kind: Deployment, name: web }]
    placement: { clusterAffinity: { clusterNames: [a, b] }, replicaScheduling: { replicaSchedulingType: Divided, replicaDivisionPreference: Weighted, weightPreference: { dynamicWeight: AvailableReplicas } } }
workloads:
  - { kind: Deployment, name: web, replicas: 10, resources: { cpu: 1 } }
`;
  const services = `
services:
  - { name: web, workload: web, serviceTime: 10ms, users: [{ region: near-users, rate: { kind: constant, rate: 50 } }] }
actions:
  - { at: 2m, scale: { workload: web, replicas: 20 } }
`;
  it("weighs clusters by the latency the service's users see, not the control plane's round trip", async () => {
    const without = await runScenario(parseScenario(base + `actions:\n  - { at: 2m, scale: { workload: web, replicas: 20 } }\n`, join(ROOT, 'scenarios/dw.yaml')));
    const withUsers = await runScenario(parseScenario(base + services, join(ROOT, 'scenarios/dw.yaml')));
    const p0 = without.workloads[0].placement;
    const p1 = withUsers.workloads[0].placement;
    expect(p0.a).toBeGreaterThan(p0.b ?? 0); // near the control plane
    expect(p1.b).toBeGreaterThan(p1.a ?? 0); // near the users
  });
});
