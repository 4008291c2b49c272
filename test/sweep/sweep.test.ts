import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { aggregate, ciHalfWidth, runsTable, sweepData } from '../../src/runner/sweep-aggregate.js';
import { k8sJobManifest } from '../../src/runner/sweep-k8s.js';
import { inShard, parseShard, replicationSeeds } from '../../src/runner/sweep-keys.js';
import { parseSweepPath, planSweep } from '../../src/runner/sweep-plan.js';
import { mergeResults, readResultsFile } from '../../src/runner/sweep-results.js';
import { runScenario } from '../../src/runner/run.js';
import { executeSweep } from '../../src/runner/sweep.js';
import { studentTQuantile } from '../../src/runner/student-t.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SMALL = join(FIX, 'small.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'fleetsim-sweep-'));

/** The small scenario with its sweep block replaced (or removed). */
function variant(sweepBlock: string): string {
  const dir = tmp();
  const text = readFileSync(SMALL, 'utf8').replace(/^sweep:\n(  .*\n)+/m, sweepBlock);
  const file = join(dir, 's.yaml');
  writeFileSync(file, text);
  return file;
}

function errorOf(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('sweep plan', () => {
  it('expands the sweep block × schedulers × replications, with stable ids and derived seeds', () => {
    const plan = planSweep(SMALL, { replications: 3, schedulers: ['karmada', join(FIX, 'first-cluster.mjs')] });
    expect(plan.points.map((p) => p.label)).toEqual(['count=1', 'count=3']);
    expect(plan.points.map((p) => p.scenario.fleet.clusters[1].nodePools[0].count)).toEqual([1, 3]);
    expect(plan.runs).toHaveLength(2 * 2 * 3);
    expect(new Set(plan.runs.map((r) => r.id)).size).toBe(12);
    // Replication 0 is the scenario seed; the others are derived, identical across points and schedulers.
    expect(plan.runs.filter((r) => r.replication === 0).every((r) => r.seed === 11)).toBe(true);
    expect(plan.runs.filter((r) => r.replication === 2).map((r) => r.seed)).toEqual(Array(4).fill(replicationSeeds(11, 3)[2]));
    // Ids depend on values, not positions: adding a value keeps the others' ids.
    const wider = planSweep(SMALL, { replications: 3, schedulers: ['karmada', join(FIX, 'first-cluster.mjs')], set: ['fleet.clusters[name=west].nodePools[0].count=1,2,3'] });
    expect(wider.points.map((p) => p.label)).toEqual(['count=1', 'count=2', 'count=3']);
    const ids = new Set(wider.runs.map((r) => r.id));
    expect(plan.runs.every((r) => ids.has(r.id))).toBe(true);
    expect(wider.scenarioHash).toBe(plan.scenarioHash);
    expect(wider.planHash).not.toBe(plan.planHash);
  });

  it('replication seeds are distinct, deterministic, and start at the scenario seed', () => {
    const s = replicationSeeds(42, 50);
    expect(s[0]).toBe(42);
    expect(new Set(s).size).toBe(50);
    expect(replicationSeeds(42, 50)).toEqual(s);
    expect(replicationSeeds(43, 5)[1]).not.toBe(s[1]);
  });

  it('parses paths with indexes, selectors and quoted keys', () => {
    expect(parseSweepPath('fleet.clusters[1].nodePools[name=a100].count')).toEqual([{ key: 'fleet' }, { key: 'clusters' }, { index: 1 }, { key: 'nodePools' }, { field: 'name', value: 'a100' }, { key: 'count' }]);
    expect(parseSweepPath('fleet.clusters[0].labels["kurator.dev/role"]')).toEqual([{ key: 'fleet' }, { key: 'clusters' }, { index: 0 }, { key: 'labels' }, { key: 'kurator.dev/role' }]);
    expect(() => parseSweepPath('a..b')).toThrow(/expected a key/);
    expect(() => parseSweepPath('a[1')).toThrow(/unclosed/);
  });

  it('a bad value in the sweep block is reported at its own position, with the field path and the point', () => {
    const file = variant('sweep:\n  fleet.clusters[1].nodePools[0].count: [2, "three"]\n');
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('"three"')) + 1;
    const col = lines[line - 1].indexOf('"three"') + 1;
    const e = errorOf(() => planSweep(file));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`s.yaml:${line}:${col}: fleet.clusters[1].nodePools[0].count: expected an integer >= 0 and <= 1000000, found "three" (a string)`);
    expect(e.message).toContain('(in sweep point fleet.clusters[1].nodePools[0].count=three)');
  });

  it('a path that is not in the scenario is reported at its key', () => {
    const file = variant('sweep:\n  fleet.clusters[7].nodePools[0].count: [2]\n');
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('clusters[7]')) + 1;
    const e = errorOf(() => planSweep(file));
    expect(e.message).toMatch(new RegExp(`s\\.yaml:${line}:3: sweep\\["fleet\\.clusters\\[7\\]\\.nodePools\\[0\\]\\.count"\\]: expected a path to a field of this scenario \\(fleet\\.clusters has 2 elements, so no \\[7\\]\\)`));
    const sel = errorOf(() => planSweep(variant('sweep:\n  workloads[name=nope].replicas: [2]\n')));
    expect(sel.message).toContain('workloads has no elements with name=nope');
    expect(errorOf(() => planSweep(variant('sweep:\n  schedulers[0]: [x]\n'))).message).toContain('a path outside sweep, schedulers and variants');
    expect(errorOf(() => planSweep(variant('sweep:\n  seed: []\n'))).message).toMatch(/sweep\.seed: expected/);
  });

  it('--set adds or replaces an axis; its mistakes name the argument', () => {
    const plan = planSweep(SMALL, { set: ['workloads[0].replicas=2,4', 'fleet.clusters[name=west].nodePools[0].count=5'] });
    expect(plan.axes.map((a) => [a.path, a.values])).toEqual([
      ['fleet.clusters[name=west].nodePools[0].count', [5]],
      ['workloads[0].replicas', [2, 4]],
    ]);
    expect(plan.points.map((p) => p.label)).toEqual(['replicas=2', 'replicas=4']);
    expect(errorOf(() => planSweep(SMALL, { set: ['workloads[0].replicas'] })).message).toMatch(/^--set workloads\[0\]\.replicas: expected path=value/);
    expect(errorOf(() => planSweep(SMALL, { set: ['workloads[5].replicas=1'] })).message).toContain('workloads has 2 elements, so no [5]');
    const bad = errorOf(() => planSweep(SMALL, { set: ['workloads[0].replicas=3,lots'] }));
    const line = readFileSync(SMALL, 'utf8').split('\n').findIndex((l) => l.includes('replicas: 6')) + 1;
    expect(bad.message).toContain(`small.yaml:${line}:15: workloads[0].replicas: expected an integer >= 0, found "lots" (a string)`);
    expect(bad.message).toContain('workloads[0].replicas=lots (from --set)');
    // Structured values are YAML; the sweep block's axis (first) varies slowest.
    const dist = planSweep(SMALL, { set: ['workloads[1].duration={kind: exponential, mean: 60},2m'] });
    const exp = { kind: 'exponential', mean: 60 };
    const two = { kind: 'constant', value: 120 };
    expect(dist.points.map((p) => (p.scenario.workloads.find((w) => w.name === 'batch') as { duration: unknown }).duration)).toEqual([exp, two, exp, two]);
    expect(dist.points.map((p) => p.label)).toEqual(['count=1, duration={"kind":"exponential","mean":60}', 'count=1, duration=2m', 'count=3, duration={"kind":"exponential","mean":60}', 'count=3, duration=2m']);
  });

  it("a scenario's variants are one more axis, first; a variant's set: wins over a sweep value", () => {
    const file = variant('sweep:\n  fleet.clusters[name=west].nodePools[0].count: [1, 3]\n  workloads[0].replicas: [4]\nvariants:\n  - name: a\n  - name: b\n    set: { "workloads[0].replicas": 2 }\n');
    const plan = planSweep(file);
    expect(plan.axes.map((a) => a.path)).toEqual(['variant', 'fleet.clusters[name=west].nodePools[0].count', 'workloads[0].replicas']);
    expect(plan.points.map((p) => p.label)).toEqual(['variant=a, count=1', 'variant=a, count=3', 'variant=b, count=1', 'variant=b, count=3']);
    expect(plan.points.map((p) => [p.scenario.variant, p.scenario.fleet.clusters[1].nodePools[0].count, (p.scenario.workloads[0] as { replicas: number }).replicas])).toEqual([
      ['a', 1, 4],
      ['a', 3, 4],
      ['b', 1, 2],
      ['b', 3, 2],
    ]);
  });

  it('shards: i/n parsing and round-robin selection that partitions the runs', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['5/5', '1', '-1/3', 'a/b', '0/0']) expect(parseShard(bad)).toBeNull();
    const runs = Array.from({ length: 23 }, (_, index) => ({ index }));
    const owners = runs.map((r) => [0, 1, 2, 3].filter((i) => inShard(r, { index: i, count: 4 })));
    expect(owners.every((o) => o.length === 1)).toBe(true);
  });
});

