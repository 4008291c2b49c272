import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioVariants, parseScenario } from '../../src/scenario/load.js';
import { DEFAULT_RUN_LIMITS, estimateSize, RUNS_TOGETHER_FACTOR } from '../../src/scenario/size.js';
import { ROOT, SHARED } from '../helpers/cli.js';

/**
 * The size of a run, known before it starts: the estimate follows the real event counts of the
 * example scenarios, and a scenario over the limits is refused at the field that makes it big.
 */

const BASE = `name: t
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 2, cpu: 4, memory: 8Gi }] }
    - { name: b, region: r2, nodePools: [{ count: 2, cpu: 4, memory: 8Gi }] }
`;

function refusal(text: string): ScenarioError {
  try {
    parseScenario(text, 'big.yaml', process.cwd(), { limits: DEFAULT_RUN_LIMITS });
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('size estimate', () => {
  const examples = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml') && !f.includes('openb'));

  it.each(examples)('%s: the estimate is within 0.5x to 4x of the events a run really takes', async (f) => {
    const s = loadScenarioVariants(join(ROOT, 'scenarios', f), { allowRead: [join(SHARED, 'traces')] })[0];
    const e = estimateSize(s);
    const r = await runScenario(s);
    expect(e.events / r.events).toBeGreaterThan(0.5);
    expect(e.events / r.events).toBeLessThan(4);
    expect(e.cost).toBeLessThan(DEFAULT_RUN_LIMITS.maxEvents);
    expect(e.memoryBytes).toBeLessThan(DEFAULT_RUN_LIMITS.maxMemoryBytes);
  });

  it('three million nodes are refused at a node pool count (a billion is out of range already), naming the budget and its flag', () => {
    const pool = '{ count: 1000000, cpu: 4, memory: 8Gi }';
    const e = refusal(BASE.replace('[{ count: 2, cpu: 4, memory: 8Gi }] }\n    - { name: b', `[${pool}, ${pool}, ${pool}] }\n    - { name: b`));
    expect(e.path).toMatch(/^fleet\.clusters\[0\]\.nodePools\[\d\]\.count$/);
    expect(e.expected).toMatch(/of memory \(raise it with --max-memory\)$/);
    expect(e.found).toMatch(/^about [\d.]+ GiB, .* from 1000000 nodes of a$/);
  });

  it('a 100-year run sampled every millisecond is refused at metrics.interval', () => {
    const e = refusal(`${BASE}duration: 36500d\nmetrics: { interval: 1ms }\n`);
    expect(e.path).toBe('metrics.interval');
    expect(e.expected).toMatch(/^a run of at most 5,000,000 events \(raise it with --max-events\)$/);
  });

  it('a billion arrivals a second is refused at the arrival rate', () => {
    const e = refusal(`${BASE}workloads:\n  - kind: Job\n    name: j\n    duration: 1m\n    arrivals: { rate: { kind: constant, rate: 1000000000 }, until: 1h }\n`);
    expect(e.path).toBe('workloads[0].arrivals.rate');
  });

  it('stochastic faults that repeat every few milliseconds are refused at their mtbf', () => {
    const e = refusal(`${BASE}workloads: [{ kind: Deployment, name: w, replicas: 40 }]\nfaults: [{ kind: cluster-outage, cluster: a, mtbf: 1ms, mttr: 1ms }]\n`);
    expect(e.path).toBe('faults[0].mtbf');
  });

  it("run's runs together may take 10 x the event budget: more variants or replications are refused at variants: or replications:, a sweep's runs are each within it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-together-'));
    const file = join(dir, 's.yaml');
    const limits = { maxEvents: 20_000, maxMemoryBytes: DEFAULT_RUN_LIMITS.maxMemoryBytes };
    const one = estimateSize(parseScenario(BASE, 's.yaml')).cost;
    const fits = Math.floor((limits.maxEvents * RUNS_TOGETHER_FACTOR) / one);
    const load = (text: string, limitsPerRun = false) => {
      writeFileSync(file, text);
      return loadScenarioVariants(file, { limits, limitsPerRun });
    };
    const variants = (n: number) => `${BASE}variants:\n${Array.from({ length: n }, (_, i) => `  - { name: v${i} }\n`).join('')}`;
    expect(load(variants(fits))).toHaveLength(fits);
    const errorOf = (f: () => unknown): ScenarioError => {
      try {
        f();
      } catch (e) {
        if (e instanceof ScenarioError) return e;
        throw e;
      }
      throw new Error('expected a refusal');
    };
    const e = errorOf(() => load(variants(fits + 1)));
    expect(e.path).toBe('variants');
    expect(e.expected).toBe(`runs of at most 200,000 events in all (${RUNS_TOGETHER_FACTOR} × --max-events)`);
    expect(e.found).toMatch(/^\d+ runs \(\d+ variants × their schedulers × replications\), over [\d,]+ events' worth$/);
    expect(load(variants(fits + 1), true)).toHaveLength(fits + 1);
    expect(errorOf(() => load(`${BASE}replications: ${fits + 1}\n`)).path).toBe('replications');
    expect(load(`${BASE}replications: ${fits}\n`)).toHaveLength(1);
  });

  it('pods times the nodes each visits is scheduling work, counted against the event budget', () => {
    const big = BASE.replace(/count: 2,/g, 'count: 100000,');
    const e = refusal(`${big}policies: [{ name: p, resourceSelectors: [{ kind: Deployment }], placement: { replicaScheduling: { replicaSchedulingType: Divided } } }]\nworkloads: [{ kind: Deployment, name: w, replicas: 1000000 }]\n`);
    expect(e.path).toBe('workloads[0].replicas');
    expect(e.found).toMatch(/and scheduling work worth .* more \(each pod visits up to 5,000 nodes\)/);
  });
});
