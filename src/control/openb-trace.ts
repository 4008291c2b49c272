import { basename } from 'node:path';
import type { EventHandler, Simulation } from '../kernel/index.js';
import { MILLI_PER_GPU } from '../model/world.js';
import type { JobSpec, PodTemplate, Scenario } from '../scenario/types.js';
import { buildPaperWorkload, OPENB_QOS_PRIORITY, toTimedPods, type OpenbPod } from '../trace/openb.js';
import type { OpenbTraceSpec } from '../trace/openb-scenario.js';
import type { MemberCluster } from './member-cluster.js';
import { PodPhase } from './pods.js';
import { newRuntimeWorkload, Prio, type RunState } from './state.js';

/**
 * The pods of each cluster's openb trace in a run (modes: see src/trace/openb-scenario.ts).
 *
 * `openbTraceFeeds(scenario, seed)` turns each trace into bare pods for this run's seed (paper
 * mode shuffles and inflates with it, exactly as `fleetsim experiment fgd`). The TraceFeeder then
 * creates them in their member cluster at their arrival times, one event per pod: each pod joins
 * `state.workloads` when it arrives (a Job-shaped spec of one pod, marked `trace`), never passes
 * through Karmada, and is applied straight to its member cluster. In paper mode the feeder also
 * records the GPU allocation ratio against the arrived GPU demand, as the paper's experiment does:
 * when the arrived demand (pods submitted so far, failed ones included) first reaches k % of the
 * cluster's GPU capacity after a pod's scheduling cycle, k = 0, 1, ..., round(100 x tune).
 */

/** One cluster's trace in one run. */
export interface TraceFeed {
  readonly cluster: number;
  readonly clusterName: string;
  readonly spec: OpenbTraceSpec;
  /** Pods in submission order (arrival times non-decreasing). */
  readonly pods: readonly JobSpec[];
  /** The real scheduler's delay of each pod (scheduled_time - creation_time), NaN if none. */
  readonly realDelay: Float64Array;
  /** GPU demand of each pod, milli-GPU. */
  readonly demandMilli: Float64Array;
  readonly capacityMilli: number;
}

/** What a run reports about one cluster's trace (RunResult.traces). */
export interface TraceRunResult {
  cluster: string;
  kind: 'openb';
  mode: 'paper' | 'replay';
  /** The pod CSV's file name. */
  podsFile: string;
  /** The cluster's node scoring (the GPU policy, for the paper's comparison). */
  nodeScoring: string;
  /** Pods in this run's workload (paper mode: after inflation to tune x capacity). */
  pods: number;
  /** Pods created by the end of the run. */
  arrived: number;
  /** Pods bound to a node. */
  bound: number;
  /** Pods that fit on no node and were dropped (paper mode). */
  failed: number;
  /** Pods still Pending at the end. */
  pending: number;
  /** Pods that ran to their end (replay). */
  finished: number;
  capacityGpuMilli: number;
  arrivedGpuMilli: number;
  failedGpuMilli: number;
  /** GPU milli allocated on the cluster at the end. */
  allocatedGpuMilli: number;
  /**
   * Paper mode: allocationCurve[k] = GPU allocation ratio (%) when the arrived GPU demand first
   * reaches k % of capacity (k = 0 .. round(100 x tune)); null where the run never got there.
   */
  allocationCurve?: (number | null)[];
  /** Replay: scheduling delay (bound - created) of the bound pods, and the trace's own for them. */
  schedulingDelay?: { simulated: DelayStats; real: DelayStats };
}

