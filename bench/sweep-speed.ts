/**
 * Sweep speed-up (issue 9): `fleetsim sweep` with 2 worker threads against 1, on an 8-replication
 * sweep (see bench/README.md for the scenarios and why).
 *
 *   node dist/bench/sweep-speed.js [--scenario=week|scale] [--replications=8] [--rounds=3] [--ceiling] [--json]
 *        week:  [--clusters=12] [--nodes=1000] [--jobs=300] [--waves=60] [--days=7]
 *        scale: [--clusters=20] [--nodes=500] [--pods=100000] [--hours=24]
 *
 * `week` (default): a GPU batch fleet for a week, `batchWeekDocument` below. `scale`: the scale
 * benchmark's fleet and workload (scale-scenario.ts) at a middle size.
 *
 * Writes the scenario (seeded) to a temporary folder, then runs the real CLI
 * (`node dist/src/cli/main.js sweep <file> --replications R --workers W --out <dir>`) as a child
 * process, `--rounds` times for each worker count, alternating which goes first. Timed: the whole
 * command as a user waits for it (process start, plan, runs, results file, tables and HTML report),
 * and the runs alone (the command's own "(N s wall)" figure). Reported: medians, `speedup` (median
 * wall of 1 worker / median wall of 2), `speedup_paired` (median of the per-round quotients), and
 * the same for the runs alone, and the cores each sweep kept busy (its CPU seconds, worker threads
 * included, over its wall seconds; Linux): with other work on the machine, 2 workers cannot get 2
 * cores, and this says how many they got. Checks that both worker counts wrote byte-identical
 * results tables.
 *
 * `--ceiling`: each round also times the same runs on bare worker threads (thread-ceiling.ts: no
 * CLI, no results, no report), 1 thread and 2, so the sweep's speed-up can be read against what
 * two simulation threads get from the machine in the same minutes (`ceiling_speedup`,
 * `speedup_of_ceiling`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import { DEFAULT_SCALE, scaleDocument, type ScaleParams } from './scale-scenario.js';
import type { CeilingResult } from './thread-ceiling.js';

export interface WeekParams {
  clusters: number;
  /** Nodes per cluster (128 cores, 1 TiB, 8 GPUs). */
  nodes: number;
  jobs: number;
  /** Completions = waves x parallelism. */
  waves: number;
  days: number;
  seed: number;
}

/**
 * A GPU batch fleet for a week: `jobs` training Jobs (1, 2, 4 or 8 GPUs per pod, parallelism 8,
 * 16, 32 or 64, `waves` x parallelism completions, pods running an exponential 30 min) created
 * uniformly over the first 70 % of the run and placed Divided/Aggregated by Karmada, beside 20
 * inference Deployments of 40 one-GPU replicas (dynamic weights). Few workloads, many pods: long
 * runs (some 500,000 pods and 4 M events at the default size) whose results are small.
 */
