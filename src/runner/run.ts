import { makeArrivals, Simulation } from '../kernel/index.js';
import { World } from '../model/world.js';
import { ControlPlane } from '../control/control-plane.js';
import { MemberCluster, podCostPerHour } from '../control/member-cluster.js';
import { PodPhase, PodTable } from '../control/pods.js';
import { accrueUnavailability, changeHeldGpus, RunState, type DecisionSink, type RuntimeWorkload } from '../control/state.js';
import { FaultInjector, type FaultListener } from '../faults/injector.js';
import { Operator } from '../control/operator.js';
import { startTraffic } from '../control/traffic-run.js';
import { openbTraceFeeds, traceImages, TraceFeeder } from '../control/openb-trace.js';
import { FailoverTracker } from '../metrics/failover.js';
import { VolcanoScheduler, type QueueShareSeries } from '../control/volcano-scheduler.js';
import { warmStart } from '../control/warm-start.js';
import { Sampler } from '../metrics/sampler.js';
import { resolveScheduler } from '../placement/builtin.js';
import { pluginsOf } from '../placement/explain.js';
import { WaitRecorder } from '../metrics/waits.js';
import { displayPath } from '../scenario/source.js';
import type { InputNote, JobSpec, Scenario, WorkloadSpec } from '../scenario/types.js';
import type { RunLimits } from '../scenario/size.js';
import { FLEETSIM_VERSION } from '../version.js';
import { runWithinBudget } from './budget.js';
import { UserError } from '../errors.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { selectionNotes } from './selection-notes.js';
import type { ClusterResult, InitialStateResult, InputsReport, PartialRun, RunResult, RunSummary, Stat, WorkloadResult } from './result.js';

export interface RunOptions {
  /** Scheduler name (registered) or module path; default: the scenario's first. */
  scheduler?: string;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Called now and then with the fraction of simulated time done (0..1). */
  onProgress?: (fraction: number) => void;
  /** Receives every placement and bind decision (see DecisionSink). */
  decisions?: DecisionSink;
  /** Event and memory budgets: a run that outgrows them stops there, with a partial result. */
  limits?: RunLimits;
  /** Aborted on Ctrl-C: the run stops at once, with a partial result. */
  signal?: AbortSignal;
  /** Record why workloads wait and why they went where they went (RunResult.waits). */
  waits?: boolean;
  /** Filled with where the run's wall time went (benchmarks); the result is the same with or without. */
  timing?: RunTiming;
}

/** Wall milliseconds of one run, by phase (see RunOptions.timing). */
export interface RunTiming {
  /** World, workload expansion, actors: everything before the first event. */
  setupMs: number;
  /** Events by kind (`Kind` in control/state.ts), each with the kernel's dispatch. */
  eventMs: Float64Array;
  /** Building the RunResult from the run's state. */
  resultMs: number;
}



/** Expand Job arrival streams into one Job per arrival (Poisson by thinning, stream per job). */
export function expandWorkloads(scenario: Scenario, sim: Simulation): WorkloadSpec[] {
  const out: WorkloadSpec[] = [];
  for (const w of scenario.workloads) {
    if (w.kind !== 'Job' || !w.arrivals) {
      out.push(w);
      continue;
    }
    const proc = makeArrivals(w.arrivals.rate, sim.stream(`arrivals/${w.namespace}/${w.name}`));
    const until = Math.min(w.arrivals.until, scenario.duration);
    let t = w.arrival;
    for (let k = 1; k <= w.arrivals.count; k++) {
      t = proc.next(t);
      if (!(t <= until)) break;
      // Object.assign, not a spread: V8 gives each spread copy of a loaded spec a hidden class of
      // its own (a map and descriptors, ~0.5 KB a Job), so every read of a Job's fields anywhere
      // was a megamorphic lookup that missed V8's stub cache; copies by assignment share one class.
      const copy: JobSpec = Object.assign({}, w, { name: `${w.name}-${k}`, uid: `${w.namespace}/Job/${w.name}-${k}`, arrival: t, arrivals: null, stream: w.name });
      out.push(copy);
    }
  }
  return out;
}

function stat(a: ArrayLike<number>, n: number): Stat {
  if (n === 0) return { mean: 0, max: 0, end: 0 };
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += a[i];
    if (a[i] > max) max = a[i];
  }
  return { mean: sum / n, max, end: a[n - 1] };
}

