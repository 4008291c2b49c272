import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runner/result.js';
import { aggregate, sweepData } from '../../src/runner/sweep-aggregate.js';
import { enumerateRuns } from '../../src/runner/sweep-keys.js';
import type { MetricValue } from '../../src/runner/sweep-metrics.js';
import type { SweepHeader, SweepRecord } from '../../src/runner/sweep-results.js';
import { computeVerdict } from '../../src/report/verdict.js';

/** A sweep's data with given metric values per scheduler and replication (the rest of a record is not read by the verdict). */
function dataOf(values: Record<string, Record<string, (number | null)[]>>, replications: number) {
  const schedulers = Object.keys(values);
  const header = { type: 'header', format: 'fleetsim-sweep/v1', scenario: 's', description: '', scenarioFile: 's.yaml', scenarioHash: 'h', scenarioText: '', planHash: 'p', axes: [], schedulers, replications, runs: schedulers.length * replications, shard: null } as unknown as SweepHeader;
  const records = new Map<string, SweepRecord>();
  for (const r of enumerateRuns([], schedulers, replications)) {
    // A key `metric@scope` is the metric for one scope (a service, a fault); else fleet-wide.
    const metrics: MetricValue[] = Object.entries(values[r.scheduler]).map(([key, v]) => ({ metric: key.split('@')[0], scope: key.split('@')[1] ?? 'fleet', value: v[r.replication] }));
    records.set(r.id, { type: 'run', id: r.id, index: r.index, point: 0, values: [], scheduler: r.scheduler, replication: r.replication, seed: 100 + r.replication, status: 'ok', metrics, result: { scheduler: r.scheduler } as RunResult });
  }
  const data = sweepData(header, records);
  return { data, agg: aggregate(data) };
}

describe('the verdict', () => {
  it('one row per scheduler, mean ± CI per headline figure, the best marked, sentences only for significant differences', () => {
    const { data, agg } = dataOf(
      {
        karmada: { 'gangs.queueingDelay.mean': [2040, 1980, 2100, 2010], 'gpu.utilization': [0.6, 0.61, 0.59, 0.6], 'unavailableReplicaSeconds': [100, 300, 200, 250] },
        'federated-gang': { 'gangs.queueingDelay.mean': [720, 700, 760, 710], 'gpu.utilization': [0.62, 0.6, 0.6, 0.61], 'unavailableReplicaSeconds': [150, 200, 260, 240] },
      },
      4,
    );
    const v = computeVerdict(data, agg);
    expect(v.rows.map((r) => r.label)).toEqual(['karmada', 'federated-gang']);
    expect(v.columns.map((c) => c.metric)).toEqual(['gangs.queueingDelay.mean', 'gpu.utilization', 'unavailableReplicaSeconds']);
    const gang = v.columns.findIndex((c) => c.metric === 'gangs.queueingDelay.mean');
    // Lower is better: federated-gang's 12 minutes beat karmada's 34.
    expect(v.rows[1].cells[gang].best).toBe(true);
    expect(v.rows[0].cells[gang].best).toBe(false);
    expect(v.rows[1].cells[gang].text).toMatch(/^12m 02s ±/);
    // The paired test on common seeds finds the queueing difference; the others are inside the noise.
    expect(v.sentences).toHaveLength(1);
    expect(v.sentences[0]).toMatch(/^federated-gang vs karmada: gang queueing delay 12m 02s vs 33m 52s \(−21m \d\ds, 95 % CI −\d+m \d\ds to −\d+m \d\ds, better\)\.$/);
    expect(v.differences.map((d) => d.column)).toEqual(['gang queueing delay']);
  });

  it('says nothing of differences with one replication, and why', () => {
    const { data, agg } = dataOf({ a: { 'cpu.utilization': [0.3] }, b: { 'cpu.utilization': [0.5] } }, 1);
    const v = computeVerdict(data, agg);
    expect(v.rows[1].cells[0].best).toBe(true);
    expect(v.rows[1].cells[0].text).toBe('50.0%');
    expect(v.sentences).toEqual([]);
    expect(v.note).toMatch(/One replication per configuration: no confidence interval/);
  });

  it('a fault that never failed over reads "never", and says in how many runs', () => {
    // Per-fault scope: the metric as runMetrics writes it for a scheduled fault.
    const { data, agg } = dataOf(
      {
        a: { 'failover.afterDetection@c1 down at 5h00m': [null, null, null] },
        b: { 'failover.afterDetection@c1 down at 5h00m': [40, null, 44] },
      },
      3,
    );
    const v = computeVerdict(data, agg);
    expect(v.columns.map((c) => c.title)).toEqual(['failover (c1 05:00)']);
    expect(v.rows[0].cells[0].text).toBe('never');
    expect(v.rows[1].cells[0].text).toBe('42.0 s ±25.4 s (never in 1 of 3)');
  });
});

describe('claims', () => {
  it('every metric a claim may name is a sweep metric (so validate ok means the report can set it beside the claim)', async () => {
    const { CLAIM_METRICS } = await import('../../src/scenario/types.js');
    const { SWEEP_METRICS } = await import('../../src/runner/sweep-metrics.js');
    for (const m of CLAIM_METRICS) expect(SWEEP_METRICS.map((d) => d.name)).toContain(m);
  });
});
