import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';
import { ROOT } from '../helpers/cli.js';

/** Real Karmada and Kurator inputs: OverridePolicy, Kurator Fleet membership, Kurator Application broadcast. */
describe('Karmada OverridePolicy and Kurator Fleet / Application', () => {
  const file = join(ROOT, 'test/fixtures/kurator/scenario.yaml');

  it('a Kurator Fleet joins only its clusters to Karmada and labels them', async () => {
    const s = loadScenario(file);
    expect(s.fleets).toEqual([expect.objectContaining({ name: 'quickstart', clusters: ['a', 'b', 'c'], karmada: true })]);
    expect(s.fleet.clusters.find((c) => c.name === 'a')!.labels['fleet.kurator.dev/fleet-name']).toBe('quickstart');
    expect(s.fleet.clusters.find((c) => c.name === 'outside')!.karmadaMember).toBe(false);
    const r = await runScenario(s);
    const api = r.workloads.find((w) => w.name === 'api')!;
    expect(Object.keys(api.placement).sort()).toEqual(['a', 'b', 'c']); // never 'outside'
  });

  it('a Kurator Application broadcasts full copies to the fleet clusters matching its selector, bypassing Karmada', async () => {
    const r = await runScenario(loadScenario(file));
    const podinfo = r.workloads.find((w) => w.name === 'podinfo')!;
    expect(podinfo.placement).toEqual({ a: 2, b: 2 }); // env=prod in the fleet: a, b (not c; not outside, which is not in the fleet)
    expect(podinfo.ready).toBe(4);
  });

  it('an OverridePolicy changes the image registry (pull source, so pull time) and the requests in the target cluster only', async () => {
    const r = await runScenario(loadScenario(file));
    const api = r.workloads.find((w) => w.name === 'api')!;
    expect(api.ready).toBe(4);
    const a = r.clusters.find((c) => c.name === 'a')!;
    const b = r.clusters.find((c) => c.name === 'b')!;
    // b's replicas ask for 2 cores instead of 1.
    const perReplicaA = (a.cpuUtilization.end * 16000) / api.placement.a;
    const perReplicaB = ((b.cpuUtilization.end * 16000) - 2 * 100) / api.placement.b; // podinfo also runs on b (2 x 100m)
    expect(Math.round((perReplicaA * api.placement.a - 2 * 100) / api.placement.a)).toBe(1000);
    expect(Math.round(perReplicaB)).toBe(2000);
    // b pulls from the mirror in its own region; a pulls 500 MiB over a 100 Mbit/s link from 'far'.
    const readyA = r.series.clusters.a.replicas.findIndex((n) => n >= api.placement.a + 2);
    const readyB = r.series.clusters.b.replicas.findIndex((n) => n >= api.placement.b + 2);
    expect(readyB).toBeGreaterThanOrEqual(0);
    expect(readyA === -1 || readyA > readyB).toBe(true);
  });
});
