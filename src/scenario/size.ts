import { distributionBounds, expectedArrivals } from '../kernel/index.js';
import type { PathElement } from './source.js';
import type { Scenario, WorkloadSpec } from './types.js';

/**
 * What one run of a scenario will take, known before it starts: nodes, pods, events and peak
 * memory, each part attributed to the field of the scenario that causes it, so that a scenario
 * this machine cannot run is refused at that field (`validate` and `run` alike).
 *
 * The estimate is a model, not a measurement: per-node, per-pod and per-workload costs and the
 * events each actor schedules (samples, status probes, Volcano sessions, traffic steps, HPA syncs,
 * fault cycles), calibrated on the example scenarios (test/scenario/size.test.ts checks it against
 * their real event counts). A run that outgrows it anyway is stopped by the same limits at run
 * time (runner/budget.ts).
 */

/** The budgets of one simulation run. */
export interface RunLimits {
  /** Events one run may process (`--max-events`). */
  readonly maxEvents: number;
  /** Peak memory (resident set) a run may reach, in bytes (`--max-memory`). */
  readonly maxMemoryBytes: number;
}

/**
 * Defaults: well above the example scenarios (the default one is 0.25 million events and 0.3 GB),
 * yet a run within them ends in about a minute at most and stays under 2 GB with its report, as a
 * CI job can afford. Larger runs raise them (`--max-events`, `--max-memory`).
 */
export const DEFAULT_RUN_LIMITS: RunLimits = { maxEvents: 5_000_000, maxMemoryBytes: 1.5 * 2 ** 30 };

/**
 * `fleetsim run` runs every variant × scheduler × replication now, on the worker pool: together
 * they may take this many times one run's event budget (with the defaults, 50 M events: minutes of
 * CPU, not hours).
 */
export const RUNS_TOGETHER_FACTOR = 10;

/** The event budget of all of `run`'s runs together. */
export const togetherEvents = (limits: RunLimits): number => limits.maxEvents * RUNS_TOGETHER_FACTOR;

/** One contribution to the estimate, and the scenario fields that cause it (the first present is blamed). */
export interface SizePart {
  readonly what: string;
  /** Candidate paths in the scenario document, most specific first. */
  readonly paths: readonly PathElement[][];
  /** The workload it comes from, for workloads of included manifests (no path in the scenario). */
  readonly workload?: WorkloadSpec;
  readonly events: number;
  /** Scheduling work, in events' worth (nodes filtered and scored, NODE_VISITS_PER_EVENT to an event). */
  readonly work: number;
  readonly bytes: number;
  /** Characters this part adds to summary.json and the report. */
  readonly chars: number;
}

export interface SizeEstimate {
  readonly nodes: number;
  readonly pods: number;
  readonly events: number;
  /** Events plus scheduling work in events' worth: what the event budget is checked against before a run. */
  readonly cost: number;
  /** Peak resident memory of the process, in bytes, the report's rendering included. */
  readonly memoryBytes: number;
  /** Characters of summary.json (the largest text written in one piece). */
  readonly outputChars: number;
  readonly parts: readonly SizePart[];
}

/**
 * The most characters one output file may have: V8 holds a string of at most 2^29 - 24 characters,
 * and summary.json is one string. A hard limit, not a budget.
 */
export const MAX_OUTPUT_CHARS = 400_000_000;

// Calibrated costs (see the file comment). Bytes are resident memory, events are kernel events.
/** The process itself: Node, the simulator's modules, the report's renderer. */
const BASE_BYTES = 160 * 2 ** 20;
const NODE_BYTES = 600;
const GPU_BYTES = 40;
const POD_BYTES = 400;
const POD_EVENTS = 8;
const WORKLOAD_BYTES = 9000;
const WORKLOAD_EVENTS = 12;
/** A workload's entry in summary.json. */
const WORKLOAD_CHARS = 600;
/** One value of a time series, kept as a typed array, then as a JS array, JSON and HTML text. */
const SERIES_VALUE_BYTES = 60;
/** One value of a time series in summary.json (indented, one per line). */
const SERIES_VALUE_CHARS = 24;
/** A run's own cost, besides its events (world, actors, results): some 50 ms, in events' worth. */
const RUN_SETUP_EVENTS = 5000;
/** Nodes filtered and scored for a pod that cost as much as one event (measured: ~30 ns a node, ~10 µs an event). */
const NODE_VISITS_PER_EVENT = 300;
/** GPU placement policies (nodeScoring) score every node, as the FGD paper's simulator does. */
const GPU_SCORINGS = new Set(['random', 'dotprod', 'gpuclustering', 'gpupacking', 'bestfit', 'fgd']);
/** Series per cluster (cpu, memory, gpu, replicas, pending, cost rate). */
const CLUSTER_SERIES = 6;
/** Events of one request in request-mode traffic (arrival, station, try end, and a retry's share). */
const REQUEST_EVENTS = 4;
/** A fault's own events (start, end, status changes) besides the pods it moves. */
const FAULT_EVENTS = 20;
/** Pod events of a pod a fault moves (evicted, recreated, bound, pulled, started). */
const MOVED_POD_EVENTS = 5;

