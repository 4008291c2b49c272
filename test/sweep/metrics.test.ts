import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/result.js';
import { runMetrics, SWEEP_METRICS } from '../../src/runner/sweep-metrics.js';
import { planSweep } from '../../src/runner/sweep-plan.js';

const SMALL = fileURLToPath(new URL('./fixtures/small.yaml', import.meta.url));

function baseScenario() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-metrics-'));
  const file = join(dir, 's.yaml');
  writeFileSync(file, readFileSync(SMALL, 'utf8').replace(/^sweep:\n(  .*\n)+/m, ''));
  return planSweep(file).points[0].scenario; // east: 3×16 + 32 cores, 4 GPUs; west: 2×16 cores
}

const stat = (mean: number) => ({ mean, max: mean, end: mean });
const cluster = (name: string, gpus: number, cpu: number, gpu: number, replicas: number, pending: number) => ({
  name, region: 'r', role: 'member' as const, nodes: 1, gpus, replicas, pending, cpuUtilization: stat(cpu), memoryUtilization: stat(cpu / 2), gpuUtilization: stat(gpu),
});
const workload = (name: string, kind: 'Deployment' | 'Job', ready: number | null, extra: object = {}) => ({
  name, namespace: 'default', kind, desired: 2, arrival: 0, placement: {}, timeToScheduled: ready === null ? null : ready / 2, timeToAllReady: ready, timeToComplete: kind === 'Job' && ready !== null ? ready + 100 : null,
  pending: 0, ready: 2, succeeded: 0, schedulingError: '', unavailableReplicaSeconds: 10, ...extra,
});

describe('run metrics', () => {
  it('weights fleet utilisation by capacity, counts and averages workloads, skips what a run does not have', () => {
    const run = {
      scenario: 's', variant: '', scheduler: 'karmada', seed: 1, duration: 60, events: 1,
      clusters: [cluster('east', 4, 0.5, 0.75, 5, 1), cluster('west', 0, 0.25, 0, 3, 2)],
      workloads: [workload('a', 'Deployment', 10), workload('b', 'Deployment', 30), workload('c', 'Deployment', null), workload('j', 'Job', 50, { queueingDelay: 20, heldGpuHours: 1.5 }), workload('k', 'Job', null, { queueingDelay: null, deadlocked: true, heldGpuHours: 0.5 })],
      series: { interval: 30, t: [], clusters: {} },
      failovers: [
        { cluster: 'west', mode: 'down', at: 100, recoveredAt: 200, detection: 30, eviction: 40, failover: 90, restored: 120, affectedWorkloads: [], unavailableReplicaSeconds: 5 },
        { cluster: 'east', mode: 'down', at: 300, recoveredAt: null, detection: 50, eviction: null, failover: null, restored: null, affectedWorkloads: [], unavailableReplicaSeconds: 5 },
      ],
      timeline: [],
    } as unknown as RunResult;
    const m = new Map(runMetrics(run, baseScenario()).map((x) => [`${x.metric}@${x.scope}`, x.value]));
    expect(m.get('cpu.utilization@fleet')).toBeCloseTo((80 * 0.5 + 32 * 0.25) / 112, 12);
    expect(m.get('memory.utilization@fleet')).toBeCloseTo((80 * 0.25 + 32 * 0.125) / 112, 12); // memory: 3×64 + 128 GiB vs 2×64: same 80:32 split
    expect(m.get('gpu.utilization@fleet')).toBe(0.75);
    expect(m.get('gpu.utilization@west')).toBeNull();
    expect(m.get('cpu.utilization@west')).toBe(0.25);
    expect(m.get('replicas.ready@fleet')).toBe(8);
    expect(m.get('pods.pending@fleet')).toBe(3);
    expect(m.get('timeToAllReady.mean@fleet')).toBe(30); // (10 + 30 + 50) / 3; never-ready workloads are not in the mean
    expect(m.get('timeToAllReady.max@fleet')).toBe(50);
    expect(m.get('workloads.notReady@fleet')).toBe(2);
    expect(m.get('jobs.completed@fleet')).toBe(1);
    expect(m.get('jobs.timeToComplete.mean@fleet')).toBe(150);
    expect(m.get('jobs.queueingDelay.mean@fleet')).toBe(20);
    expect(m.get('jobs.heldGpuHours@fleet')).toBe(2);
    expect(m.get('jobs.deadlocked@fleet')).toBe(1);
    expect(m.get('unavailableReplicaSeconds@fleet')).toBe(30); // Deployments only
    expect(m.get('failover.detection.mean@fleet')).toBe(40);
    expect(m.get('failover.time.mean@fleet')).toBe(90);
    expect(m.get('failover.notFailedOver@fleet')).toBe(1);
    // Every metric is reported for the fleet, and the per-cluster ones for each member.
    expect([...m.keys()].filter((k) => k.endsWith('@fleet'))).toHaveLength(SWEEP_METRICS.length);
    expect([...m.keys()].filter((k) => k.endsWith('@east'))).toHaveLength(SWEEP_METRICS.filter((d) => d.perCluster).length);
  });
});
