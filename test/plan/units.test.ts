import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { preparePlan } from '../../src/plan/definition.js';
import { constraintValue, judgeCheck, parseConstraint, type Constraint } from '../../src/plan/constraints.js';
import { busiestWindow, failureCases, parseFailureSpec } from '../../src/plan/failures.js';
import { parseKnob } from '../../src/plan/knobs.js';
import { readSingle } from '../../src/runner/sweep-plan.js';
import { loadScenario } from '../../src/scenario/load.js';

const SMALL = fileURLToPath(new URL('./fixtures/small-fleet.yaml', import.meta.url));

/** The message of what `f` throws ('accepted' when it does not). */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}
const scenario = loadScenario(SMALL);
const raw = readSingle(SMALL, 'small-fleet.yaml').value() as Record<string, unknown>;

describe('plan constraints', () => {
  it('reads fleet, cluster and service metrics in the forms people write them', () => {
    const c = (t: string) => {
      const x = parseConstraint(t, scenario);
      return [x.metric, x.scope, x.op, x.bound, x.unit, x.divisor];
    };
    expect(c('pods.pending<=0')).toEqual(['pods.pending', 'fleet', '<=', 0, 'count', 1]);
    expect(c('pods.pending[serving-sh] <= 0')).toEqual(['pods.pending', 'serving-sh', '<=', 0, 'count', 1]);
    expect(c('cluster(serving-gz).gpu.utilization>=0.25')).toEqual(['gpu.utilization', 'serving-gz', '>=', 0.25, 'ratio', 1]);
    // A service's SLO minutes are the runs' traffic.sloViolation seconds, judged in minutes; the service is namespace/name in the runs.
    expect(c('slo(llm-inference).violationMinutes<=5')).toEqual(['traffic.sloViolation', 'default/llm-inference', '<=', 5, 'min', 60]);
    expect(c('slo(default/llm-inference).latencyP99<1500')).toEqual(['traffic.latency.p99', 'default/llm-inference', '<', 1500, 'ms', 1]);
    expect(c('traffic.sloViolation[llm-inference]<=5m')).toEqual(['traffic.sloViolation', 'default/llm-inference', '<=', 300, 's', 1]);
    expect(c('timeToAllReady.max<=2m')).toEqual(['timeToAllReady.max', 'fleet', '<=', 120, 's', 1]);
    expect(parseConstraint('cluster(serving-sh).pods.pending<=0', scenario).text).toBe('pods.pending[serving-sh]<=0');
    expect(parseConstraint('slo(llm-inference).violationMinutes <= 5', scenario).text).toBe('slo(llm-inference).violationMinutes<=5');
    const minutes = parseConstraint('slo(llm-inference).violationMinutes<=5', scenario);
    const metrics = [{ metric: 'traffic.sloViolation', scope: 'fleet', value: 900 }, { metric: 'traffic.sloViolation', scope: 'default/llm-inference', value: 420 }];
    expect(constraintValue(minutes, metrics)).toBe(7);
    expect(constraintValue(minutes, metrics.slice(0, 1))).toBeNull();
  });

  it('refuses what it cannot judge, naming the argument, what was expected and what was found', () => {
    const e = (t: string) => messageOf(() => parseConstraint(t, scenario));
    expect(e('pods.pendng<=0')).toMatch(/^--constraint pods\.pendng<=0: expected a metric of the sweep \(one of timeToAllReady\.mean, .*\), found "pods\.pendng"$/);
    expect(e('p99<=5')).toMatch(/did you mean traffic\.latency\.p99\?/);
    expect(e('slo(llm-inference).violationMinuts<=5')).toMatch(/expected slo\(<service>\)\.violationMinutes or slo\(<service>\)\.latencyP99 \(or a service metric: traffic\.sloViolation\[<service>\], .*\), found "slo\(llm-inference\)\.violationMinuts"$/);
    expect(e('pods.pending==0')).toMatch(/expected one of <=, <, >=, > .*, found ==/);
    expect(e('pods.pending<=few')).toMatch(/expected a number as the bound, found "few"$/);
    expect(e('timeToAllReady.max<=soon')).toMatch(/expected a number or a duration \(90s, 5m\) as the bound/);
    expect(e('pods.pending[serving-xx]<=0')).toMatch(/expected a member cluster of the scenario \(training-bj, serving-sh, serving-gz\), found "serving-xx"/);
    expect(e('slo(web).violationMinutes<=5')).toMatch(/expected a service of the scenario \(llm-inference\), found "web"/);
    expect(e('slo(prod/llm-inference).violationMinutes<=5')).toMatch(/expected a service of the scenario \(llm-inference\), found "prod\/llm-inference"/);
    expect(e('jobs.completed[serving-sh]>=1')).toMatch(/expected jobs\.completed fleet-wide/);
    expect(e('traffic.latency.p99<=100')).toMatch(/expected slo\(<service>\)\.latencyP99/);
    expect(e('just words')).toMatch(/expected METRIC<=BOUND/);
  });

  const le: Constraint = { text: 'm<=5', metric: 'm', scope: 'fleet', op: '<=', bound: 5, unit: 'count', divisor: 1 };
  it('passes only when the whole confidence interval meets the bound, fails when it all misses, else is undecided', () => {
    expect(judgeCheck([1, 2, 1.5], le, 0.95).verdict).toBe('pass');
    expect(judgeCheck([9, 10, 9.5], le, 0.95).verdict).toBe('fail');
    // Mean 4.5 meets the bound, but the interval (t(0.975, 1) = 12.71) reaches past it.
    const straddle = judgeCheck([4, 5], le, 0.95);
    expect(straddle.verdict).toBe('undecided');
    expect(straddle.mean).toBe(4.5);
    expect(straddle.high! - straddle.mean!).toBeCloseTo((12.7062047 * Math.SQRT1_2) / Math.SQRT2, 5);
    // No spread: exact.
    expect(judgeCheck([5, 5], le, 0.95)).toMatchObject({ verdict: 'pass', low: 5, high: 5 });
    expect(judgeCheck([5, 5], { ...le, op: '<' }, 0.95).verdict).toBe('fail');
    expect(judgeCheck([5.0000001, 5.0000001], le, 0.95).verdict).toBe('fail');
    expect(judgeCheck([6, 6], { ...le, op: '>=' }, 0.95).verdict).toBe('pass');
    expect(judgeCheck([4, 4], { ...le, op: '>' }, 0.95).verdict).toBe('fail');
    // Runs without a value are left out; none at all fails.
    expect(judgeCheck([null, 1, 1], le, 0.95)).toMatchObject({ n: 2, verdict: 'pass' });
    expect(judgeCheck([null, null], le, 0.95)).toMatchObject({ n: 0, verdict: 'fail', why: 'no run has a value' });
  });

  it('a wider confidence level decides later', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 2, maxLength: 8 }), (xs) => {
        const narrow = judgeCheck(xs, le, 0.8);
        const wide = judgeCheck(xs, le, 0.99);
        if (wide.verdict !== 'undecided') expect(narrow.verdict).toBe(wide.verdict);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('plan knobs', () => {
  it('reads ranges, steps and lists against the document, with today\'s value and a short label', () => {
    const k = parseKnob('fleet.clusters[name=serving-sh].nodePools[name=t4].count=2..10:4', raw);
    expect(k.values).toEqual([2, 6, 10]);
    expect(k.today).toBe(6);
    expect(k.label).toBe('serving-sh/t4');
    expect(k.target).toEqual(['fleet', 'clusters', 2, 'nodePools', 0, 'count']);
    expect(parseKnob('fleet.clusters[3].nodePools[0].count=1,2,4', raw).values).toEqual([1, 2, 4]);
    expect(parseKnob('fleet.clusters[3].nodePools[0].cpu=0.5..1.5:0.5', raw)).toMatchObject({ values: [0.5, 1, 1.5], label: 'serving-gz/t4 cpu' });
    expect(parseKnob('workloads[0].replicas=1..3', raw)).toMatchObject({ label: 'workloads[0].replicas', today: 10 });
  });

  it('refuses bad ranges and paths in one line naming the argument', () => {
    const e = (t: string) => messageOf(() => parseKnob(t, raw));
    expect(e('fleet.clusters[name=serving-sh].nodePools[0].count=10..2')).toBe('--vary fleet.clusters[name=serving-sh].nodePools[0].count=10..2: expected lo <= hi in lo..hi, found 10..2');
    expect(e('fleet.clusters[name=serving-sh].nodePools[0].count=1..x')).toMatch(/expected a number in lo\.\.hi\[:step\], found "x"$/);
    expect(e('fleet.clusters[name=serving-sh].nodePools[0].count=1..4:0')).toMatch(/expected a step > 0, found 0$/);
    expect(e('fleet.clusters[name=serving-sh].nodePools[0].count=4,2')).toMatch(/expected ascending values .*found 4 then 2$/);
    expect(e('fleet.clusters[name=serving-xx].nodePools[0].count=1..4')).toMatch(/expected a path to a field of this scenario, found fleet\.clusters\[name=serving-xx\]\.nodePools\[0\]\.count \(fleet\.clusters has no elements with name=serving-xx\)$/);
    expect(e('fleet.clusters[name=serving-sh].name=1..4')).toMatch(/expected a path to a number .*found fleet\.clusters\[name=serving-sh\]\.name = "serving-sh"$/);
    expect(e('fleet.clusters[name=serving-sh.count=1..4')).toMatch(/expected PATH=lo\.\.hi, .*, found no = outside brackets$/);
    expect(e('fleet..clusters=1..4')).toBe('--vary fleet..clusters=1..4: expected a path like fleet.clusters[1].nodePools[0].count, found fleet..clusters (expected a key at character 7)');
    expect(e('no-equals-sign')).toMatch(/expected PATH=lo\.\.hi/);
    expect(e('fleet.clusters[0].nodePools[0].count=0..1000000')).toMatch(/expected at most 10000 values, found 1000001/);
  });
});

describe('plan failure cases', () => {
  it('generates each member cluster, zone or region down, pairs with k=2, after the scenario as written', () => {
    const at = 3000;
    const labels = (specs: string[]) => failureCases(scenario, specs.map(parseFailureSpec), at, 3600).map((c) => c.label);
    expect(labels([])).toEqual(['scenario']);
    expect(labels(['none'])).toEqual(['scenario']);
    expect(labels(['any-cluster'])).toEqual(['scenario', 'training-bj down', 'serving-sh down', 'serving-gz down']);
    expect(labels(['any-zone'])).toEqual(['scenario', 'zone cn-beijing-b down', 'zone cn-shanghai-a down', 'zone cn-guangzhou-a down']);
    expect(labels(['any-region'])).toEqual(['scenario', 'region cn-beijing down', 'region cn-shanghai down', 'region cn-guangzhou down']);
    expect(labels(['any-cluster,k=2'])).toEqual(['scenario', 'training-bj + serving-sh down', 'training-bj + serving-gz down', 'serving-sh + serving-gz down']);
    // The same outage from two specs is one case.
    expect(labels(['any-cluster', 'any-cluster'])).toHaveLength(4);
    const [, bj] = failureCases(scenario, [parseFailureSpec('any-cluster')], at, 3600);
    expect(bj.faults).toEqual([{ kind: 'cluster-outage', cluster: 'training-bj', at: 3000, duration: 3600, mode: 'down' }]);
    expect(() => parseFailureSpec('every-cluster')).toThrow(/^--failures every-cluster: expected any-cluster, any-zone, any-region or none/);
    expect(() => parseFailureSpec('any-cluster,k=5')).toThrow(/expected k = 1, 2 or 3/);
    expect(() => failureCases(scenario, [parseFailureSpec('any-cluster,k=3')], at, 60)).not.toThrow();
  });

  it('finds the busy hour as brute force over every window start does', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ len: fc.integer({ min: 1, max: 900 }), rate: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 60, max: 7200 }), (segs, window) => {
        const edges = [0];
        for (const s of segs) edges.push(edges[edges.length - 1] + s.len);
        const rate = segs.map((s) => s.rate);
        const got = busiestWindow({ edges, rate }, window);
        const horizon = edges[edges.length - 1];
        const integral = (a: number, b: number) => segs.reduce((acc, s, i) => acc + s.rate * Math.max(0, Math.min(b, edges[i + 1]) - Math.max(a, edges[i])), 0);
        if (horizon <= window) {
          expect(got).toEqual({ start: 0, end: horizon, value: integral(0, horizon) });
          return;
        }
        const starts = edges.filter((e) => e + window <= horizon);
        const best = Math.max(...starts.map((s) => integral(s, s + window)));
        expect(got.value).toBeCloseTo(best, 6);
        expect(got.start).toBe(starts.find((s) => Math.abs(integral(s, s + window) - best) <= 1e-9 * Math.max(1, best)));
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe('plan definition', () => {
  const PLAN = {
    vary: ['fleet.clusters[name=serving-sh].nodePools[name=t4].count=1..5', 'fleet.clusters[name=serving-gz].nodePools[name=t4].count=1..5'],
    constraints: ['slo(llm-inference).violationMinutes<=5', 'pods.pending<=0'],
    failures: ['any-cluster'],
  };
  const mistake = (opts: Partial<Parameters<typeof preparePlan>[1]>, file = SMALL): string => {
    try {
      preparePlan(file, { ...PLAN, ...opts });
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).exitCode).toBe(2);
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('reads the cost of each knob from the scenario, additive over knobs', () => {
    const def = preparePlan(SMALL, PLAN);
    expect(def.todayObjective).toBeCloseTo(69.488, 3);
    // serving-sh: 32 cores × 0.035 + 128 GiB × 0.004 + 2 T4 × 0.6 per node; serving-gz: 64 × 0.033 + 256 × 0.004 + 4 × 0.6.
    const sh = 32 * 0.035 + 128 * 0.004 + 2 * 0.6;
    const gz = 64 * 0.033 + 256 * 0.004 + 4 * 0.6;
    expect(def.objectiveAt([1, 0]) - def.objectiveAt([0, 0])).toBeCloseTo(sh, 9);
    expect(def.objectiveAt([0, 1]) - def.objectiveAt([0, 0])).toBeCloseTo(gz, 9);
    expect(def.objectiveAt([4, 4])).toBeCloseTo(def.todayObjective - sh - gz, 9);
    expect(preparePlan(SMALL, { ...PLAN, objective: 'nodes' }).objectiveAt([2, 1])).toBe(1 + 3 + 2);
    expect(def.seeds).toHaveLength(8);
    expect(def.seeds[0]).toBe(7);
    // A run's id: the same for the same values, case and replication; else another.
    expect(def.runId([3, 2], 'scenario', 0)).toBe(preparePlan(SMALL, PLAN).runId([3, 2], 'scenario', 0));
    expect(new Set([def.runId([3, 2], 'scenario', 0), def.runId([2, 3], 'scenario', 0), def.runId([3, 2], 'x', 0), def.runId([3, 2], 'scenario', 1)]).size).toBe(4);
  });

  it('says what it does not use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-plan-def-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, `${readFileSync(SMALL, 'utf8')}\nschedulers: [karmada, dynamic-weight]\nsweep:\n  workloads[0].replicas: [5, 10]\n`);
    expect(preparePlan(file, PLAN).notes).toEqual([
      "the scenario's sweep: block is not used: a plan's knobs are its --vary ranges",
      'the plan is for scheduler karmada, the first of karmada, dynamic-weight (--scheduler picks another)',
      "serving-sh/t4: today's 6 is outside the range searched (1..5)",
      "serving-gz/t4: today's 6 is outside the range searched (1..5)",
    ]);
    expect(preparePlan(SMALL, { ...PLAN, vary: ['fleet.clusters[name=serving-sh].nodePools[name=t4].count=1..3', PLAN.vary[1]] }).notes).toContain("serving-sh/t4: today's 6 is outside the range searched (1..3)");
  });

  it('refuses every mistake before any run, naming the flag, what was expected and what was found', () => {
    expect(mistake({ objective: 'carbon' })).toBe('--objective: expected cost or nodes, found carbon');
    expect(mistake({ replications: 1 })).toMatch(/^--replications: expected at least 2/);
    expect(mistake({ replications: 4, maxReplications: 2 })).toBe('--max-replications: expected at least --replications (4), found 2');
    expect(mistake({ confidence: 1.2 })).toMatch(/^--confidence: expected a level in \[0\.5, 1\)/);
    expect(mistake({ failureAt: '5h' })).toMatch(/^--failure-at: expected a time within the scenario's 7200 s/);
    expect(mistake({ failureDuration: '0s' })).toMatch(/^--failure-duration: expected a duration > 0/);
    expect(mistake({ failures: ['any-rack'] })).toMatch(/^--failures any-rack: expected any-cluster, any-zone, any-region or none/);
    expect(mistake({ variant: 'x' })).toMatch(/^--variant: expected a variant of .*small-fleet\.yaml \(it has none\), found x$/);
    expect(mistake({ constraints: [] })).toMatch(/^--constraint: expected at least one/);
    expect(mistake({ vary: [] })).toMatch(/^--vary: expected at least one knob/);
    expect(mistake({ vary: [...PLAN.vary, 'fleet.clusters[2].nodePools[0].count=1..3'] })).toMatch(/^--vary fleet\.clusters\[2\]\.nodePools\[0\]\.count=1\.\.3: expected each field once, found fleet\.clusters\[2\]\.nodePools\[0\]\.count again \(also --vary fleet\.clusters\[name=serving-sh\]/);
    expect(mistake({ vary: ['workloads[0].replicas=1..4'] })).toMatch(/^--objective cost: expected knobs that change the cost, found cost 69\.4\d+ whatever their values \(do their clusters have prices\? else use --objective nodes\)$/);
    // Two knobs on one pool: the count times the size does not add up.
    expect(mistake({ vary: ['fleet.clusters[2].nodePools[0].count=1..4', 'fleet.clusters[2].nodePools[0].cpu=8..32'] })).toMatch(/^--objective cost: expected knobs whose cost adds up \(e\.g\. node counts of different pools\)/);
    expect(mistake({ vary: ['fleet.clusters[2].nodePools[0].count=-2..3'] })).toMatch(/^.*small-fleet\.yaml:\d+:\d+: fleet\.clusters\[2\]\.nodePools\[0\]\.count: expected an integer >= 0, found -2 \(a number\) \(from --vary fleet\.clusters\[2\]\.nodePools\[0\]\.count=-2\)$/);
    expect(mistake({ failures: ['any-cluster,k=3'], vary: ['fleet.clusters[2].nodePools[0].count=1..2'] })).toBe('accepted');
  });
});
