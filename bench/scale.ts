/**
 * Scale benchmark (issue 9): a planner's real fleet through the real simulation.
 *
 *   npm run bench:scale -- [--clusters=100] [--nodes=1000] [--gpu-nodes=2000] [--gpus=8]
 *                          [--pods=1000000] [--hours=24] [--seed=1] [--json]
 *
 * Generates the fleet and workload of `scale-scenario.ts` (seeded), loads it through the scenario
 * loader (`parseScenario`, as a YAML file would be) and runs it with `runScenario` (Karmada
 * placement, kube-scheduler node binding, kubelets, status controllers, sampler: the same actors
 * as `fleetsim run`). Prints wall seconds (generation + load + run, the RunResult included: what
 * `fleetsim run` spends before writing its reports; not the process start and module imports, nor
 * this bench's own summary and digest, reported apart as check_s), CPU seconds over the same
 * span, peak RSS (`process.resourceUsage().maxRSS`), the wall time of each phase (load, Karmada,
 * kube-scheduler, kubelets, sampler, report) and of GC pauses, events,
 * events/s (over the run phase), pods, and the run's key results for a sanity check, with a
 * digest of the whole RunResult (so a change meant to be a pure speed-up can be checked to change
 * nothing: same digest).
 */
import { createHash } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Kind } from '../src/control/state.js';
import { parseScenario } from '../src/scenario/load.js';
import { runScenario, type RunTiming } from '../src/runner/run.js';
import { DEFAULT_SCALE, scaleDocument, type ScaleParams } from './scale-scenario.js';

const USAGE = 'usage: scale [--clusters=100] [--nodes=1000] [--gpu-nodes=2000] [--gpus=8] [--pods=1000000] [--hours=24] [--seed=1] [--json]';

class ArgError extends Error {}

const zeroOk = (k: keyof ScaleParams): boolean => k === 'seed' || k === 'gpusPerNode' || k === 'gpuNodes';

function parseArgs(argv: string[]): { params: ScaleParams; json: boolean } {
  const params: ScaleParams = { ...DEFAULT_SCALE };
  let json = false;
  const flags: Record<string, keyof ScaleParams> = { clusters: 'clusters', nodes: 'nodes', 'gpu-nodes': 'gpuNodes', gpus: 'gpusPerNode', pods: 'pods', hours: 'hours', seed: 'seed' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    if (a === '--help' || a === '-h') throw new ArgError('');
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !(m[1] in flags)) throw new ArgError(`unexpected argument '${a}'`);
    const value = m[2] ?? argv[++i];
    const x = Number(value);
    const key = flags[m[1]];
    const integer = key !== 'hours';
    if (value === undefined || value.trim() === '' || !Number.isFinite(x) || (integer && !Number.isSafeInteger(x)) || x < (zeroOk(key) ? 0 : 1e-9)) {
      throw new ArgError(`--${m[1]} must be a ${integer ? 'non-negative integer' : 'positive number'}${zeroOk(key) ? '' : ' > 0'}, got '${value}'`);
    }
    params[key] = x;
  }
  return { params, json };
}

export interface ScaleOutcome {
  clusters: number;
  nodes: number;
  gpus: number;
  hours: number;
  pods_target: number;
  wall_s: number;
  /** CPU seconds of this process (user + system) over the same span: less sensitive to other load on the machine. */
  cpu_s: number;
  generate_s: number;
  load_s: number;
  run_s: number;
  /** Summarising the result for this report and hashing it (not part of wall_s). */
  check_s: number;
  /**
   * Wall seconds by phase (they add up to wall_s): load (generate, parse, build the world and the
   * actors), karmada (detector, scheduler, binding controller, cluster status, taint and eviction
   * controllers: their events, with the member's controllers creating the pods of a Work),
   * kube_scheduler (scheduling cycles, binds and kubelet image-pull bookkeeping), kubelets (pods
   * Ready and finishing, with the Job controller's replacements), sampler, other (faults etc.),
   * report (the RunResult built from the run's state).
   */
  phases_s: { load: number; karmada: number; kube_scheduler: number; kubelets: number; sampler: number; other: number; report: number };
  /** Garbage collection pauses (included in the phases). */
  gc_s: number;
  peak_rss_mb: number;
  events: number;
  events_per_s: number;
  pods: number;
  workloads: number;
  results: {
    pods_running_end: number;
    pods_pending_end: number;
    pods_succeeded: number;
    deployments_ready: string;
    jobs_completed: string;
    gpu_util_mean: number;
    gpu_util_peak: number;
    time_to_ready_median_s: number | null;
    digest: string;
  };
}

