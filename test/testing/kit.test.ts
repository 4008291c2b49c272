import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBuiltinSchedulers } from '../../src/placement/builtin.js';
import { loadScenario } from '../../src/scenario/load.js';
import {
  arbScenarioModel,
  checkPolicy,
  checkRun,
  determinism,
  noOvercommit,
  policyProperty,
  queueCapability,
  scenarioOf,
  scenarioYaml,
  writeCounterexample,
  type RunObservation,
} from '../../src/testing/index.js';

const ROOT = join(import.meta.dirname, '../..');
const FIX = join(import.meta.dirname, 'fixtures');
const SPREAD = join(ROOT, 'examples/policies/spread-evenly.mjs');
const SPREAD_FIXED = join(ROOT, 'examples/policies/spread-evenly-fixed.mjs');
const small = { maxWorkloads: 2, maxClusters: 3 };

describe('fleetsim/testing', () => {
  beforeAll(() => registerBuiltinSchedulers());

  it('the arbitraries generate valid scenarios, rendered deterministically', () => {
    fc.assert(
      fc.property(arbScenarioModel(), (m) => {
        const text = scenarioYaml(m, { schedulers: ['karmada'] });
        expect(scenarioYaml(m, { schedulers: ['karmada'] })).toBe(text);
        const s = scenarioOf(m); // throws on any validation error
        expect(s.fleet.clusters).toHaveLength(m.clusters.length);
        expect(s.workloads).toHaveLength(m.workloads.length);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('check finds the planted bug of examples/policies/spread-evenly.mjs and shrinks it to a few lines', async () => {
    const r = await checkPolicy(SPREAD, { runs: 30, seed: 1 });
    expect(r.ok).toBe(false);
    expect(r.violation!.invariant).toBe('replica-conservation');
    expect(r.violation!.message).toMatch(/Divided placement sums to \d+ replicas, \d+ asked/);
    expect(r.counterexample!.clusters).toHaveLength(2);
    expect(r.counterexample!.workloads).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-check-'));
    const file = join(dir, 'spread.yaml');
    const text = writeCounterexample(r, file);
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines.at(-1)).toBe(`schedulers: [${relative(dir, SPREAD)}]`);
    // The file is a valid scenario that reproduces the violation (its module is outside its folder:
    // the reproduce line allows that folder, as scenarios read only inside their own).
    expect(text).toContain(`--allow-read ${dirname(SPREAD)}`);
    expect(() => loadScenario(file)).toThrow(/schedulers\[0\]: .* \(not in or below /);
    const s = loadScenario(file, { allowRead: [dirname(SPREAD)] });
    expect(readFileSync(file, 'utf8')).toBe(text);
    const v = await checkRun(s, s.schedulers[0]);
    expect(v.map((x) => x.invariant)).toEqual(['replica-conservation']);
    // Same seed, same counterexample.
    expect(scenarioYaml((await checkPolicy(SPREAD, { runs: 30, seed: 1 })).counterexample!)).toBe(scenarioYaml(r.counterexample!));
  });

  it('correct policies keep every invariant: karmada, dynamic-weight, the fixed example', async () => {
    for (const s of ['karmada', 'dynamic-weight']) expect((await checkPolicy(s, { runs: 25, seed: 3 })).ok).toBe(true);
    const fixed = await checkPolicy(SPREAD_FIXED, { runs: 15, seed: 3 });
    expect(fixed).toMatchObject({ ok: true, runs: 15 });
    await fc.assert(policyProperty(SPREAD_FIXED, { scenarios: small }), { numRuns: 5, seed: 9 });
  });

  it('each invariant catches its kind of bug', async () => {
    const tiny = { maxWorkloads: 1, maxClusters: 2 };
    const found = async (policy: string, invariants?: string[]) => {
      const r = await checkPolicy(join(FIX, policy), { runs: 40, seed: 2, scenarios: tiny, ...(invariants ? { invariants } : {}) });
      expect(r.ok).toBe(false);
      return r;
    };
    const taint = await found('ignore-taints.mjs');
    expect(taint.violation!.invariant).toBe('nothing-on-down-or-tainted');
    expect(taint.violation!.message).toMatch(/whose taint \{dedicated=x:No(Schedule|Execute)\} the placement does not tolerate/);
    expect(scenarioYaml(taint.counterexample!)).toMatch(/taints: \[\{ key: dedicated, value: x, effect: No(Schedule|Execute) \}\]/);
    expect((await found('coin-flip.mjs', ['determinism'])).violation!.invariant).toBe('determinism');
    const crash = await found('throws-on-jobs.mjs');
    expect(crash.violation).toMatchObject({ invariant: 'run-completes', message: 'the run failed: Jobs are not supported' });
    expect(crash.counterexample!.workloads.map((w) => w.kind)).toEqual(['Job']);
    const gang = await found('partial-gang.mjs', ['gang-all-or-nothing']);
    expect(gang.violation!.message).toMatch(/a gang of \d+ given 1 replicas/);
    // Opt-in: Karmada's division splits gangs by design; federated-gang never does.
    const split = await checkPolicy('karmada', { runs: 40, seed: 2, scenarios: tiny, invariants: ['gang-unsplit'] });
    expect(split.violation!.invariant).toBe('gang-unsplit');
    expect((await checkPolicy('federated-gang', { runs: 20, seed: 2, scenarios: tiny, invariants: ['gang-unsplit'] })).ok).toBe(true);
  });

  it('overcommit, queue capability and determinism checkers judge what they are shown', () => {
    const base: RunObservation = { scenario: loadScenario(join(ROOT, 'test/diff/fixtures/three-clusters.yaml')), scheduler: 'karmada', seed: 1, result: null, error: null, decisions: [] };
    expect(noOvercommit.check({ ...base, error: 'bind: pod 3 does not fit on node a-n-0' })!.invariant).toBe('no-overcommit');
    const stat = (max: number) => ({ mean: 0, max, end: 0 });
    const cluster = { name: 'a', region: 'r1', role: 'member' as const, nodes: 2, gpus: 0, replicas: 0, pending: 0, cpuUtilization: stat(1), memoryUtilization: stat(1.25), gpuUtilization: stat(0) };
    const result = { clusters: [cluster], queueShares: [] } as unknown as NonNullable<RunObservation['result']>;
    expect(noOvercommit.check({ ...base, result })!.message).toBe('cluster a: memory allocation reached 125.0 %');
    expect(noOvercommit.check({ ...base, result: { ...result, clusters: [{ ...cluster, memoryUtilization: stat(1) }] } })).toBeNull();
    const scenario = structuredClone(base.scenario);
    scenario.fleet.clusters[0].volcano.queues = [{ name: 'research', capability: { 'nvidia.com/gpu': 4 } }];
    const shares = (xs: number[]) => ({ ...result, queueShares: [{ cluster: 'a', queue: 'research', resource: 'nvidia.com/gpu', t: xs.map((_, i) => i * 60), deserved: xs, allocated: xs }] });
    expect(queueCapability.check({ ...base, scenario, result: shares([0, 4, 5]) })!.message).toBe('queue research in a: 5 nvidia.com/gpu allocated at t=120s, capability 4');
    expect(queueCapability.check({ ...base, scenario, result: shares([0, 4, 4]) })).toBeNull();
    expect(determinism.check({ ...base, rerun: { ...base, error: 'boom' } })!.invariant).toBe('determinism');
    expect(determinism.check({ ...base, rerun: base })).toBeNull();
  });
});