/** Copies of a Job its arrival stream makes within the run (all of them, for a Job without arrivals: 1). */
export function jobCopies(w: WorkloadSpec, duration: number): number {
  if (w.kind !== 'Job' || !w.arrivals) return 1;
  const until = Math.min(w.arrivals.until, duration);
  return Math.min(w.arrivals.count, Math.ceil(expectedArrivals(w.arrivals.rate, w.arrival, until)));
}

/** Pods of a workload over the run: replicas (the most it is scaled to), or a Job's completions per copy; Duplicated, once per cluster. */
function podsOf(s: Scenario, w: WorkloadSpec, members: number): number {
  let pods: number;
  if (w.kind === 'Deployment') {
    const scaled = s.actions.filter((a) => a.scale.name === w.name && a.scale.namespace === w.namespace).map((a) => a.scale.replicas);
    const hpa = (s.traffic?.autoscalers ?? []).filter((a) => a.workload === w.name && a.namespace === w.namespace).map((a) => a.maxReplicas);
    const rollout = (s.traffic?.rollouts ?? []).some((r) => r.workload === w.name && r.namespace === w.namespace) ? 2 : 1;
    pods = Math.max(w.replicas, ...scaled, ...hpa) * rollout;
  } else {
    pods = w.completions;
  }
  if (w.kurator) return pods * Math.max(1, w.kurator.clusters.length);
  return duplicated(s, w) ? pods * members : pods;
}

/**
 * Is the workload placed Duplicated (a full copy in every cluster)? By its own placement or
 * policy, else by the policies whose selectors could claim it (Karmada's resource detector, with
 * any label selector taken to match: an estimate errs high), the highest priority first.
 */
function duplicated(s: Scenario, w: WorkloadSpec): boolean {
  const dup = (p: { replicaScheduling?: { replicaSchedulingType?: string } }): boolean => (p.replicaScheduling?.replicaSchedulingType ?? 'Duplicated') === 'Duplicated';
  if (w.placement) return dup(w.placement);
  const claims = (sel: { apiVersion?: string; kind?: string; namespace?: string; name?: string }): boolean =>
    (!sel.apiVersion || sel.apiVersion === w.apiVersion) && (!sel.kind || sel.kind === w.kind) && (!sel.namespace || sel.namespace === w.namespace) && (!sel.name || sel.name === w.name);
  const candidates = s.policies.filter((p) => (w.policy !== null ? p.name === w.policy : (p.kind === 'ClusterPropagationPolicy' || p.namespace === w.namespace) && p.resourceSelectors.some(claims)));
  if (candidates.length === 0) return false;
  const top = Math.max(...candidates.map((p) => p.priority));
  return candidates.some((p) => p.priority === top && dup(p.placement));
}

/** Estimate one run of `s`. Paths index the scenario's own lists: its workloads come before those of included manifests. */
/**
 * Nodes a pod's scheduling visits in a cluster of `n` nodes: kube-scheduler scores the first
 * max(100, n x max(5, 50 - n/125) %) feasible nodes (percentageOfNodesToScore); GPU policies and
 * Volcano's predicates visit every node.
 */
function nodesVisited(n: number, scoring: string, scheduler: string): number {
  if (scheduler === 'volcano' || GPU_SCORINGS.has(scoring) || n < 100) return n;
  return Math.min(n, Math.max(100, Math.ceil((n * Math.max(5, 50 - n / 125)) / 100)));
}