export async function runScale(p: ScaleParams): Promise<ScaleOutcome> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const gen = scaleDocument(p);
  const text = JSON.stringify(gen.doc);
  const t1 = performance.now();
  const scenario = parseScenario(text, 'scale.yaml');
  const t2 = performance.now();
  // Counts every bind (a pod is bound once: there are no restarts in this workload); pods created
  // = pods bound + pods still Pending at the end.
  let binds = 0;
  const timing: RunTiming = { setupMs: 0, eventMs: new Float64Array(0), resultMs: 0 };
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const result = await runScenario(scenario, {
    timing,
    decisions: {
      placement: () => {},
      bind: () => {
        binds++;
      },
    },
  });
  const t3 = performance.now();
  const cpu = process.cpuUsage(c0);
  const rss = process.resourceUsage().maxRSS;
  // GC entries reach the observer from a timer on the event loop, after the (synchronous) run.
  await new Promise((r) => setTimeout(r, 20));
  gc.disconnect();
  const phases = phaseSeconds(timing, (t2 - t0) / 1000);
  // Key results, from the RunResult only.
  let running = 0;
  let pending = 0;
  let gpuNum = 0;
  let gpuDen = 0;
  let peakNum = 0;
  for (const c of result.clusters) {
    running += c.replicas;
    pending += c.pending;
    gpuNum += c.gpuUtilization.mean * c.gpus;
    gpuDen += c.gpus;
  }
  const series = Object.values(result.series.clusters);
  const gpuOf = result.clusters.map((c) => c.gpus);
  for (let i = 0; i < result.series.t.length; i++) {
    let s = 0;
    for (let k = 0; k < series.length; k++) s += series[k].gpu[i] * gpuOf[k];
    if (s > peakNum) peakNum = s;
  }
  let deps = 0;
  let depsReady = 0;
  let jobs = 0;
  let jobsDone = 0;
  let succeeded = 0;
  const ttr: number[] = [];
  for (const w of result.workloads) {
    succeeded += w.succeeded;
    if (w.kind === 'Deployment') {
      deps++;
      if (w.ready >= w.desired) depsReady++;
    } else {
      jobs++;
      if (w.timeToComplete !== null) jobsDone++;
    }
    if (w.timeToAllReady !== null) ttr.push(w.timeToAllReady);
  }
  ttr.sort((a, b) => a - b);
  // The whole RunResult, hashed piece by piece (one string of it all would be ~100 MB at full size).
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ ...result, workloads: null, series: null }));
  for (const w of result.workloads) hash.update(JSON.stringify(w));
  hash.update(JSON.stringify(result.series));
  const digest = hash.digest('hex').slice(0, 16);
  const t4 = performance.now();
  const runSeconds = (t3 - t2) / 1000;
  return {
    clusters: p.clusters,
    nodes: p.nodes,
    gpus: p.clusters * Math.min(p.nodes, p.gpuNodes) * p.gpusPerNode,
    hours: p.hours,
    pods_target: p.pods,
    wall_s: round((t3 - t0) / 1000, 3),
    cpu_s: round((cpu.user + cpu.system) / 1e6, 3),
    generate_s: round((t1 - t0) / 1000, 3),
    load_s: round((t2 - t1) / 1000, 3),
    run_s: round(runSeconds, 3),
    check_s: round((t4 - t3) / 1000, 3),
    phases_s: phases,
    gc_s: round(gcMs / 1000, 3),
    peak_rss_mb: round(rss / 1024, 1),
    events: result.events,
    events_per_s: Math.round(result.events / runSeconds),
    pods: binds + pending,
    workloads: result.workloads.length,
    results: {
      pods_running_end: running,
      pods_pending_end: pending,
      pods_succeeded: succeeded,
      deployments_ready: `${depsReady}/${deps}`,
      jobs_completed: `${jobsDone}/${jobs}`,
      gpu_util_mean: round(gpuDen > 0 ? gpuNum / gpuDen : 0, 4),
      gpu_util_peak: round(gpuDen > 0 ? peakNum / gpuDen : 0, 4),
      time_to_ready_median_s: ttr.length ? round(ttr[Math.floor(ttr.length / 2)], 3) : null,
      digest,
    },
  };
}

/** Event kinds by phase (see ScaleOutcome.phases_s); kinds not listed count as `other`. */
const PHASE_KINDS: Record<'karmada' | 'kube_scheduler' | 'kubelets' | 'sampler', Kind[]> = {
  karmada: [Kind.WorkloadArrive, Kind.ScheduleBinding, Kind.DeliverWork, Kind.Requeue, Kind.StatusProbe, Kind.StatusReport, Kind.MonitorTick, Kind.TaintCheck, Kind.EvictionTick, Kind.FailoverTick, Kind.FleetRetry],
  kube_scheduler: [Kind.MemberSchedule],
  kubelets: [Kind.PodReady, Kind.PodFinish],
  sampler: [Kind.Sample],
};

function phaseSeconds(t: RunTiming, loadBefore: number): ScaleOutcome['phases_s'] {
  const ms = t.eventMs;
  let all = 0;
  for (let k = 0; k < ms.length; k++) all += ms[k];
  const sum = (kinds: Kind[]): number => kinds.reduce((a, k) => a + ms[k], 0);
  const out = { load: round(loadBefore + t.setupMs / 1000, 3), karmada: 0, kube_scheduler: 0, kubelets: 0, sampler: 0, other: 0, report: round(t.resultMs / 1000, 3) };
  let listed = 0;
  for (const phase of ['karmada', 'kube_scheduler', 'kubelets', 'sampler'] as const) {
    const v = sum(PHASE_KINDS[phase]);
    listed += v;
    out[phase] = round(v / 1000, 3);
  }
  out.other = round((all - listed) / 1000, 3);
  return out;
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ArgError) {
      if (e.message) console.error(`scale: ${e.message}`);
      console.error(USAGE);
      process.exit(2);
    }
    throw e;
  }
  const out = await runScale(opts.params);
  if (opts.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(`fleet: ${out.clusters} clusters x ${out.nodes} nodes (${out.gpus} GPUs), ${out.hours} h, ${out.workloads} workloads, ${out.pods} pods`);
  console.log(`wall ${out.wall_s} s, cpu ${out.cpu_s} s (generate ${out.generate_s}, load ${out.load_s}, run ${out.run_s}), peak RSS ${out.peak_rss_mb} MB`);
  console.log(`phases (s): ${Object.entries(out.phases_s).map(([k, v]) => `${k} ${v}`).join(', ')}; gc ${out.gc_s}`);
  console.log(`events ${out.events} (${out.events_per_s}/s during the run)`);
  console.log(`results: ${JSON.stringify(out.results)}`);
}

// Run only as a program (tests import runScale).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