export function batchWeekDocument(p: WeekParams): Record<string, unknown> {
  const rng = seedrandom(`fleetsim-week/${p.seed}`);
  const duration = p.days * 86400;
  const clusters = [];
  for (let c = 0; c < p.clusters; c++) {
    clusters.push({
      name: `c${String(c).padStart(2, '0')}`,
      region: `region-${c % 4}`,
      nodeScoring: c % 2 ? 'MostAllocated' : 'LeastAllocated',
      nodePools: [{ name: 'h100', count: p.nodes, cpu: 128, memory: '1024Gi', maxPods: 110, gpus: { count: 8, model: 'H100' } }],
    });
  }
  const workloads: Record<string, unknown>[] = [];
  for (let d = 0; d < 20; d++) {
    workloads.push({ kind: 'Deployment', name: `infer-${d}`, replicas: 40, at: Math.round(rng() * 3600), image: `registry.example.com/serving/m${d % 4}:1`, resources: { cpu: 8, memory: '64Gi', gpu: 1 } });
  }
  for (let j = 0; j < p.jobs; j++) {
    const g = [1, 2, 4, 8][j % 4];
    const par = [8, 16, 32, 64][(j >> 2) % 4];
    workloads.push({
      kind: 'Job',
      name: `train-${j}`,
      at: Math.round(rng() * 0.7 * duration),
      parallelism: par,
      completions: par * p.waves,
      image: `registry.example.com/batch/train-g${g}:1`,
      imageSize: '4Gi',
      resources: { cpu: 12 * g, memory: `${96 * g}Gi`, gpu: g },
      duration: { kind: 'exponential', mean: 1800 },
    });
  }
  return {
    apiVersion: 'fleetsim/v1',
    name: 'batch-week',
    description: `sweep-speed: ${p.clusters} clusters x ${p.nodes} nodes, ${p.jobs} Jobs of ${p.waves} waves, ${p.days} days`,
    seed: p.seed,
    duration,
    metrics: { interval: 600 },
    registries: [{ host: 'registry.example.com', region: 'region-0' }],
    fleet: { clusters },
    policies: [
      { name: 'batch', kind: 'ClusterPropagationPolicy', resourceSelectors: [{ apiVersion: 'batch/v1', kind: 'Job' }], placement: { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } } },
      {
        name: 'serving',
        kind: 'ClusterPropagationPolicy',
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
        placement: { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } },
      },
    ],
    workloads,
  };
}

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface Options {
  scenario: 'week' | 'scale';
  week: WeekParams;
  params: ScaleParams;
  replications: number;
  rounds: number;
  ceiling: boolean;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    scenario: 'week',
    week: { clusters: 12, nodes: 1000, jobs: 300, waves: 60, days: 7, seed: 1 },
    params: { ...DEFAULT_SCALE, clusters: 20, nodes: 500, pods: 100_000, hours: 24 },
    replications: 8,
    rounds: 3,
    ceiling: false,
    json: false,
  };
  const given: [string, number][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json' || a === '--ceiling') {
      o[a.slice(2) as 'json' | 'ceiling'] = true;
      continue;
    }
    if (a === '--scenario=week' || a === '--scenario=scale') {
      o.scenario = a.slice(11) as Options['scenario'];
      continue;
    }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    const value = m ? (m[2] ?? argv[++i]) : undefined;
    const x = Number(value);
    if (!m || value === undefined || !Number.isFinite(x) || x <= 0) throw new Error(`sweep-speed: bad argument '${a}'`);
    given.push([m[1], x]);
  }
  for (const [k, x] of given) {
    if (k === 'replications') o.replications = x;
    else if (k === 'rounds') o.rounds = x;
    else if (o.scenario === 'week' && (k === 'clusters' || k === 'nodes' || k === 'jobs' || k === 'waves' || k === 'days' || k === 'seed')) o.week[k] = x;
    else if (o.scenario === 'scale' && (k === 'clusters' || k === 'nodes' || k === 'pods' || k === 'hours' || k === 'seed')) o.params[k] = x;
    else throw new Error(`sweep-speed: unknown flag --${k} for --scenario=${o.scenario}`);
  }
  return o;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

interface Timing {
  wall: number;
  runs: number;
  /** CPU seconds (user + system) of the sweep process, its worker threads included; NaN where unknown. */
  cpu: number;
}

/**
 * CPU seconds used so far by this process's finished children (Linux: cutime + cstime of
 * /proc/self/stat, in clock ticks of 1/100 s); NaN elsewhere.
 */
function childrenCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return NaN;
  }
}

function sweepOnce(file: string, out: string, workers: number, replications: number): Timing {
  rmSync(out, { recursive: true, force: true });
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'sweep', file, '--replications', String(replications), '--workers', String(workers), '--out', out, '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  const cpu = childrenCpu() - c0;
  if (r.status !== 0) throw new Error(`sweep with ${workers} worker(s) failed (exit ${r.status}): ${r.stderr}`);
  const m = /\(([\d.]+) s wall\)/.exec(r.stdout);
  if (!m) throw new Error(`sweep output without its wall time:\n${r.stdout}`);
  return { wall, runs: Number(m[1]), cpu };
}

const CEILING = fileURLToPath(new URL('./thread-ceiling.js', import.meta.url));