const since = (t: number, from: number): number | null => (Number.isNaN(t) ? null : t - from);

/** Queue-share series of the members that run Volcano (absent when none does). */
function queueSharesOf(members: MemberCluster[]): { queueShares?: QueueShareSeries[] } {
  const out: QueueShareSeries[] = [];
  for (const m of members) if (m.scheduler instanceof VolcanoScheduler) out.push(...m.scheduler.queueShares());
  return out.length ? { queueShares: out } : {};
}

/** A Job's gang figures at the end of a run. */
function jobFigures(w: RuntimeWorkload, end: number): Pick<WorkloadResult, 'minAvailable' | 'queueingDelay' | 'heldGpuHours' | 'deadlocked'> {
  changeHeldGpus(w, 0, end);
  const started = !Number.isNaN(w.gangStartedAt);
  return {
    minAvailable: w.minAvailable,
    queueingDelay: since(w.gangStartedAt, w.spec.arrival),
    heldGpuHours: w.heldGpuSeconds / 3600,
    deadlocked: !started && (w.ready > 0 || w.heldGpus > 0),
  };
}

/**
 * A workload's row of the RunResult. Built by assignments in the row's key order (the JSON and the
 * digest read it in that order), not by an object literal with conditional spreads: each spread
 * was a runtime copy, ~7 us a row, half a million rows at Karmada's size.
 */
function workloadRow(w: RuntimeWorkload, world: World, end: number): WorkloadResult {
  const spec = w.spec;
  const row = { name: spec.name, namespace: spec.namespace, kind: spec.kind } as WorkloadResult;
  if (spec.resourceKind) row.resourceKind = spec.resourceKind;
  row.desired = w.desired;
  row.arrival = spec.arrival;
  const placement: Record<string, number> = {};
  for (const t of w.placement) placement[t.name] = t.replicas;
  row.placement = placement;
  row.timeToScheduled = since(w.allBoundAt, spec.arrival);
  row.timeToAllReady = since(w.allReadyAt, spec.arrival);
  row.timeToComplete = spec.kind === 'Job' ? since(w.completedAt, spec.arrival) : null;
  row.pending = w.pending;
  row.ready = w.ready;
  row.succeeded = w.succeeded;
  row.schedulingError = w.schedulingError;
  row.unavailableReplicaSeconds = w.unavailableSeconds;
  row.cost = w.cost;
  if (w.preemptedPods > 0) row.preemptedPods = w.preemptedPods;
  if (w.clusterErrors) row.clusterErrors = Object.fromEntries([...w.clusterErrors].sort(([a], [b]) => a - b).map(([c, m]) => [world.clusters[c].name, m]));
  if (spec.kind === 'Job') {
    if (spec.stream !== undefined) row.stream = spec.stream;
    Object.assign(row, jobFigures(w, end));
  }
  return row;
}

/*
 * The loops over every pod of a run live in small functions of their own, not in runScenario:
 * V8 compiles a hot loop inside a long function by compiling the whole function (on-stack
 * replacement), and runScenario's optimized code was thrown away again on its first call of the
 * next run (it reaches code the last call had not run yet), so every run paid 60-190 ms of
 * TurboFan on a helper thread, taken from the other worker when two run side by side.
 */

/** Showback up to `now` of the pods still bound (Starting or Running), added to their workloads' cost. */
function accrueBoundPodCost(state: RunState, members: MemberCluster[], now: number): void {
  const pods = state.pods;
  for (let p = 0; p < pods.count; p++) {
    const ph = pods.phase[p];
    if (ph !== PodPhase.Starting && ph !== PodPhase.Running) continue;
    const member = members[pods.cluster[p]];
    state.workloads[pods.workload[p]].cost += (podCostPerHour(member.template(p), member.info.spec.prices) * (now - pods.bound[p])) / 3600;
  }
}

/** Pods in the Pending phase. */
function countPending(pods: PodTable): number {
  let n = 0;
  for (let i = 0; i < pods.count; i++) if (pods.phase[i] === PodPhase.Pending) n++;
  return n;
}

/**
 * An error thrown inside a user's scheduler module is that module's failure, not fleetsim's: a
 * UserError (exit 1, like a failed run of a sweep) naming the module and the simulated time.
 */