/** The most nodes one pod's scheduling visits, over the scenario's member clusters. */
export function nodesVisitedPerPod(s: Scenario): number {
  return Math.max(0, ...s.fleet.clusters.filter((c) => c.role === 'member').map((c) => nodesVisited(c.nodePools.reduce((n, p) => n + p.count, 0), c.nodeScoring, c.scheduler)));
}

export function estimateSize(s: Scenario, scenarioWorkloads: number = s.workloads.length): SizeEstimate {
  const parts: SizePart[] = [];
  const add = (p: Omit<SizePart, 'work' | 'chars'> & Partial<Pick<SizePart, 'work' | 'chars'>>): void => {
    parts.push({ work: 0, chars: 0, ...p });
  };
  const visits = nodesVisitedPerPod(s);
  const T = s.duration;
  const members = s.fleet.clusters.filter((c) => c.role === 'member' && c.karmadaMember).length || 1;
  const clusters = s.fleet.clusters.length;

  // Nodes.
  let nodes = 0;
  s.fleet.clusters.forEach((c, i) => {
    c.nodePools.forEach((p, j) => {
      nodes += p.count;
      const traced = c.trace?.nodesFile ? ['fleet', 'clusters', i, 'trace', 'nodes'] : ['fleet', 'clusters', i, 'nodePools', j, 'count'];
      add({ what: `${p.count} nodes of ${c.name}`, paths: [traced], events: 0, bytes: p.count * (NODE_BYTES + p.gpus.count * GPU_BYTES) });
    });
  });

  // Workloads and their pods.
  let pods = 0;
  let deploymentsTracked = 0;
  s.workloads.forEach((w, i) => {
    const copies = jobCopies(w, T);
    const perCopy = podsOf(s, w, members);
    const n = copies * perCopy;
    pods += n;
    if (w.kind === 'Deployment') deploymentsTracked++;
    const at: PathElement[][] = i < scenarioWorkloads ? [['workloads', i, 'arrivals', 'rate'], ['workloads', i, 'replicas'], ['workloads', i, 'completions'], ['workloads', i]] : [];
    add({
      what: `${w.kind} ${w.namespace}/${w.name}: ${copies > 1 ? `${copies} copies × ` : ''}${perCopy} pods`,
      paths: at,
      ...(i < scenarioWorkloads ? {} : { workload: w }),
      events: copies * WORKLOAD_EVENTS + n * POD_EVENTS,
      work: (n * visits) / NODE_VISITS_PER_EVENT,
      bytes: copies * WORKLOAD_BYTES + n * POD_BYTES,
      chars: copies * WORKLOAD_CHARS,
    });
  });
  // Pods of openb traces.
  s.fleet.clusters.forEach((c, i) => {
    if (!c.trace || c.trace.pods.length === 0) return;
    const t = c.trace;
    let n = t.pods.length;
    if (t.mode === 'paper') {
      const capacity = c.nodePools.reduce((sum, p) => sum + p.count * p.gpus.count * 1000, 0);
      const demand = t.pods.reduce((sum, p) => sum + p.numGpu * p.gpuMilli, 0);
      n = demand > 0 ? Math.max(n, Math.ceil((t.tune * capacity * n) / demand)) : n;
      n = Math.min(n, Math.floor(Math.max(0, T - t.start) / t.interval) + 1);
    }
    pods += n;
    const nodesHere = nodesVisited(c.nodePools.reduce((m, p) => m + p.count, 0), c.nodeScoring, c.scheduler);
    add({ what: `${n} trace pods of ${c.name}`, paths: [['fleet', 'clusters', i, 'trace', 'pods']], events: n * POD_EVENTS, work: (n * nodesHere) / NODE_VISITS_PER_EVENT, bytes: n * (POD_BYTES + WORKLOAD_BYTES / 8) });
  });

  // Time series, sampled every metrics interval.
  const samples = Math.floor(T / s.metricsInterval) + 1;
  const values = samples * (1 + clusters * CLUSTER_SERIES + deploymentsTracked * clusters);
  add({
    what: `${formatCount(samples)} samples of ${formatCount(values / samples)} series (every ${s.metricsInterval} s over ${T} s)`,
    paths: [['metrics', 'interval'], ['duration']],
    events: samples,
    bytes: values * SERIES_VALUE_BYTES,
    chars: values * SERIES_VALUE_CHARS,
  });

  // Karmada's view of the members: a status probe and its report per period, the monitor's ticks.
  const k = s.karmada;
  add({ what: `cluster status probes every ${k.clusterStatusUpdateFrequency} s`, paths: [['karmada', 'clusterStatusUpdateFrequency'], ['duration']], events: (2 * members * T) / k.clusterStatusUpdateFrequency, bytes: 0 });
  add({ what: `cluster monitor ticks every ${k.clusterMonitorPeriod} s`, paths: [['karmada', 'clusterMonitorPeriod'], ['duration']], events: T / k.clusterMonitorPeriod, bytes: 0 });
  s.fleet.clusters.forEach((c, i) => {
    if (c.scheduler !== 'volcano' || c.role !== 'member') return;
    add({ what: `Volcano sessions of ${c.name} every ${c.volcano.schedulePeriod} s`, paths: [['fleet', 'clusters', i, 'volcano', 'schedulePeriod'], ['duration']], events: T / c.volcano.schedulePeriod, bytes: 0 });
  });

  // Faults: each cycle moves the pods of the clusters it hits.
  const podsPerMember = pods / members;
  s.faults.forEach((f, i) => {
    const targets = Math.max(1, f.clusters.length);
    let cycles = 1;
    if (f.mtbf) {
      const period = distributionBounds(f.mtbf).mean + (f.mttr ? distributionBounds(f.mttr).mean : 0);
      cycles = period > 0 ? T / period : Infinity;
    }
    const events = cycles * targets * (FAULT_EVENTS + podsPerMember * MOVED_POD_EVENTS);
    add({ what: `fault ${f.kind}: ${Number.isFinite(cycles) ? Math.ceil(cycles) : 'endless'} cycle(s) on ${targets} target(s)`, paths: [['faults', i, 'mtbf'], ['faults', i], ['faultTrace']], events, bytes: cycles * targets * 200 });
  });

  // Traffic: fluid steps, requests in request mode, HPA syncs.
  const tr = s.traffic;
  if (tr && tr.services.length > 0) {
    const steps = T / tr.traffic.step;
    add({ what: `traffic steps every ${tr.traffic.step} s`, paths: [['traffic', 'step'], ['duration']], events: steps, bytes: steps * tr.services.length * 8 * SERIES_VALUE_BYTES, chars: steps * tr.services.length * 8 * SERIES_VALUE_CHARS });
    if (tr.traffic.mode === 'request') {
      tr.services.forEach((svc, i) => {
        const requests = svc.users.reduce((sum, u) => sum + expectedArrivals(u.rate, 0, T), 0);
        add({ what: `${requests.toExponential(2)} requests to service ${svc.name}`, paths: [['services', i, 'users'], ['traffic', 'mode']], events: requests * REQUEST_EVENTS * (1 + svc.retries.attempts / 4), bytes: 0 });
      });
    }
  }
  (tr?.autoscalers ?? []).forEach((a, i) => {
    add({ what: `FederatedHPA ${a.name} syncs every ${a.syncPeriod} s`, paths: [['autoscalers', i, 'syncPeriod'], ['duration']], events: T / a.syncPeriod, bytes: 0 });
  });

  // Building the world and the results: the same for every run, whatever it simulates.
  add({ what: 'setting up the run and writing its results', paths: [['schedulers'], ['variants']], events: 0, work: RUN_SETUP_EVENTS, bytes: 0 });
  const sum = (f: (p: SizePart) => number): number => parts.reduce((t, p) => t + f(p), 0);
  return { nodes, pods, events: sum((p) => p.events), cost: sum((p) => p.events + p.work), memoryBytes: BASE_BYTES + sum((p) => p.bytes), outputChars: sum((p) => p.chars), parts };
}

/** The part that contributes most to the run's cost (events and work), memory or output. */
export function largestPart(e: SizeEstimate, key: 'cost' | 'bytes' | 'chars'): SizePart {
  const v = (p: SizePart): number => (key === 'cost' ? p.events + p.work : p[key]);
  return e.parts.reduce((a, b) => (v(b) > v(a) ? b : a));
}

/** A count for messages: 12,345 or 3.2e12. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'unbounded';
  return n < 1e9 ? Math.round(n).toLocaleString('en-US') : n.toExponential(1);
}