export interface DelayStats {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

const TRACE_IMAGE = 'openb/trace-pod';

/** The trace pods of every cluster with a pod trace, for one run on `seed`. */
export function openbTraceFeeds(scenario: Scenario, seed: number): TraceFeed[] {
  const feeds: TraceFeed[] = [];
  scenario.fleet.clusters.forEach((c, index) => {
    const spec = c.trace;
    if (!spec || spec.pods.length === 0 || spec.podsFile === null) return;
    let gpus = 0;
    for (const p of c.nodePools) gpus += p.count * p.gpus.count;
    const capacityMilli = gpus * MILLI_PER_GPU;
    const templates = new Map<string, PodTemplate>();
    // Pods of one shape share a template object (the GPU scorers cache shapes per template).
    const template = (p: OpenbPod): PodTemplate => {
      const priority = p.qos === null ? 0 : OPENB_QOS_PRIORITY[p.qos];
      const models = p.numGpu > 0 ? p.gpuSpec : [];
      const key = `${p.cpuMilli}/${p.memoryMib}/${p.numGpu}/${p.gpuMilli}/${models.join('|')}/${priority}`;
      let t = templates.get(key);
      if (!t) {
        t = {
          cpuMillis: p.cpuMilli,
          memoryMiB: p.memoryMib,
          gpus: p.numGpu,
          gpuMilli: p.numGpu > 0 ? p.gpuMilli : 0,
          gpuModels: [...models],
          image: TRACE_IMAGE,
          imageSizeBytes: 0,
          registryRegion: c.region,
          startup: 0,
          priority,
        };
        templates.set(key, t);
      }
      return t;
    };
    const namespace = `openb-${c.name}`;
    const job = (p: OpenbPod, arrival: number, runTime: number, line: number): JobSpec => ({
      kind: 'Job',
      apiVersion: 'batch/v1',
      name: p.name,
      namespace,
      uid: `${namespace}/Job/${p.name}`,
      labels: {},
      arrival,
      template: template(p),
      policy: null,
      placement: null,
      trace: { cluster: c.name, runTime, failUnschedulable: spec.mode === 'paper' },
      kurator: null,
      source: `${spec.podsFile}:${line}`,
      parallelism: 1,
      completions: 1,
      minAvailable: 1,
      duration: { kind: 'constant', value: Number.isFinite(runTime) ? runTime : 0 },
      arrivals: null,
    });
    const pods: JobSpec[] = [];
    const real: number[] = [];
    const demand: number[] = [];
    if (spec.mode === 'paper') {
      const order = buildPaperWorkload(spec.pods, { seed, tune: spec.tune, capacityMilli });
      order.forEach((p, k) => {
        pods.push(job(p, spec.start + k * spec.interval, Infinity, p.line));
        real.push(NaN);
        demand.push(p.numGpu * p.gpuMilli);
      });
    } else {
      const byName = new Map(spec.pods.map((p) => [p.name, p]));
      for (const tp of toTimedPods(spec.pods, spec.podsFile)) {
        if (tp.arrival < spec.from) continue;
        const p = byName.get(tp.name)!;
        pods.push(job(p, spec.start + (tp.arrival - spec.from) * spec.timeScale, tp.runTime * spec.timeScale, p.line));
        real.push(tp.realDelay ?? NaN);
        demand.push(p.numGpu * p.gpuMilli);
      }
    }
    feeds.push({ cluster: index, clusterName: c.name, spec, pods, realDelay: Float64Array.from(real), demandMilli: Float64Array.from(demand), capacityMilli });
  });
  return feeds;
}

/** The images the feeds' pods use (to intern with the scenario's images before the run). */
export function traceImages(feeds: readonly TraceFeed[]): string[] {
  return feeds.some((f) => f.pods.length > 0) ? [TRACE_IMAGE] : [];
}

/** Event kinds of the feeder (a handler only receives its own). */
const ARRIVE = 60;
const FINAL = 61;

interface FeedState {
  readonly feed: TraceFeed;
  /** Next pod to submit. */
  next: number;
  /** state.workloads index of each submitted pod. */
  readonly workload: Int32Array;
  arrivedMilli: number;
  readonly curve: (number | null)[] | null;
  /** Next curve threshold (k %). */
  k: number;
  done: boolean;
}

/** Creates the trace pods in their member clusters and records the paper-mode curve. */
export class TraceFeeder implements EventHandler {
  private readonly state: RunState;
  private readonly members: readonly MemberCluster[];
  private readonly feeds: FeedState[];

  constructor(state: RunState, members: readonly MemberCluster[], feeds: readonly TraceFeed[]) {
    this.state = state;
    this.members = members;
    this.feeds = feeds.map((feed) => ({
      feed,
      next: 0,
      workload: new Int32Array(feed.pods.length).fill(-1),
      arrivedMilli: 0,
      curve: feed.spec.mode === 'paper' ? new Array<number | null>(Math.round(feed.spec.tune * 100) + 1).fill(null) : null,
      k: 0,
      done: false,
    }));
  }

  start(): void {
    this.feeds.forEach((f, i) => {
      if (f.feed.pods.length > 0) this.state.sim.schedule(f.feed.pods[0].arrival, this, ARRIVE, i, Prio.Fact);
      else this.state.sim.schedule(f.feed.spec.start, this, FINAL, i, Prio.Cycle + 1); // paper mode can tune a list down to nothing
    });
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    const f = this.feeds[data as number];
    if (kind === ARRIVE) {
      // The previous pod's scheduling cycle ran (paper mode pods are `interval` > 0 apart).
      this.record(f);
      const spec = f.feed.pods[f.next];
      const s = this.state;
      const index = s.workloads.length;
      s.workloads.push(newRuntimeWorkload(index, spec));
      f.workload[f.next] = index;
      f.arrivedMilli += f.feed.demandMilli[f.next];
      f.next++;
      this.members[f.feed.cluster].applyWork(index, 1, 1);
      if (f.next < f.feed.pods.length) sim.schedule(f.feed.pods[f.next].arrival, this, ARRIVE, data, Prio.Fact);
      else sim.schedule(sim.now, this, FINAL, data, Prio.Cycle + 1);
    } else if (kind === FINAL) {
      this.record(f);
      f.done = true;
      // Thresholds within the workload's target that it stopped just short of (as the experiment).
      if (f.curve) {
        const target = f.feed.spec.tune * f.feed.capacityMilli;
        const pct = (this.allocatedMilli(f) / f.feed.capacityMilli) * 100;
        while (f.k < f.curve.length && (f.k * f.feed.capacityMilli) / 100 <= target + 0.5) f.curve[f.k++] = pct;
      }
    } else {
      throw new Error(`trace feeder: unknown event kind ${kind}`);
    }
  }