function blameUserModule(e: unknown, scheduler: string, now: number): unknown {
  // A module path, as resolveScheduler tells one from a registered name.
  if (!/[/\\]|\.[cm]?js$/.test(scheduler) || !(e instanceof Error)) return e;
  const url = pathToFileURL(resolve(scheduler)).href;
  if (!String(e.stack).includes(url)) return e;
  const u = new UserError(`${e.message} (thrown by scheduler module ${scheduler} at t=${now.toFixed(3)}s)`, 1);
  // Named as the module named it; no stack of fleetsim's.
  u.name = e.name;
  u.stack = `${e.name}: ${u.message}`;
  return u;
}

/** A workload of the initial state that is a member's own (no Karmada binding). */
const isMembersOwn = (w: RuntimeWorkload): boolean => w.spec.initial !== undefined && w.spec.initial.binding === null;

/** Each cluster's requested ÷ allocatable and its bound and pending pods, right after the warm start. */
function initialFigures(state: RunState): InitialStateResult['clusters'] {
  const c = state.counters;
  return state.world.clusters.map((info) => {
    const k = info.index;
    return {
      name: info.name,
      cpu: c.cpuAlloc[k] > 0 ? c.cpuUsed[k] / c.cpuAlloc[k] : 0,
      memory: c.memAlloc[k] > 0 ? c.memUsed[k] / c.memAlloc[k] : 0,
      gpu: c.gpuAlloc[k] > 0 ? c.gpuUsed[k] / c.gpuAlloc[k] : 0,
      bound: c.podsBound[k],
      pending: c.podsPending[k],
      ownWorkloads: 0,
      ownDesired: 0,
      ownReadyAtEnd: 0,
      ownUnavailableReplicaSeconds: 0,
    };
  });
}

function initialStateResult(state: RunState, warm: { pods: number; at0: InitialStateResult['clusters'] }, end: number): InitialStateResult {
  const clusters = warm.at0.map((c) => ({ ...c }));
  for (const w of state.workloads) {
    if (!isMembersOwn(w)) continue;
    const c = clusters[state.world.clusterByName.get(w.spec.initial!.clusters[0].cluster)!.index];
    accrueUnavailability(w, end);
    c.ownWorkloads++;
    c.ownDesired += w.desired;
    c.ownReadyAtEnd += w.ready;
    c.ownUnavailableReplicaSeconds += w.unavailableSeconds;
  }
  return { pods: warm.pods, clusters };
}