describe('aggregation', () => {
  it('mean, Student-t 95 % CI, quantiles, in canonical order', () => {
    const file = variant('');
    const plan = planSweep(file, { replications: 4 });
    const values = [3, 5, 4, 10];
    const records = new Map(
      plan.runs.map((r, i) => [
        r.id,
        {
          type: 'run' as const, id: r.id, index: r.index, point: r.point, values: [], scheduler: r.scheduler, replication: r.replication, seed: r.seed, status: 'ok' as const,
          metrics: [{ metric: 'pods.pending', scope: 'fleet', value: values[i] }, { metric: 'timeToAllReady.mean', scope: 'fleet', value: null }],
        },
      ]),
    );
    const header = { type: 'header' as const, format: 'fleetsim-sweep/v2' as const, fleetsim: 'x', scenario: 's', description: '', scenarioFile: file, scenarioHash: plan.scenarioHash, scenarioText: '', planHash: plan.planHash, axes: [], schedulers: ['karmada'], replications: 4, runs: 4, shard: null };
    const agg = aggregate(sweepData(header, records));
    expect(agg).toHaveLength(1); // nulls are left out; a metric with no value has no row
    const a = agg[0];
    const mean = 5.5;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 3);
    expect(a).toMatchObject({ metric: 'pods.pending', scope: 'fleet', n: 4, mean, min: 3, max: 10, p50: 4.5 });
    expect(a.sd).toBeCloseTo(sd, 12);
    expect(a.ciHalfWidth).toBeCloseTo((3.182446305 * sd) / 2, 7);
    expect(a.ciLow).toBeCloseTo(mean - a.ciHalfWidth!, 12);
    // p95 by linear interpolation between order statistics (3,4,5,10): 5 + 0.85 * (10 - 5)
    expect(a.p95).toBeCloseTo(9.25, 12);
    expect(ciHalfWidth(1, 0)).toBeNull();
    expect(ciHalfWidth(2, 1)).toBeCloseTo(studentTQuantile(0.975, 1) / Math.SQRT2, 12);
  });
});