  /** Curve points the arrived demand has reached, at the cluster's current allocation. */
  private record(f: FeedState): void {
    const curve = f.curve;
    if (!curve) return;
    const cap = f.feed.capacityMilli;
    let pct: number | null = null;
    while (f.k < curve.length && f.arrivedMilli >= (f.k * cap) / 100) {
      pct ??= (this.allocatedMilli(f) / cap) * 100;
      curve[f.k++] = pct;
    }
  }

  /** GPU milli allocated on the feed's cluster now (an exact integer sum over its GPUs). */
  private allocatedMilli(f: FeedState): number {
    const w = this.state.world;
    const info = w.clusters[f.feed.cluster];
    let free = 0;
    for (let g = w.gpuStart[info.nodeStart]; g < w.gpuStart[info.nodeEnd]; g++) free += w.gpuMilliFree[g];
    return f.feed.capacityMilli - free;
  }

  /** Per trace: counts, the paper curve or the replay delays. */
  results(): TraceRunResult[] {
    const s = this.state;
    const pods = s.pods;
    // Trace workload index -> (feed, position); the pod table names each pod's workload.
    const feedOf = new Int32Array(s.workloads.length).fill(-1);
    const posOf = new Int32Array(s.workloads.length);
    this.feeds.forEach((f, i) => {
      for (let k = 0; k < f.next; k++) {
        feedOf[f.workload[k]] = i;
        posOf[f.workload[k]] = k;
      }
    });
    const acc = this.feeds.map(() => ({ bound: 0, failed: 0, failedMilli: 0, pending: 0, finished: 0, sim: [] as number[], real: [] as number[] }));
    for (let p = 0; p < pods.count; p++) {
      const fi = feedOf[pods.workload[p]];
      if (fi < 0) continue;
      const a = acc[fi];
      const phase = pods.phase[p];
      if (!Number.isNaN(pods.bound[p])) {
        a.bound++;
        a.sim.push(pods.bound[p] - pods.created[p]);
        const r = this.feeds[fi].feed.realDelay[posOf[pods.workload[p]]];
        if (!Number.isNaN(r)) a.real.push(r);
        if (phase === PodPhase.Succeeded) a.finished++;
      } else if (phase === PodPhase.Pending) a.pending++;
      else if (phase === PodPhase.Terminated) {
        a.failed++;
        a.failedMilli += this.feeds[fi].feed.demandMilli[posOf[pods.workload[p]]];
      }
    }
    return this.feeds.map((f, i) => {
      const a = acc[i];
      const info = s.world.clusters[f.feed.cluster];
      const out: TraceRunResult = {
        cluster: f.feed.clusterName,
        kind: 'openb',
        mode: f.feed.spec.mode,
        podsFile: basename(f.feed.spec.podsFile ?? ''),
        nodeScoring: info.spec.nodeScoring,
        pods: f.feed.pods.length,
        arrived: f.next,
        bound: a.bound,
        failed: a.failed,
        pending: a.pending,
        finished: a.finished,
        capacityGpuMilli: f.feed.capacityMilli,
        arrivedGpuMilli: f.arrivedMilli,
        failedGpuMilli: a.failedMilli,
        allocatedGpuMilli: this.allocatedMilli(f),
      };
      if (f.curve) out.allocationCurve = f.curve.slice();
      else out.schedulingDelay = { simulated: delayStats(a.sim), real: delayStats(a.real) };
      return out;
    });
  }
}

/** Mean and nearest-rank percentiles (the smallest value with at least p % at or below it). */
export function delayStats(values: number[]): DelayStats {
  const n = values.length;
  if (n === 0) return { count: 0, mean: null, p50: null, p90: null, p99: null, max: null };
  const v = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i];
  const q = (p: number): number => v[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  return { count: n, mean: sum / n, p50: q(50), p90: q(90), p99: q(99), max: v[n - 1] };
}