/** Run one scenario with one scheduler on one seed. Pure function of its inputs: same inputs, same result. */
export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const schedulerName = opts.scheduler ?? scenario.schedulers[0] ?? 'karmada';
  const scheduler = await resolveScheduler(schedulerName);
  const seed = opts.seed ?? scenario.seed;
  const t0 = performance.now();
  const sim = new Simulation({ seed });
  if (opts.timing) sim.timeEventKinds();
  const world = new World(scenario);
  const specs = expandWorkloads(scenario, sim);
  const traceFeeds = openbTraceFeeds(scenario, seed);
  const images = [...new Set([...specs.map((w) => w.template.image), ...traceImages(traceFeeds)])];
  const waits = opts.waits ? new WaitRecorder(scheduler, await pluginsOf(schedulerName), world.clusters.map((c) => c.name)) : null;
  const sink = waits && opts.decisions ? teeSink(waits, opts.decisions) : (waits ?? opts.decisions ?? null);
  const state = new RunState(sim, scenario, world, specs, images, sink);
  const members = world.clusters.map((c) => new MemberCluster(state, c));
  state.members = members;
  const cp = new ControlPlane(state, scheduler, members);
  const traceFeeder = new TraceFeeder(state, members, traceFeeds);
  const sampler = new Sampler(state, scenario.metricsInterval, scenario.duration);
  const faults = new FaultInjector(state, members, cp);
  const tracker = new FailoverTracker(state, cp);
  const operator = scenario.operator.failover ? new Operator(state, cp, scenario.operator.failover, tracker) : null;
  faults.listener = operator ? bothListen(tracker, operator) : tracker;
  cp.observer = tracker;
  // An imported initial state: the fleet as it was, at t = 0, before anything else happens.
  const warm = scenario.initialState ? { ...warmStart(state, cp, members), at0: initialFigures(state) } : null;
  cp.start();
  traceFeeder.start();
  faults.start();
  sampler.start();
  const trafficRun = startTraffic(state, members, cp); // services, rollouts, autoscalers (null without them)

  const t1 = performance.now();
  let partial: PartialRun | null;
  try {
    partial = await runWithinBudget(sim, scenario.duration, opts);
  } catch (e) {
    throw blameUserModule(e, schedulerName, sim.now);
  }
  const t2 = performance.now();

  const n = sampler.count;
  // Cost up to the end: clusters' node cost, and the showback of pods still bound.
  for (const c of world.clusters) state.counters.accrueCost(c.index, sim.now);
  accrueBoundPodCost(state, members, sim.now);
  const clusters: ClusterResult[] = world.clusters.map((c) => {
    const s = sampler.clusters[c.index];
    return {
      name: c.name,
      region: c.spec.region,
      role: c.spec.role,
      nodes: c.nodeEnd - c.nodeStart,
      cpu: world.clusterSum(world.cpuAlloc, c.index) / 1000,
      gpus: state.counters.gpuAlloc[c.index],
      replicas: state.counters.podsReady[c.index],
      pending: state.counters.podsPending[c.index],
      cpuUtilization: stat(s.cpu, n),
      memoryUtilization: stat(s.mem, n),
      gpuUtilization: stat(s.gpu, n),
      spot: c.spec.spot,
      cost: state.counters.cost[c.index],
    };
  });
  const end = sim.now;
  const failovers = tracker.results(end);
  for (const w of state.workloads) accrueUnavailability(w, end);
  // A trace's pods are reported per trace (`traces`), not one by one; a CronJob by the Jobs it made;
  // a member's own workloads of an initial state per cluster (`initialState`).
  const workloads: WorkloadResult[] = [];
  for (const w of state.workloads) if (!w.spec.trace && !(w.spec.kind === 'Job' && w.spec.cron) && !isMembersOwn(w)) workloads.push(workloadRow(w, world, end));
  const series: RunResult['series'] = { interval: scenario.metricsInterval, t: Array.from(sampler.times.subarray(0, n)), clusters: {}, workloads: {} };
  for (const [wi, arrays] of sampler.workloadReady) {
    const w = state.workloads[wi];
    const byCluster: Record<string, number[]> = {};
    world.clusters.forEach((c, k) => {
      if (arrays[k].subarray(0, n).some((x) => x > 0)) byCluster[c.name] = Array.from(arrays[k].subarray(0, n));
    });
    series.workloads[`${w.spec.namespace}/${w.spec.name}`] = byCluster;
  }
  for (const c of world.clusters) {
    const s = sampler.clusters[c.index];
    series.clusters[c.name] = {
      cpu: Array.from(s.cpu.subarray(0, n)),
      memory: Array.from(s.mem.subarray(0, n)),
      gpu: Array.from(s.gpu.subarray(0, n)),
      replicas: Array.from(s.replicas.subarray(0, n)),
      pending: Array.from(s.pending.subarray(0, n)),
      costRate: Array.from(s.costRate.subarray(0, n)),
    };
  }
  // Sanity: every pod is in exactly one phase and the counters agree with the pod table.
  const pendingPods = countPending(state.pods);
  const pendingCounted = state.counters.podsPending.reduce((a, b) => a + b, 0);
  if (pendingPods !== pendingCounted) throw new Error(`internal: pending pods ${pendingPods} != counted ${pendingCounted}`);

  const result: RunResult = {
    scenario: scenario.name,
    variant: scenario.variant,
    scheduler: scheduler.name,
    seed,
    duration: scenario.duration,
    events: sim.eventsProcessed,
    clusters,
    workloads,
    series,
    failovers,
    timeline: tracker.events(),
    ...queueSharesOf(members),
    ...(traceFeeds.length > 0 ? { traces: traceFeeder.results() } : {}),
    ...(warm ? { initialState: initialStateResult(state, warm, end) } : {}),
    ...(trafficRun ? trafficRun.results(end) : {}),
    ...(partial ? { partial } : {}),
    ...(waits ? { waits: waits.results(state.workloads, end) } : {}),
  };
  if (opts.timing) {
    opts.timing.setupMs = t1 - t0;
    opts.timing.eventMs = sim.eventKindMs!;
    opts.timing.resultMs = performance.now() - t2;
  }
  return result;
}

