/**
 * fleet-queue benchmark (/work/shared/bench/fleet-queue.md, v1): the canonical model run through
 * fleetsim's kernel, compared with a specialised raw loop of the same model measured in the
 * same process.
 *
 *   node dist/bench/fleet-queue.js [--C=10] [--N=100] [--G=8] [--J=1000000] [--rho=0.85]
 *        [--lambda=0] [--mean=3600] [--seed=1] [--weights=linear|uniform]
 *        [--runs=5] [--warmup=100000] [--json]
 *
 * Flags take `--NAME=value` or `--NAME value`. Method (see bench/README.md): one warm-up run of
 * each side with J = min(J, --warmup), then `--runs` rounds, each running raw then kernel
 * (alternating which goes first per round), and medians of each side's events/s; `ratio` is
 * their quotient, `ratio_paired` the median of the per-round quotients. Every run's
 * outputs must be identical between the two sides, else the benchmark fails (exit 1).
 */
import { DEFAULT_PARAMS, runKernel } from './fleet-queue-model.js';
import type { FleetQueueOutcome, FleetQueueParams } from './fleet-queue-model.js';
import { runRaw } from './raw-loop.js';

interface BenchOptions {
  params: FleetQueueParams;
  runs: number;
  warmup: number;
  json: boolean;
}

const USAGE = `usage: fleet-queue [--C=10] [--N=100] [--G=8] [--J=1000000] [--rho=0.85] [--lambda=0]
                   [--mean=3600] [--seed=1] [--weights=linear|uniform] [--runs=5] [--warmup=100000] [--json]`;

class ArgError extends Error {}

function parseArgs(argv: string[]): BenchOptions {
  const params: FleetQueueParams = { ...DEFAULT_PARAMS };
  let runs = 5;
  let warmup = 100_000;
  let json = false;
  const intFlag = (name: string, v: string, min: number): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isSafeInteger(x) || x < min) throw new ArgError(`--${name} must be an integer >= ${min}, got '${v}'`);
    return x;
  };
  const numFlag = (name: string, v: string, positive: boolean): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || (positive ? x <= 0 : x < 0)) {
      throw new ArgError(`--${name} must be a ${positive ? 'positive' : 'non-negative'} number, got '${v}'`);
    }
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    if (a === '--help' || a === '-h') throw new ArgError('');
    const m = /^--([A-Za-z]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new ArgError(`unexpected argument '${a}'`);
    const name = m[1];
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new ArgError(`--${name} needs a value`);
      value = argv[++i];
    }
    switch (name) {
      case 'C':
      case 'N':
      case 'G':
      case 'J':
        params[name] = intFlag(name, value, 1);
        break;
      case 'seed':
        params.seed = intFlag(name, value, 0);
        break;
      case 'rho':
      case 'mean':
        params[name] = numFlag(name, value, true);
        break;
      case 'lambda':
        params.lambda = numFlag(name, value, false);
        break;
      case 'weights':
        if (value !== 'linear' && value !== 'uniform') throw new ArgError(`--weights must be 'linear' or 'uniform', got '${value}'`);
        params.weights = value;
        break;
      case 'runs':
        runs = intFlag(name, value, 1);
        break;
      case 'warmup':
        warmup = intFlag(name, value, 0);
        break;
      default:
        throw new ArgError(`unknown flag --${name}`);
    }
  }
  return { params, runs, warmup, json };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const COMPARED = ['events', 'sim_time', 'mean_queue_delay', 'mean_util', 'queued_at_end', 'running_at_end'] as const;

function assertSame(raw: FleetQueueOutcome, kernel: FleetQueueOutcome): void {
  for (const k of COMPARED) {
    if (!Object.is(raw[k], kernel[k])) {
      throw new Error(`raw loop and kernel disagree on ${k}: raw ${raw[k]}, kernel ${kernel[k]}`);
    }
  }
}

function main(): void {
  let opts: BenchOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ArgError) {
      if (e.message) console.error(`fleet-queue: ${e.message}`);
      console.error(USAGE);
      process.exit(e.message ? 2 : 0);
    }
    throw e;
  }
  const { params, runs, warmup, json } = opts;

  if (warmup > 0) {
    const w = { ...params, J: Math.min(params.J, warmup) };
    assertSame(runRaw(w), runKernel(w));
  }
  const raw: FleetQueueOutcome[] = [];
  const kernel: FleetQueueOutcome[] = [];
  for (let r = 0; r < runs; r++) {
    // Alternate which side runs first so neither always gets the "fresher" heap.
    if (r % 2 === 0) {
      raw.push(runRaw(params));
      kernel.push(runKernel(params));
    } else {
      kernel.push(runKernel(params));
      raw.push(runRaw(params));
    }
    assertSame(raw[r], kernel[r]);
    assertSame(raw[0], raw[r]);
  }

  const out = kernel[0];
  const wall = median(kernel.map((k) => k.wall_s));
  const eps = median(kernel.map((k) => k.events / k.wall_s));
  const rawEps = median(raw.map((k) => k.events / k.wall_s));
  // Per-round ratios: each pairs a kernel run with the raw run next to it, so a change in machine
  // load between rounds cancels out. Reported as an extra field; `ratio` is as specified.
  const paired = kernel.map((k, i) => k.wall_s > 0 ? raw[i].wall_s / k.wall_s : NaN);
  const result = {
    events: out.events,
    sim_time: out.sim_time,
    mean_queue_delay: out.mean_queue_delay,
    mean_util: out.mean_util,
    queued_at_end: out.queued_at_end,
    running_at_end: out.running_at_end,
    wall_s: wall,
    events_per_s: eps,
    raw_events_per_s: rawEps,
    ratio: eps / rawEps,
    ratio_paired: median(paired),
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  const p = params;
  const rows: [string, string][] = [
    ['parameters', `C=${p.C} N=${p.N} G=${p.G} J=${p.J} rho=${p.rho} lambda=${p.lambda} mean=${p.mean} seed=${p.seed} weights=${p.weights}`],
    ['events', result.events.toLocaleString('en-US')],
    ['sim_time (s)', result.sim_time.toFixed(3)],
    ['mean_queue_delay (s)', result.mean_queue_delay.toFixed(3)],
    ['mean_util', result.mean_util.toFixed(6)],
    ['queued_at_end', result.queued_at_end.toLocaleString('en-US')],
    ['running_at_end', result.running_at_end.toLocaleString('en-US')],
    ['kernel wall_s (median)', wall.toFixed(3)],
    ['kernel events/s (median)', fmtRate(eps)],
    ['raw loop events/s (median)', fmtRate(rawEps)],
    ['ratio kernel/raw (of medians)', result.ratio.toFixed(3)],
    ['ratio, median of paired rounds', `${result.ratio_paired.toFixed(3)}  (${paired.map((x) => x.toFixed(3)).join(', ')})`],
    ['kernel runs events/s', kernel.map((k) => fmtRate(k.events / k.wall_s)).join(', ')],
    ['raw runs events/s', raw.map((k) => fmtRate(k.events / k.wall_s)).join(', ')],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

function fmtRate(x: number): string {
  return `${(x / 1e6).toFixed(3)} M`;
}

main();