/** What executeSweep returns is what a read-back of its results file gives: same header, same records in the same order. */
function expectSameAsFile(res: { file: string; header: unknown; records: Map<string, unknown> }): void {
  const back = readResultsFile(res.file);
  expect(JSON.stringify(res.header)).toBe(JSON.stringify(back.header));
  expect([...res.records.keys()]).toEqual([...back.records.keys()]);
  expect(JSON.stringify([...res.records.values()])).toBe(JSON.stringify([...back.records.values()]));
}

describe('sweep execution (in-process)', () => {
  it('runs every run, appends records, aggregates; the union of shards equals the unsharded sweep', async () => {
    const plan = planSweep(SMALL, { replications: 3, schedulers: ['karmada', join(FIX, 'first-cluster.mjs')] });
    const whole = tmp();
    const res = await executeSweep(plan, { outDir: whole, workers: 1 });
    expect(res.ran).toBe(12);
    expect([...res.records.values()].every((r) => r.status === 'ok')).toBe(true);
    expectSameAsFile(res);
    // Replication 0 of a point is exactly `fleetsim run` of that point's scenario.
    const r0 = plan.runs.find((r) => r.point === 1 && r.scheduler === 'karmada' && r.replication === 0)!;
    expect(JSON.stringify(res.records.get(r0.id)!.result)).toBe(JSON.stringify(await runScenario(plan.points[1].scenario, { scheduler: 'karmada' })));
    const dataWhole = sweepData(res.header, res.records);
    const aggWhole = aggregate(dataWhole);
    expect(aggWhole.length).toBeGreaterThan(20);
    // Replications differ (random Job arrivals and run times), so the CI is not degenerate somewhere.
    expect(aggWhole.some((r) => r.ciHalfWidth !== null && r.ciHalfWidth > 0)).toBe(true);

    const shardDir = tmp();
    const parts = [];
    for (let i = 0; i < 3; i++) {
      const r = await executeSweep(plan, { outDir: shardDir, workers: 1, shard: { index: i, count: 3 } });
      expect(r.ran).toBe(4);
      expectSameAsFile(r);
      parts.push(readResultsFile(r.file));
    }
    const merged = mergeResults(parts);
    expect(merged.missing).toBe(0);
    const dataMerged = sweepData(merged.header, merged.records);
    expect(JSON.stringify(aggregate(dataMerged))).toBe(JSON.stringify(aggWhole));
    const strip = (rows: object[]) => JSON.stringify(rows);
    expect(strip(runsTable(dataMerged))).toBe(strip(runsTable(dataWhole)));

    // Merging a shard twice, or with another scenario's results, is refused with a clear message.
    expect(() => mergeResults([parts[0], parts[1], parts[0]])).toThrow(/is in both .*runs-shard-0-of-3\.jsonl and .*runs-shard-0-of-3\.jsonl/);
    const other = planSweep(variant('sweep:\n  workloads[0].replicas: [2]\n'), { replications: 1 });
    const otherRes = await executeSweep(other, { outDir: tmp(), workers: 1 });
    expect(() => mergeResults([parts[0], readResultsFile(otherRes.file)])).toThrow(/different sweeps of sweep-small: their sweep axes, schedulers, replications \(1 vs 3\) differ/);
    const changed = variant('sweep:\n  fleet.clusters[name=west].nodePools[0].count: [1, 3]\n').replace(/s\.yaml$/, 's2.yaml');
    writeFileSync(changed, readFileSync(SMALL, 'utf8').replace('seed: 11', 'seed: 12'));
    const changedRes = await executeSweep(planSweep(changed, { replications: 3, schedulers: ['karmada', join(FIX, 'first-cluster.mjs')] }), { outDir: tmp(), workers: 1, shard: { index: 0, count: 3 } });
    expect(() => mergeResults([parts[1], readResultsFile(changedRes.file)])).toThrow(/is of a different scenario/);
  });

  it('a run that throws is recorded as failed and the others go on; --resume re-runs only what is not ok', async () => {
    const plan = planSweep(SMALL, { replications: 2, schedulers: ['karmada', join(FIX, 'boom.mjs')] });
    const dir = tmp();
    const progress: number[] = [];
    const res = await executeSweep(plan, { outDir: dir, workers: 1, onProgress: (p) => progress.push(p.done) });
    const recs = [...res.records.values()];
    expect(recs.filter((r) => r.status === 'ok')).toHaveLength(4);
    const failed = recs.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(4);
    expect(failed.every((r) => r.scheduler.endsWith('boom.mjs') && /boom: scheduler exploded/.test(r.error!))).toBe(true);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expectSameAsFile(res);

    // A killed sweep leaves a partial last line: resume cuts it and skips the runs that are done.
    appendFileSync(res.file, '{"type":"run","id":"trunc');
    const again = await executeSweep(plan, { outDir: dir, workers: 1, resume: true });
    expect(again.skipped).toBe(4);
    expect(again.ran).toBe(4); // the failed ones, again
    expect(again.records.size).toBe(8);
    expectSameAsFile(again);
    const lines = readFileSync(res.file, 'utf8').trimEnd().split('\n');
    expect(lines.every((l) => JSON.parse(l))).toBeTruthy();
    expect(lines.filter((l) => l.startsWith('{"type":"header"'))).toHaveLength(1); // same plan: no second header

    // Resume with one more replication runs only the new ones (plus the failed), and notes the new plan.
    const more = planSweep(SMALL, { replications: 3, schedulers: ['karmada', join(FIX, 'boom.mjs')] });
    const third = await executeSweep(more, { outDir: dir, workers: 1, resume: true });
    expect(third.skipped).toBe(4);
    expect(third.ran).toBe(8);
    expect(readFileSync(res.file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"header"'))).toHaveLength(2);
    expect(readResultsFile(res.file).records.size).toBe(12);
    expectSameAsFile(third);
    // Resume with fewer replications: the file's extra runs stay in it, but are not this plan's.
    const fewer = await executeSweep(planSweep(SMALL, { replications: 1, schedulers: ['karmada', join(FIX, 'boom.mjs')] }), { outDir: dir, workers: 1, resume: true });
    expect(fewer.ran).toBe(2); // replication 0 of the boom runs, failed again
    expect(fewer.records.size).toBe(4);
    expectSameAsFile(fewer);
  });
});

describe('k8s Indexed Job', () => {
  it('has completionMode Indexed, completions = parallelism = shards, and passes the index as --shard', () => {
    const y = k8sJobManifest({ scenario: 'kurator-fleet', scenarioPath: 'scenarios/kurator-fleet.yaml', shards: 8, replications: 16, workers: 2, set: ['workloads[0].replicas=10,20'], schedulers: [], image: 'registry.example/fleetsim:0.1.0', pvc: 'results' });
    const job = parse(y) as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> & { template: { spec: { containers: { command: string[]; image: string; volumeMounts: { mountPath: string }[] }[]; restartPolicy: string; volumes: { persistentVolumeClaim: { claimName: string } }[] } } } };
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 8, parallelism: 8 });
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['npx', 'fleetsim', 'sweep', 'scenarios/kurator-fleet.yaml', '--replications', '16', '--workers', '2', '--set', 'workloads[0].replicas=10,20', '--shard', '$(JOB_COMPLETION_INDEX)/8', '--out', '/results', '--resume']);
    expect(c.image).toBe('registry.example/fleetsim:0.1.0');
    expect(c.volumeMounts[0].mountPath).toBe('/results');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe('results');
  });
});