/** The failover tracker first (it records the fault), then the operator. */
function bothListen(a: FaultListener, b: FaultListener): FaultListener {
  return {
    faultStarted: (r, now) => (a.faultStarted(r, now), b.faultStarted(r, now)),
    faultEnded: (r, now) => (a.faultEnded(r, now), b.faultEnded(r, now)),
    faultEvent: (r, e, now) => (a.faultEvent?.(r, e, now), b.faultEvent?.(r, e, now)),
  };
}

/** Both sinks get every decision (the optional methods only where the first has them: the wait recorder has all). */
function teeSink(a: WaitRecorder, b: DecisionSink): DecisionSink {
  return {
    placement: (...x) => (a.placement(...x), b.placement(...x)),
    bind: (...x) => (a.bind(), b.bind(...x)),
    pending: (...x) => (a.pending(...x), b.pending?.(...x)),
    queued: (...x) => (a.queued(...x), b.queued?.(...x)),
    gang: (...x) => (a.gang(...x), b.gang?.(...x)),
  };
}

/**
 * Run every scheduler the scenario lists (or those given) on the same seed, for each variant
 * given (a scenario file with `variants:` loads as several Scenarios: see loadScenarioVariants).
 */
export async function runAll(
  scenarios: Scenario | Scenario[],
  opts: { schedulers?: string[]; seed?: number; onProgress?: (f: number) => void; limits?: RunLimits; signal?: AbortSignal } = {},
): Promise<RunSummary> {
  const variants = Array.isArray(scenarios) ? scenarios : [scenarios];
  const first = variants[0];
  const jobs: { scenario: Scenario; scheduler: string }[] = [];
  for (const v of variants) {
    const names = opts.schedulers && opts.schedulers.length ? opts.schedulers : v.schedulers;
    for (const n of names) jobs.push({ scenario: v, scheduler: n });
  }
  const runs: RunResult[] = [];
  for (let i = 0; i < jobs.length; i++) {
    // Interrupted: the runs not started are named in the summary, not run.
    if (opts.signal?.aborted) break;
    runs.push(
      await runScenario(jobs[i].scenario, {
        scheduler: jobs[i].scheduler,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.onProgress ? { onProgress: (f: number) => opts.onProgress!((i + f) / jobs.length) } : {}),
        ...(opts.limits ? { limits: opts.limits } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    );
  }
  const inputs = inputsReport(first);
  return {
    fleetsim: FLEETSIM_VERSION,
    scenario: first.name,
    description: first.variant ? first.description.split(' — ')[0] : first.description,
    seed: opts.seed ?? first.seed,
    duration: first.duration,
    runs,
    ...(runs.length < jobs.length ? { skipped: jobs.length - runs.length } : {}),
    ...(inputs ? { inputs } : {}),
  };
}

/** What `validate` and `run` say about a scenario's included manifests; null when there is nothing to say. */
export function inputsReport(s: Scenario): InputsReport | null {
  const { kinds } = s.inputs;
  const notes = [...s.inputs.notes, ...selectionNotes(s), ...(recordsWaits(s) ? [] : [waitsNote(s)])];
  if (Object.keys(kinds).length === 0 && s.ignoredManifests.length === 0 && notes.length === 0) return null;
  return { kinds, skipped: s.ignoredManifests, notes };
}

/**
 * Above this many workloads `fleetsim run` does not record why each waited: the recorder goes over
 * every Pending workload after every scheduling cycle, and 50,000 workloads on a small fleet took
 * minutes instead of seconds (issue 18's hostile corpus).
 */
export const MAX_WAIT_WORKLOADS = 10_000;

/** Does `fleetsim run` record why the scenario's workloads waited (the report's "why" section)? */
export const recordsWaits = (s: Scenario): boolean => s.workloads.length <= MAX_WAIT_WORKLOADS;

function waitsNote(s: Scenario): InputNote {
  return { source: `${displayPath(s.file)}:1`, object: 'workloads', text: `${s.workloads.length} workloads, more than ${MAX_WAIT_WORKLOADS.toLocaleString('en-US')}: why each waited is not recorded (the report leaves it out)` };
}
