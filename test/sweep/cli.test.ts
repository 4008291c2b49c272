import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as aq from 'arquero';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMemoryMiB } from '../../src/runner/footprint.js';
import { loadScenario } from '../../src/scenario/load.js';
import { fleetsim } from '../helpers/cli.js';
import { ensureSweepBuilt } from './built.js';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SMALL = join(FIX, 'small.yaml');
const SCHEDULERS = ['--scheduler', 'karmada', '--scheduler', join(FIX, 'first-cluster.mjs')];
const OUTPUTS = ['aggregate.json', 'aggregate.csv', 'runs.json', 'runs.csv'];

describe('fleetsim sweep and merge (built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-sweep-cli-'));
  beforeAll(() => ensureSweepBuilt());

  it('1 worker and 2 workers give byte-identical aggregates and tables; shards merged give them too', () => {
    const one = fleetsim(['sweep', SMALL, '--replications', '3', '--workers', '1', '--out', join(dir, 'w1'), ...SCHEDULERS]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/sweep of sweep-small: 12 runs \(2 points × 2 schedulers × 3 replications\): 12 ok, 0 failed, 0 missing/);
    const two = fleetsim(['sweep', SMALL, '--replications', '3', '--workers', '2', '--out', join(dir, 'w2'), ...SCHEDULERS]);
    expect(two.code, two.stderr).toBe(0);
    // The 2-worker sweep really ran on two worker threads (never the main thread).
    const threads = new Set(readFileSync(join(dir, 'w2', 'runs.jsonl'), 'utf8').trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { thread: number }).thread));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false);
    for (const f of OUTPUTS) expect(readFileSync(join(dir, 'w2', f), 'utf8'), f).toBe(readFileSync(join(dir, 'w1', f), 'utf8'));
    // The report too: with 2 workers its charts' static SVGs are rendered on the worker threads.
    expect(readFileSync(join(dir, 'w2', 'index.html'), 'utf8')).toBe(readFileSync(join(dir, 'w1', 'index.html'), 'utf8'));
    // Arrow IPC files for notebooks: they read back with the same rows and values.
    for (const t of ['runs', 'aggregate']) {
      const arrow = readFileSync(join(dir, 'w1', `${t}.arrow`));
      expect(arrow.subarray(0, 6).toString()).toBe('ARROW1');
      const back = aq.fromArrow(arrow).objects();
      const json = JSON.parse(readFileSync(join(dir, 'w1', `${t}.json`), 'utf8')) as Record<string, unknown>[];
      expect(back).toHaveLength(json.length);
      expect(back[3]).toEqual(json[3]);
    }

    // Two shards on "two machines", then merge: the same outputs as the single sweep.
    for (const i of [0, 1]) {
      const s = fleetsim(['sweep', SMALL, '--replications', '3', '--workers', '1', '--shard', `${i}/2`, '--out', join(dir, 'shards'), ...SCHEDULERS]);
      expect(s.code, s.stderr).toBe(0);
      expect(s.stdout).toContain(`runs-shard-${i}-of-2.jsonl`);
    }
    const m = fleetsim(['merge', join(dir, 'shards'), '--out', join(dir, 'merged')]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain('merged 2 files: 12 of 12 runs');
    for (const f of OUTPUTS) expect(readFileSync(join(dir, 'merged', f), 'utf8'), f).toBe(readFileSync(join(dir, 'w1', f), 'utf8'));

    // One shard alone: the merge says what is missing and exits 1, still writing what it has.
    const half = fleetsim(['merge', join(dir, 'shards', 'runs-shard-0-of-2.jsonl'), '--out', join(dir, 'half')]);
    expect(half.code).toBe(1);
    expect(half.stderr).toContain('6 of 12 runs are missing');
    // A shard twice is refused.
    const twice = fleetsim(['merge', join(dir, 'shards', 'runs-shard-0-of-2.jsonl'), join(dir, 'merged', 'runs.jsonl'), '--out', join(dir, 'x')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^fleetsim: merge: run [0-9a-f]{16} .* is in both /);

    // Resume with everything done runs nothing.
    const again = fleetsim(['sweep', SMALL, '--replications', '3', '--workers', '2', '--out', join(dir, 'w2'), '--resume', ...SCHEDULERS]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 runs now, 12 done before');
    for (const f of OUTPUTS) expect(readFileSync(join(dir, 'w2', f), 'utf8'), f).toBe(readFileSync(join(dir, 'w1', f), 'utf8'));
  });

  it('failed runs are recorded and reported, the others kept; exit 1', () => {
    const r = fleetsim(['sweep', SMALL, '--replications', '1', '--workers', '2', '--out', join(dir, 'boom'), '--scheduler', 'karmada', '--scheduler', join(FIX, 'boom.mjs')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('4 runs (2 points × 2 schedulers × 1 replications): 2 ok, 2 failed, 0 missing');
    expect(r.stderr).toMatch(/failed: Error: boom: scheduler exploded/);
    const runs = JSON.parse(readFileSync(join(dir, 'boom', 'runs.json'), 'utf8')) as { status: string; error: string | null }[];
    expect(runs.map((x) => x.status)).toEqual(['ok', 'failed', 'ok', 'failed']);
    expect(readFileSync(join(dir, 'boom', 'index.html'), 'utf8')).toContain('Failed runs (2)');
  });

  it("a user's mistake is one message and exit 2", () => {
    const bad = fleetsim(['sweep', SMALL, '--set', 'fleet.clusters[0].nodePools[0].count=2,many', '--out', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^fleetsim: .*small\.yaml:\d+:\d+: fleet\.clusters\[0\]\.nodePools\[0\]\.count: expected an integer >= 0, found "many" \(a string\) \(in sweep point .*count=many \(from --set\)\)\n$/);
    expect(fleetsim(['sweep', SMALL, '--shard', '2/2']).stderr).toContain('--shard: expected i/n with 0 <= i < n');
    expect(fleetsim(['sweep', SMALL, '--replications', '0']).code).toBe(2);
    expect(fleetsim(['sweep', SMALL, '--scheduler', 'nope', '--out', join(dir, 'nope')]).stderr).toMatch(/unknown scheduler 'nope'/);
  });

  it('--emit k8s-job prints an Indexed Job for n shards', () => {
    const r = fleetsim(['sweep', SMALL, '--emit', 'k8s-job', '--shards', '6', '--replications', '10', '--image', 'example.org/fleetsim:1']);
    expect(r.code, r.stderr).toBe(0);
    const job = parse(r.stdout) as { spec: { completionMode: string; completions: number; parallelism: number; template: { spec: { containers: { command: string[] }[] } } } };
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 6, parallelism: 6 });
    expect(job.spec.template.spec.containers[0].command.join(' ')).toContain('--shard $(JOB_COMPLETION_INDEX)/6 --out /results');
  });

  it("the emitted Job's command, run for each index here, merges to what the unsharded sweep writes; memory from the cost model", () => {
    const args = ['--replications', '3', '--workers', '2', ...SCHEDULERS];
    const r = fleetsim(['sweep', SMALL, '--emit', 'k8s-job', '--shards', '3', ...args]);
    expect(r.code, r.stderr).toBe(0);
    type Container = { command: string[]; resources: { requests: { memory: string }; limits: { memory: string } } };
    const job = parse(r.stdout) as { spec: { completions: number; template: { spec: { containers: Container[] } } } };
    const c = job.spec.template.spec.containers[0];
    // Two worker threads, each one run of the small scenario at a time: 2 x runMemoryMiB, in 64 MiB steps.
    const perRun = runMemoryMiB(loadScenario(SMALL));
    expect(c.resources.requests.memory).toBe(`${Math.ceil((2 * perRun) / 64) * 64}Mi`);
    expect(c.resources.limits.memory).toBe(`${Math.ceil((1.5 * 2 * perRun) / 64) * 64}Mi`);
    expect(r.stdout).toContain(`# Memory: 2 worker thread(s) x ~${Math.round(perRun)} MiB per run`);
    // What Kubernetes does for pod i: $(JOB_COMPLETION_INDEX) expanded, /results the claim's mount.
    expect(c.command.slice(0, 2)).toEqual(['npx', 'fleetsim']);
    const results = join(dir, 'job-results');
    for (let i = 0; i < job.spec.completions; i++) {
      const argv = c.command.slice(2).map((a) => a.replace('$(JOB_COMPLETION_INDEX)', String(i)).replace(/^\/results$/, results));
      const pod = fleetsim(argv);
      expect(pod.code, pod.stderr).toBe(0);
    }
    const merged = fleetsim(['merge', results, '--out', join(dir, 'job-merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    const whole = fleetsim(['sweep', SMALL, ...args, '--out', join(dir, 'job-whole')]);
    expect(whole.code, whole.stderr).toBe(0);
    for (const f of OUTPUTS) expect(readFileSync(join(dir, 'job-merged', f), 'utf8'), f).toBe(readFileSync(join(dir, 'job-whole', f), 'utf8'));
  });
});