/** Wall seconds of the sweep's runs on `threads` bare worker threads (thread-ceiling.ts), in a fresh process. */
function ceilingOnce(file: string, threads: number, replications: number): number {
  const r = spawnSync(process.execPath, [CEILING, file, `--replications=${replications}`, `--threads=${threads}`, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`thread-ceiling with ${threads} thread(s) failed (exit ${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as CeilingResult).wall_s;
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-sweep-speed-'));
  try {
    const file = join(dir, 'scale.yaml');
    writeFileSync(file, JSON.stringify(o.scenario === 'week' ? batchWeekDocument(o.week) : scaleDocument(o.params).doc));
    const by: Record<1 | 2, Timing[]> = { 1: [], 2: [] };
    const paired: number[] = [];
    const pairedRuns: number[] = [];
    const ceil: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const pairedCeil: number[] = [];
    for (let k = 0; k < o.rounds; k++) {
      const order: (1 | 2)[] = k % 2 === 0 ? [1, 2] : [2, 1];
      const t: Partial<Record<1 | 2, Timing>> = {};
      for (const w of order) {
        t[w] = sweepOnce(file, join(dir, `out${w}`), w, o.replications);
        by[w].push(t[w]!);
        if (!o.json) console.error(`round ${k + 1}: ${w} worker(s): ${t[w]!.wall.toFixed(2)} s wall, runs ${t[w]!.runs.toFixed(2)} s, cpu ${t[w]!.cpu.toFixed(2)} s, load ${loadavg()[0].toFixed(2)}`);
      }
      paired.push(t[1]!.wall / t[2]!.wall);
      pairedRuns.push(t[1]!.runs / t[2]!.runs);
      if (o.ceiling) {
        const c: Partial<Record<1 | 2, number>> = {};
        for (const w of order) {
          c[w] = ceilingOnce(file, w, o.replications);
          ceil[w].push(c[w]!);
          if (!o.json) console.error(`round ${k + 1}: ${w} bare thread(s): ${c[w]!.toFixed(2)} s wall, load ${loadavg()[0].toFixed(2)}`);
        }
        pairedCeil.push(c[1]! / c[2]!);
      }
      // Same results, whatever the worker count (the runs table holds every run's metrics).
      if (readFileSync(join(dir, 'out1', 'runs.csv'), 'utf8') !== readFileSync(join(dir, 'out2', 'runs.csv'), 'utf8')) throw new Error('1 and 2 workers wrote different results');
    }
    const w1 = median(by[1].map((t) => t.wall));
    const w2 = median(by[2].map((t) => t.wall));
    const r1 = median(by[1].map((t) => t.runs));
    const r2 = median(by[2].map((t) => t.runs));
    const out = {
      scenario:
        o.scenario === 'week'
          ? `week ${o.week.clusters}x${o.week.nodes}, ${o.week.jobs} jobs x ${o.week.waves} waves, ${o.week.days} days`
          : `scale ${o.params.clusters}x${o.params.nodes}, ${o.params.pods} pods, ${o.params.hours} h`,
      replications: o.replications,
      rounds: o.rounds,
      wall_1_s: round(w1),
      wall_2_s: round(w2),
      speedup: round(w1 / w2),
      speedup_paired: round(median(paired)),
      runs_1_s: round(r1),
      runs_2_s: round(r2),
      runs_speedup: round(r1 / r2),
      runs_speedup_paired: round(median(pairedRuns)),
      // Cores the sweep kept busy on average (CPU / wall): what 2 workers could get on this machine.
      cores_1: round(median(by[1].map((t) => t.cpu / t.wall)), 2),
      cores_2: round(median(by[2].map((t) => t.cpu / t.wall)), 2),
      load_end: round(loadavg()[0], 2),
      // Each round as measured (seconds), for the spread behind the medians.
      rounds_wall_1_s: by[1].map((t) => round(t.wall, 2)),
      rounds_wall_2_s: by[2].map((t) => round(t.wall, 2)),
      rounds_speedup: paired.map((x) => round(x)),
      ...(o.ceiling
        ? {
            // The same runs on bare worker threads, measured in the same rounds (thread-ceiling.ts).
            ceiling_1_s: round(median(ceil[1])),
            ceiling_2_s: round(median(ceil[2])),
            ceiling_speedup: round(median(pairedCeil)),
            rounds_ceiling_speedup: pairedCeil.map((x) => round(x)),
            // The sweep's speed-up over the machine's, per round (1 = the sweep costs nothing of its own).
            speedup_of_ceiling: round(median(paired.map((x, i) => x / pairedCeil[i]))),
          }
        : {}),
    };
    console.log(o.json ? JSON.stringify(out) : Object.entries(out).map(([k, v]) => `${k}: ${v}`).join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run only as a program (tests import batchWeekDocument).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
