import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltFiles } from '../helpers/built.js';
import { CLI, fleetsim, ROOT } from '../helpers/cli.js';
import { documentedPlan } from '../../bench/plan-vs-grid.js';
import { preparePlan } from '../../src/plan/definition.js';
import { runMemoryMiB } from '../../src/runner/footprint.js';
import type { PlanResult } from '../../src/plan/plan.js';

const SMALL = fileURLToPath(new URL('./fixtures/small-fleet.yaml', import.meta.url));

/** The question of the fixture: how many nodes must each serving cluster keep, through any one cluster down at the busy hour? */
const PLAN = [
  '--vary', 'fleet.clusters[name=serving-sh].nodePools[name=t4].count=1..4',
  '--vary', 'fleet.clusters[name=serving-gz].nodePools[name=t4].count=1..4',
  '--constraint', 'slo(llm-inference).violationMinutes<=30',
  '--constraint', 'pods.pending<=0',
  '--failures', 'any-cluster',
];

const tmp = () => mkdtempSync(join(tmpdir(), 'fleetsim-plan-'));
const planOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanResult;

function fleetsimAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('fleetsim plan', () => {
  beforeAll(() => ensureBuiltFiles(['dist/src/cli/main.js', 'dist/src/cli/commands/plan.js', 'dist/src/runner/sweep-task.js', 'dist/src/report/plan-report.js']));

  let search: PlanResult;
  let searchDir: string;
  it('finds the same fleet as the brute-force grid, in fewer runs', () => {
    searchDir = tmp();
    const s = fleetsim(['plan', SMALL, ...PLAN, '--out', searchDir, '--workers', '2']);
    expect(s.code, s.stderr).toBe(0);
    const gridDir = tmp();
    const g = fleetsim(['plan', SMALL, ...PLAN, '--out', gridDir, '--workers', '2', '--grid']);
    expect(g.code, g.stderr).toBe(0);
    search = planOf(searchDir);
    const grid = planOf(gridDir);

    expect(search.recommended!.values).toEqual([3, 2]);
    expect(grid.recommended!.values).toEqual(search.recommended!.values);
    expect(grid.objective.recommended).toBe(search.objective.recommended);
    expect(grid.search.candidates).toBe(16);
    // Every point × case × replication, and the run of today's fleet (6, 6: outside the ranges) for the busy hour.
    expect(grid.search.runs).toBe(16 * 4 * 2 + 1);
    expect(search.search.runs).toBeLessThan(grid.search.runs / 2);
    expect(search.search.proved).toBe(true);
    expect(grid.search.contradictions).toEqual([]);
    // Each candidate the search judged got the grid's verdict.
    for (const c of search.candidates) expect(grid.candidates.find((x) => x.values.join() === c.values.join())!.pass).toBe(c.pass);

    expect(s.stdout).toMatch(/serving-sh\/t4 +6 +3 +1\.\.4 +at 2: slo\(llm-inference\)\.violationMinutes<=30 in serving-gz down: /);
    expect(s.stdout).toMatch(/cost: 69\.49\/h today → 38\.85\/h recommended \(−30\.64\/h, −44\.1 %\)/);
    expect(s.stdout).toMatch(/search: \d+ candidates, \d+ runs \(a grid: 16 points × 4 cases × 2 replications = at least 128 runs\); every cheaper point settled/);
    expect(g.stdout).toMatch(/grid: 16 candidates, 129 runs/);
  });

  it('checks the question of the plan documented in scenarios/kurator-fleet.yaml, which is valid there', () => {
    const args = documentedPlan(readFileSync(join(ROOT, 'scenarios/kurator-fleet.yaml'), 'utf8'));
    expect(args[0]).toBe('scenarios/kurator-fleet.yaml');
    const flag = (name: string, from: readonly string[]) => from.flatMap((a, i) => (from[i - 1] === name ? [a] : []));
    // The same knobs (paths), constraints and failure set as the plan above; the ranges are the full fleet's.
    const paths = (from: readonly string[]) => flag('--vary', from).map((v) => v.slice(0, v.lastIndexOf('=')));
    expect(paths(args)).toEqual(paths(PLAN));
    expect(flag('--constraint', args)).toEqual(flag('--constraint', PLAN));
    expect(flag('--failures', args)).toEqual(flag('--failures', PLAN));
    const def = preparePlan(join(ROOT, args[0]), { vary: flag('--vary', args), constraints: flag('--constraint', args), failures: flag('--failures', args) });
    expect(def.knobs.map((k) => [k.label, k.today, k.values.length])).toEqual([['serving-sh/t4', 12, 7], ['serving-gz/t4', 12, 7]]);
    // Said, not silently: the scenario compares schedulers over 3 replications; a plan is for one scheduler and sequential replications.
    expect(def.notes).toEqual([
      'the plan is for scheduler karmada, the first of karmada, dynamic-weight, federated-gang, cost-spot (--scheduler picks another)',
      "the scenario's replications: 3 is not used: each candidate starts at --replications 2 per failure case, and more only where a constraint is undecided",
    ]);
    // Nothing silently: the manifest fleetsim does not model is named, as validate and run name it.
    expect(def.inputs?.skipped.map((m) => `${m.kind} ${m.name}`)).toEqual(['v1/Service recommender']);
  });

  it('says what binds each knob, and finds the outages at the busy hour of today\'s fleet', () => {
    const [sh, gz] = search.knobs;
    expect(sh).toMatchObject({ label: 'serving-sh/t4', today: 6, recommended: 3, binding: { kind: 'constraint', lower: 2 } });
    expect(gz).toMatchObject({ label: 'serving-gz/t4', today: 6, recommended: 2, binding: { kind: 'constraint', lower: 1 } });
    const bind = (k: typeof sh) => (k.binding as { failures: { case: string; constraint: string }[] }).failures[0];
    expect(bind(sh)).toMatchObject({ case: 'serving-gz down', constraint: 'slo(llm-inference).violationMinutes<=30' });
    expect(bind(gz)).toMatchObject({ case: 'serving-sh down' });
    // Users peak at 1h20m over a 2 h period: the busiest hour is 50m..1h50m.
    expect(search.failures.busyHour).toMatchObject({ start: 3000, end: 6600, measure: 'offered requests' });
    expect(search.failures.cases.map((c) => c.label)).toEqual(['scenario', 'training-bj down', 'serving-sh down', 'serving-gz down']);
    expect(search.failures.cases[2].faults).toEqual([{ kind: 'cluster-outage', cluster: 'serving-sh', at: 3000, duration: 3600, mode: 'down' }]);
    // Every case of the recommended fleet passes every constraint.
    expect(search.recommended!.cases.flatMap((c) => c.checks.map((k) => k.verdict))).toEqual(Array(8).fill('pass'));
    expect(existsSync(join(searchDir, 'index.html'))).toBe(true);
  });

  it('gives byte-identical results whatever the worker count, and --resume reuses every run', () => {
    const one = tmp();
    const r1 = fleetsim(['plan', SMALL, ...PLAN, '--out', one, '--workers', '1']);
    expect(r1.code, r1.stderr).toBe(0);
    expect(readFileSync(join(one, 'plan.json'), 'utf8')).toBe(readFileSync(join(searchDir, 'plan.json'), 'utf8'));
    expect(readFileSync(join(one, 'index.html'), 'utf8')).toBe(readFileSync(join(searchDir, 'index.html'), 'utf8'));

    const again = fleetsim(['plan', SMALL, ...PLAN, '--out', one, '--workers', '1', '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/(\d+) runs used, 0 run now, \1 reused/);
    expect(readFileSync(join(one, 'plan.json'), 'utf8')).toBe(readFileSync(join(searchDir, 'plan.json'), 'utf8'));

    // Another constraint over the same runs: the runs done are reused, only new ones run.
    const looser = fleetsim(['plan', SMALL, ...PLAN.slice(0, 4), '--constraint', 'slo(llm-inference).violationMinutes<=45', '--failures', 'any-cluster', '--out', one, '--resume']);
    expect(looser.code, looser.stderr).toBe(0);
    const executed = Number(/(\d+) run now/.exec(looser.stdout)![1]);
    const used = Number(/(\d+) runs used/.exec(looser.stdout)![1]);
    expect(executed).toBeLessThan(used);
  });

  it('runs as shards over a shared folder: every shard reaches the same answer, shard 0 writes it', async () => {
    const dir = tmp();
    const [a, b] = await Promise.all([0, 1].map((i) => fleetsimAsync(['plan', SMALL, ...PLAN, '--out', dir, '--workers', '1', '--shard', `${i}/2`])));
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe(readFileSync(join(searchDir, 'plan.json'), 'utf8'));
    expect(b.stdout).toMatch(/serving-sh\/t4 +6 +3/);
    expect(b.stdout).toMatch(/shard 0 writes plan\.json and index\.html/);
    const ran = (out: string) => Number(/(\d+) run now by shard/.exec(out)![1]);
    expect(ran(a.stdout)).toBeGreaterThan(0);
    expect(ran(b.stdout)).toBeGreaterThan(0);
    expect(ran(a.stdout) + ran(b.stdout)).toBe(search.search.runs);
  });

  it('emits a Kubernetes Indexed Job whose pods run the plan as shards', () => {
    const r = fleetsim(['plan', 'test/plan/fixtures/small-fleet.yaml', ...PLAN, '--emit', 'k8s-job', '--shards', '3', '--image', 'registry.example/fleetsim:1']);
    expect(r.code, r.stderr).toBe(0);
    const job = parse(r.stdout.replace(/^#.*\n/gm, '')) as { metadata: { name: string }; spec: { completions: number; template: { spec: { containers: { command: string[] }[] } } } };
    expect(job.metadata.name).toBe('fleetsim-plan-small-fleet');
    expect(job.spec.completions).toBe(3);
    const cmd = job.spec.template.spec.containers[0].command;
    expect(cmd.slice(0, 4)).toEqual(['npx', 'fleetsim', 'plan', 'test/plan/fixtures/small-fleet.yaml']);
    expect(cmd.join(' ')).toContain('--constraint slo(llm-inference).violationMinutes<=30');
    expect(cmd.slice(-7)).toEqual(['--workers', '2', '--shard', '$(JOB_COMPLETION_INDEX)/3', '--out', '/results', '--resume']);
    expect(cmd).not.toContain('--emit');

    // Pods are sized for the largest fleet a run may have: the top of the ranges, not today's fleet.
    const big = ['--vary', 'fleet.clusters[name=serving-sh].nodePools[name=t4].count=1..200001:50000', '--constraint', 'pods.pending<=0'];
    const b = fleetsim(['plan', SMALL, ...big, '--emit', 'k8s-job', '--shards', '2']);
    expect(b.code, b.stderr).toBe(0);
    const def = preparePlan(SMALL, { vary: [big[1]], constraints: [big[3]], failures: [] });
    const perRun = runMemoryMiB(def.build([200001], [], 'the top'));
    expect(perRun).toBeGreaterThan(runMemoryMiB(def.scenario) + 64);
    const resources = (parse(b.stdout) as { spec: { template: { spec: { containers: { resources: { requests: { memory: string } } }[] } } } }).spec.template.spec.containers[0].resources;
    expect(resources.requests.memory).toBe(`${Math.ceil((2 * perRun) / 64) * 64}Mi`);
  });

  it('exits 1 and says so when no fleet in the ranges passes', () => {
    const dir = tmp();
    const r = fleetsim(['plan', SMALL, '--vary', 'fleet.clusters[name=serving-sh].nodePools[name=t4].count=0..1', '--vary', 'fleet.clusters[name=serving-gz].nodePools[0].count=0..1', '--constraint', 'pods.pending<=0', '--failures', 'any-cluster', '--out', dir, '--failure-at', '30m', '--failure-duration', '2h']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/no fleet in the ranges passes: even serving-sh\/t4=1, serving-gz\/t4=1 fails: pods\.pending<=0 in /);
    expect(r.stdout).toMatch(/outages at 30m 00s for 2h 00m\)/);
    const p = planOf(dir);
    expect(p.recommended).toBeNull();
    expect(p.failures.busyHour).toBeNull();
    expect(p.search.candidates).toBe(1);
  });

  it('reports a mistake in one line, exit 2, before any run', () => {
    const dir = tmp();
    const bad = (extra: string[], pattern: RegExp) => {
      const r = fleetsim(['plan', SMALL, ...PLAN, ...extra, '--out', dir]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    };
    bad(['--constraint', 'slo(llm-inference).violationMinuts<=5'], /^fleetsim: --constraint slo\(llm-inference\)\.violationMinuts<=5: expected slo\(<service>\)\.violationMinutes or .*found "slo\(llm-inference\)\.violationMinuts"\n$/);
    bad(['--constraint', 'pods.pendng<=0'], /^fleetsim: --constraint pods\.pendng<=0: expected a metric of the sweep .*found "pods\.pendng"\n$/);
    // A value the scenario refuses: at the field it replaces, naming the knobs' values.
    bad(['--vary', 'workloads[0].replicas=-3..2'], /^fleetsim: .*small-fleet\.yaml:\d+:\d+: workloads\[0\]\.replicas: expected an integer >= 0, found -3 \(a number\) \(from --vary .*, --vary workloads\[0\]\.replicas=-3\)\n$/);
    expect(existsSync(join(dir, 'runs.jsonl'))).toBe(false);
  });

  it('a scenario file that is not there, or not valid, is the scenario\'s usual error', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), readFileSync(SMALL, 'utf8').replace('count: 6, cpu: 32', 'count: six, cpu: 32'));
    const r = fleetsim(['plan', join(dir, 'bad.yaml'), ...PLAN]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fleetsim: .*bad\.yaml:\d+:\d+: fleet\.clusters\[2\]\.nodePools\[0\]\.count: expected an integer >= 0, found "six" \(a string\)\n$/);
  });
});
