import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { preparePlan } from '../../src/plan/definition.js';
import { Evaluator, type RunSource } from '../../src/plan/evaluate.js';
import { failureCases } from '../../src/plan/failures.js';
import type { RunRequest } from '../../src/plan/runs.js';
import type { SweepRecord } from '../../src/runner/sweep-results.js';

const SMALL = fileURLToPath(new URL('./fixtures/small-fleet.yaml', import.meta.url));

const def = preparePlan(SMALL, {
  vary: ['fleet.clusters[name=serving-sh].nodePools[0].count=1..4'],
  constraints: ['slo(llm-inference).violationMinutes<=5'],
  failures: ['any-cluster'],
  replications: 2,
  maxReplications: 8,
});
const cases = failureCases(def.scenario, def.failures, 3000, 3600);

/** Runs answered from a table: SLO violation minutes (recorded in seconds) by (failure case label, replication); every request logged. */
function source(value: (caseLabel: string, replication: number) => number | 'throw'): RunSource & { log: RunRequest[] } {
  const log: RunRequest[] = [];
  return {
    log,
    get: async (requests) => {
      log.push(...requests);
      return new Map(
        requests.map((r) => {
          const label = cases.find((c) => c.key === r.values[r.values.length - 1])!.label;
          const v = value(label, r.replication);
          const rec: SweepRecord =
            v === 'throw'
              ? { type: 'run', id: r.id, index: 0, point: r.point, values: r.values, scheduler: 'karmada', replication: r.replication, seed: r.seed, status: 'failed', error: 'Error: boom\n  at x' }
              : { type: 'run', id: r.id, index: 0, point: r.point, values: r.values, scheduler: 'karmada', replication: r.replication, seed: r.seed, status: 'ok', metrics: [{ metric: 'traffic.sloViolation', scope: 'default/llm-inference', value: v * 60 }] };
          return [r.id, rec];
        }),
      );
    },
  };
}

const repsOf = (log: RunRequest[]) => {
  const out: Record<string, number> = {};
  for (const r of new Map(log.map((x) => [x.id, x])).values()) {
    const label = cases.find((c) => c.key === r.values[r.values.length - 1])!.label;
    out[label] = (out[label] ?? 0) + 1;
  }
  return out;
};

describe('judging a candidate with sequential replications', () => {
  it('adds replications only to the case whose interval straddles the bound, until it is decided', async () => {
    // serving-gz down: 4 and 5.5 (mean 4.75, undecided at n = 2, still at n = 4); more runs at 4.5 narrow it to a pass at n = 8.
    const src = source((c, r) => (c === 'serving-gz down' ? [4, 5.5, 4.5, 4.5][r] ?? 4.5 : 1));
    const ev = new Evaluator(def, cases, src);
    expect(await ev.judge([[2]], 'descent')).toEqual([true]);
    expect(repsOf(src.log)).toEqual({ scenario: 2, 'training-bj down': 2, 'serving-sh down': 2, 'serving-gz down': 8 });
    // Asked for in rounds, each run once: 8 runs, then 2 more, then 4 more.
    expect(src.log).toHaveLength(8 + 2 + 4);
    const c = ev.get([2])!;
    expect(c.cases.find((o) => o.case === 'serving-gz down')!.checks[0]).toMatchObject({ n: 8, mean: 4.5625, verdict: 'pass' });
    expect(c).toMatchObject({ pass: true, runs: 14, values: [3], phase: 'descent' });
  });

  it('fails a constraint still undecided at --max-replications, and a case whose runs failed', async () => {
    const src = source((c, r) => (c === 'serving-sh down' ? (r % 2 ? 3 : 7) : 0));
    const ev = new Evaluator(def, cases, src);
    expect(await ev.judge([[0]], 'top')).toEqual([false]);
    expect(repsOf(src.log)['serving-sh down']).toBe(8);
    expect(ev.get([0])!.failures).toEqual([expect.objectContaining({ case: 'serving-sh down', constraint: 'slo(llm-inference).violationMinutes<=5', n: 8, mean: 5, why: 'undecided after 8 replications' })]);

    const boom = source((c) => (c === 'training-bj down' ? 'throw' : 0));
    const ev2 = new Evaluator(def, cases, boom);
    expect(await ev2.judge([[1]], 'top')).toEqual([false]);
    expect(ev2.get([1])!.failures[0]).toMatchObject({ case: 'training-bj down', constraint: '(runs)', why: '2 of 2 runs failed: Error: boom' });
  });

  it('stops adding runs to a candidate once one constraint fails, and judges a batch in the same rounds as one by one', async () => {
    const table = (c: string, r: number) => (c === 'scenario' ? 9 : c === 'serving-gz down' ? [4, 5.5][r % 2] : 1);
    const batch = source(table);
    const evb = new Evaluator(def, cases, batch);
    expect(await evb.judge([[0], [3]], 'grid')).toEqual([false, false]);
    // The failing scenario case decides at n = 2: no replications are added to serving-gz down.
    expect(repsOf(batch.log)).toEqual({ scenario: 4, 'training-bj down': 4, 'serving-sh down': 4, 'serving-gz down': 4 });
    const single = source(table);
    const evs = new Evaluator(def, cases, single);
    await evs.judge([[0]], 'top');
    await evs.judge([[3]], 'top');
    expect(new Set(single.log.map((r) => r.id))).toEqual(new Set(batch.log.map((r) => r.id)));
    expect(evs.get([3])!.failures).toEqual(evb.get([3])!.failures);
  });
});
