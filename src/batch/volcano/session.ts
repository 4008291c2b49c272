/**
 * A Volcano scheduling session (framework/session.go, framework/session_plugins.go): the state
 * of one snapshot, the callbacks the plugins registered, and the rules that combine them over
 * tiers (spec §2):
 *
 * - JobOrder / QueueOrder / TaskOrder: first non-zero comparison in tier/plugin order wins;
 *   fallbacks job -> creation time, UID; queue -> creation time, UID (name); task -> pod-name
 *   index, creation time, UID. All are total orders, so no comparison ever ties.
 * - JobReady, Allocatable, Predicate, PrePredicate, Preemptive: AND.  Overused: OR.
 * - JobPipelined, JobEnqueueable: any reject -> false; a tier with a permit decides true; all
 *   abstain -> true.
 * - JobStarving: AND over the plugins of the first tier that registers any; none -> false.
 * - Preemptable / Reclaimable: intersection within a tier (order of the first list), a plugin
 *   returning nothing empties the tier; the first tier with a non-empty result decides.
 * - NodeOrder / BatchNodeOrder: summed.  JobValid: first failure vetoes (no enable flag).
 * A hook with no enabled plugin returns its neutral value (README "The enabled list is
 * authoritative").
 *
 * State changes (`allocateTask`, `pipelineTask`, `evictTask` and their undos) update job and
 * node accounting and fire the plugins' event handlers; `Statement` records them for
 * commit/discard.
 */
import { ResourceSchema, PODS, add, type ResourceList } from './resource.js';
import { resolvePluginOption, VolcanoConfigError, type ResolvedPluginOption } from './config.js';
import { JobInfo } from './job.js';
import { NodeInfo } from './node.js';
import { QueueInfo } from './queue.js';
import { TaskInfo, compareTaskDefault, isCompletedStatus, isScheduledStatus, occupiesNode } from './task.js';
import {
  PERMIT,
  REJECT,
  type BatchNodeOrderFn,
  type CompareFn,
  type EvictableFn,
  type EventHandler,
  type NodeOrderFn,
  type Plugin,
  type PluginBuilder,
  type PredicateFn,
  type PrePredicateFn,
  type ValidateResult,
  type VictimQueueCompareFn,
  type Vote,
} from './plugin.js';
import type {
  ActionName,
  Eviction,
  Placement,
  PluginFlag,
  PodGroupCondition,
  PodGroupPhase,
  QueueReport,
  SessionConfig,
  SessionResult,
  SessionSnapshot,
  VolcanoVersion,
} from './types.js';

type Registry<F> = Map<string, F>;

export class Session {
  readonly schema: ResourceSchema;
  readonly nodes: NodeInfo[] = [];
  readonly nodeByName = new Map<string, NodeInfo>();
  readonly queues: QueueInfo[] = [];
  readonly queueByName = new Map<string, QueueInfo>();
  /** Jobs in snapshot order (only those whose queue exists). */
  readonly jobs: JobInfo[] = [];
  readonly jobByUid = new Map<string, JobInfo>();
  readonly totalResource: Float64Array;
  readonly tiers: ResolvedPluginOption[][];
  readonly actions: readonly ActionName[];
  readonly version: VolcanoVersion;
  nodeScanStart: number;

  private readonly plugins: Plugin[] = [];
  /** Enabled callbacks per extension point, resolved by `compile()`. */
  private c: Compiled = emptyCompiled();
  readonly jobOrderFns: Registry<CompareFn<JobInfo>> = new Map();
  readonly queueOrderFns: Registry<CompareFn<QueueInfo>> = new Map();
  readonly victimQueueOrderFns: Registry<VictimQueueCompareFn> = new Map();
  readonly taskOrderFns: Registry<CompareFn<TaskInfo>> = new Map();
  readonly jobReadyFns: Registry<(j: JobInfo) => boolean> = new Map();
  readonly jobPipelinedFns: Registry<(j: JobInfo) => Vote> = new Map();
  readonly jobStarvingFns: Registry<(j: JobInfo) => boolean> = new Map();
  readonly jobValidFns: Registry<(j: JobInfo) => ValidateResult | null> = new Map();
  readonly jobEnqueueableFns: Registry<(j: JobInfo) => Vote> = new Map();
  readonly jobEnqueuedFns: Registry<(j: JobInfo) => void> = new Map();
  readonly allocatableFns: Registry<(q: QueueInfo, t: TaskInfo) => boolean> = new Map();
  readonly overusedFns: Registry<(q: QueueInfo) => boolean> = new Map();
  readonly preemptiveFns: Registry<(q: QueueInfo, t: TaskInfo) => boolean> = new Map();
  readonly preemptableFns: Registry<EvictableFn> = new Map();
  readonly reclaimableFns: Registry<EvictableFn> = new Map();
  readonly predicateFns: Registry<PredicateFn> = new Map();
  readonly prePredicateFns: Registry<PrePredicateFn> = new Map();
  readonly nodeOrderFns: Registry<NodeOrderFn> = new Map();
  readonly batchNodeOrderFns: Registry<BatchNodeOrderFn> = new Map();
  readonly eventHandlers: EventHandler[] = [];

  /** Outputs, filled by Statement.commit and dispatch. */
  readonly binds: Placement[] = [];
  readonly evictions: Eviction[] = [];
  readonly committedPipelines = new Map<string, TaskInfo>();
  /** GPU cards held per task UID (written by deviceshare). */
  readonly taskDevices = new Map<string, number[]>();

  constructor(snapshot: SessionSnapshot, config: SessionConfig, private readonly builders: ReadonlyMap<string, PluginBuilder>) {
    const lists: (ResourceList | null | undefined)[] = [];
    for (const n of snapshot.nodes) lists.push(n.allocatable, n.used);
    for (const q of snapshot.queues) lists.push(q.capability, q.guarantee, q.deserved);
    for (const j of snapshot.jobs) {
      lists.push(j.minResources);
      for (const t of j.tasks) lists.push(t.request);
    }
    const schema = ResourceSchema.collect(lists);
    this.schema = schema;
    this.totalResource = schema.zero();

    for (const spec of snapshot.nodes) {
      if (spec.ready === false) continue; // only Ready nodes enter the snapshot
      if (this.nodeByName.has(spec.name)) throw new VolcanoConfigError(`duplicate node '${spec.name}'`);
      const node = new NodeInfo(spec, schema.fromList(spec.allocatable), spec.used ? schema.fromList(spec.used) : null);
      this.nodes.push(node);
      this.nodeByName.set(node.name, node);
      add(this.totalResource, node.allocatable);
    }
    for (const spec of snapshot.queues) {
      if (this.queueByName.has(spec.name)) throw new VolcanoConfigError(`duplicate queue '${spec.name}'`);
      const q = new QueueInfo(spec);
      this.queues.push(q);
      this.queueByName.set(q.name, q);
    }
    for (const spec of snapshot.jobs) {
      const queue = this.queueByName.get(spec.queue);
      if (!queue) continue; // only jobs whose queue exists are in the session
      const job = new JobInfo(spec, queue, schema.size, spec.minResources ? schema.fromList(spec.minResources) : null);
      if (this.jobByUid.has(job.uid)) throw new VolcanoConfigError(`duplicate PodGroup '${job.uid}'`);
      for (const ts of spec.tasks) {
        const req = schema.fromList(ts.request);
        req[PODS] = 1; // every pod requests one `pods` unit
        const task = new TaskInfo(job, ts, req, schema.isEmpty(req));
        if (task.status === 'Pending') task.nodeName = null;
        job.addTask(task);
        if (task.nodeName !== null && occupiesNode(task.status)) {
          const node = this.nodeByName.get(task.nodeName);
          if (node) node.addTask(task);
        }
      }
      this.jobs.push(job);
      this.jobByUid.set(job.uid, job);
    }

    this.actions = config.actions;
    this.tiers = config.tiers.map((tier) => tier.map(resolvePluginOption));
    this.nodeScanStart = config.nodeScanStart ?? 0;
    this.version = config.version ?? 'master';
    if (this.version !== 'master' && this.version !== 'v1.5.1') throw new VolcanoConfigError(`unknown Volcano version '${String(this.version)}'`);
  }

  /** Instantiate the plugins in tier/plugin order and let them register (OpenSession). */
  open(): void {
    for (const tier of this.tiers) {
      for (const opt of tier) {
        const build = this.builders.get(opt.name);
        if (!build) throw new VolcanoConfigError(`unknown plugin '${opt.name}' (known: ${[...this.builders.keys()].join(', ')})`);
        const p = build(opt.arguments);
        this.plugins.push(p);
      }
    }
    for (const p of this.plugins) p.onSessionOpen(this);
    this.compile();
  }

  /**
   * Resolve, once all plugins have registered, which callbacks each extension point calls (the
   * enabled ones, in tier/plugin order). Comparators run inside heap operations, so they must
   * not walk the tiers on every call.
   */
  compile(): void {
    const flat = <F>(reg: Registry<F>, flag: PluginFlag | null): F[] => [...this.enabled(reg, flag)].map(([, f]) => f);
    const tiered = <F>(reg: Registry<F>, flag: PluginFlag): F[][] =>
      this.tiers.map((tier) => {
        const out: F[] = [];
        for (const opt of tier) {
          if (!opt.flags.has(flag)) continue;
          const fn = reg.get(opt.name);
          if (fn !== undefined) out.push(fn);
        }
        return out;
      });
    this.c = {
      jobOrder: flat(this.jobOrderFns, 'jobOrder'),
      queueOrder: flat(this.queueOrderFns, 'queueOrder'),
      victimQueueOrder: flat(this.victimQueueOrderFns, null),
      taskOrder: flat(this.taskOrderFns, 'taskOrder'),
      jobReady: flat(this.jobReadyFns, 'jobReady'),
      jobPipelined: tiered(this.jobPipelinedFns, 'jobPipelined'),
      jobEnqueueable: tiered(this.jobEnqueueableFns, 'jobEnqueued'),
      jobEnqueued: flat(this.jobEnqueuedFns, 'jobEnqueued'),
      jobStarving: tiered(this.jobStarvingFns, 'jobStarving'),
      jobValid: flat(this.jobValidFns, null),
      allocatable: flat(this.allocatableFns, 'allocatable'),
      overused: flat(this.overusedFns, 'overused'),
      preemptive: flat(this.preemptiveFns, 'preemptive'),
      preemptable: tiered(this.preemptableFns, 'preemptable'),
      reclaimable: tiered(this.reclaimableFns, 'reclaimable'),
      predicate: flat(this.predicateFns, 'predicate'),
      prePredicate: flat(this.prePredicateFns, 'predicate'),
      nodeOrder: flat(this.nodeOrderFns, 'nodeOrder'),
      batchNodeOrder: flat(this.batchNodeOrderFns, 'nodeOrder'),
    };
  }

  hasAction(name: ActionName): boolean {
    return this.actions.includes(name);
  }

  addEventHandler(h: EventHandler): void {
    this.eventHandlers.push(h);
  }

  // ---- tier dispatch -------------------------------------------------------------------------

  private *enabled<F>(reg: Registry<F>, flag: PluginFlag | null): Generator<[number, F]> {
    for (let t = 0; t < this.tiers.length; t++) {
      for (const opt of this.tiers[t]) {
        if (flag !== null && !opt.flags.has(flag)) continue;
        const fn = reg.get(opt.name);
        if (fn !== undefined) yield [t, fn];
      }
    }
  }

  jobOrderFn(l: JobInfo, r: JobInfo): boolean {
    for (const fn of this.c.jobOrder) {
      const j = fn(l, r);
      if (j !== 0) return j < 0;
    }
    if (l.creationTime === r.creationTime) return l.uid < r.uid;
    return l.creationTime < r.creationTime;
  }

  queueOrderFn(l: QueueInfo, r: QueueInfo): boolean {
    for (const fn of this.c.queueOrder) {
      const j = fn(l, r);
      if (j !== 0) return j < 0;
    }
    if (l.creationTime === r.creationTime) return l.uid < r.uid;
    return l.creationTime < r.creationTime;
  }

  /** Victims from different queues: plugins' victim-queue order, else the reverse QueueOrder. */
  victimQueueOrderFn(l: QueueInfo, r: QueueInfo, preemptor: QueueInfo): boolean {
    for (const fn of this.c.victimQueueOrder) {
      const j = fn(l, r, preemptor);
      if (j !== 0) return j < 0;
    }
    return !this.queueOrderFn(l, r);
  }

  taskOrderFn(l: TaskInfo, r: TaskInfo): boolean {
    for (const fn of this.c.taskOrder) {
      const j = fn(l, r);
      if (j !== 0) return j < 0;
    }
    return compareTaskDefault(l, r);
  }

  /**
   * Victim order (BuildVictimsPriorityQueue): same job -> reverse TaskOrder; different queues ->
   * VictimQueueOrder; otherwise reverse JobOrder.
   */
  victimLess(l: TaskInfo, r: TaskInfo, preemptor: TaskInfo): boolean {
    if (l.job === r.job) return !this.taskOrderFn(l, r);
    if (l.job.queue !== r.job.queue) return this.victimQueueOrderFn(l.job.queue, r.job.queue, preemptor.job.queue);
    return !this.jobOrderFn(l.job, r.job);
  }

  jobReady(job: JobInfo): boolean {
    for (const fn of this.c.jobReady) if (!fn(job)) return false;
    return true;
  }

  jobPipelined(job: JobInfo): boolean {
    return vote(this.c.jobPipelined, job);
  }

  jobEnqueueable(job: JobInfo): boolean {
    return vote(this.c.jobEnqueueable, job);
  }

  jobEnqueued(job: JobInfo): void {
    for (const fn of this.c.jobEnqueued) fn(job);
  }

  jobStarving(job: JobInfo): boolean {
    for (const tier of this.c.jobStarving) {
      if (tier.length === 0) continue;
      for (const fn of tier) if (!fn(job)) return false;
      return true;
    }
    return false;
  }

  jobValid(job: JobInfo): ValidateResult | null {
    for (const fn of this.c.jobValid) {
      const vr = fn(job);
      if (vr !== null && !vr.pass) return vr;
    }
    return null;
  }

  allocatable(queue: QueueInfo, task: TaskInfo): boolean {
    for (const fn of this.c.allocatable) if (!fn(queue, task)) return false;
    return true;
  }

  overused(queue: QueueInfo): boolean {
    for (const fn of this.c.overused) if (fn(queue)) return true;
    return false;
  }

  preemptive(queue: QueueInfo, task: TaskInfo): boolean {
    for (const fn of this.c.preemptive) if (!fn(queue, task)) return false;
    return true;
  }

  preemptable(preemptor: TaskInfo, preemptees: readonly TaskInfo[]): TaskInfo[] {
    return victims(this.c.preemptable, preemptor, preemptees);
  }

  reclaimable(reclaimer: TaskInfo, reclaimees: readonly TaskInfo[]): TaskInfo[] {
    return victims(this.c.reclaimable, reclaimer, reclaimees);
  }

  predicate(task: TaskInfo, node: NodeInfo): string | null {
    for (const fn of this.c.predicate) {
      const err = fn(task, node);
      if (err !== null) return err;
    }
    return null;
  }

  prePredicate(task: TaskInfo): string | null {
    for (const fn of this.c.prePredicate) {
      const err = fn(task);
      if (err !== null) return err;
    }
    return null;
  }

  /** Sum of the NodeOrder and BatchNodeOrder scores of the enabled plugins. */
  nodeScores(task: TaskInfo, nodes: readonly NodeInfo[]): Float64Array {
    const scores = new Float64Array(nodes.length);
    for (const fn of this.c.nodeOrder) {
      for (let i = 0; i < nodes.length; i++) scores[i] += fn(task, nodes[i]);
    }
    for (const fn of this.c.batchNodeOrder) {
      const s = fn(task, nodes);
      for (let i = 0; i < nodes.length; i++) scores[i] += s[i];
    }
    return scores;
  }

  // ---- state changes -------------------------------------------------------------------------

  node(name: string | null): NodeInfo | undefined {
    return name === null ? undefined : this.nodeByName.get(name);
  }

  private fireAllocate(t: TaskInfo): void {
    for (const h of this.eventHandlers) h.allocate?.(t);
  }

  private fireDeallocate(t: TaskInfo): void {
    for (const h of this.eventHandlers) h.deallocate?.(t);
  }

  /** Pending -> Allocated on `node` (session only). */
  allocateTask(t: TaskInfo, node: NodeInfo): void {
    t.job.updateTaskStatus(t, 'Allocated');
    t.nodeName = node.name;
    node.addTask(t);
    this.fireAllocate(t);
  }

  /** Pending -> Pipelined on `node`: reserved against the node's future idle. */
  pipelineTask(t: TaskInfo, node: NodeInfo): void {
    t.job.updateTaskStatus(t, 'Pipelined');
    t.nodeName = node.name;
    node.addTask(t);
    this.fireAllocate(t);
  }

  /** Running/Bound -> Releasing (its resources become FutureIdle). */
  evictTask(t: TaskInfo): void {
    const node = this.node(t.nodeName);
    if (node) node.removeTask(t);
    t.job.updateTaskStatus(t, 'Releasing');
    if (node) node.addTask(t);
    this.fireDeallocate(t);
  }

  unallocateTask(t: TaskInfo): void {
    const node = this.node(t.nodeName);
    if (node) node.removeTask(t);
    t.job.updateTaskStatus(t, 'Pending');
    this.fireDeallocate(t); // handlers still see the node the task is leaving
    t.nodeName = null;
  }

  unpipelineTask(t: TaskInfo): void {
    this.unallocateTask(t);
  }

  unevictTask(t: TaskInfo, status: 'Running' | 'Bound'): void {
    const node = this.node(t.nodeName);
    if (node) node.removeTask(t);
    t.job.updateTaskStatus(t, status);
    if (node) node.addTask(t);
    this.fireAllocate(t);
  }

  /** Send the bind: Allocated -> Binding, recorded in the output. */
  dispatch(t: TaskInfo): void {
    t.job.updateTaskStatus(t, 'Binding');
    const cards = this.taskDevices.get(t.uid);
    this.binds.push(cards ? { task: t.key, node: t.nodeName as string, gpuIndex: cards.slice() } : { task: t.key, node: t.nodeName as string });
  }

  /**
   * Session-level `Allocate` (used by backfill): allocate, then if the job is ready, dispatch all
   * of its Allocated tasks.
   */
  allocateAndDispatch(t: TaskInfo, node: NodeInfo): void {
    this.allocateTask(t, node);
    const job = t.job;
    if (this.jobReady(job)) for (const at of job.tasksWith('Allocated')) this.dispatch(at);
  }

  // ---- close ---------------------------------------------------------------------------------

  close(): SessionResult {
    for (const p of this.plugins) p.onSessionClose?.(this);
    const conditions = new Map<string, PodGroupCondition>();
    for (const p of this.plugins) {
      const c = p.conditions?.();
      if (c) for (const [k, v] of c) if (!conditions.has(k)) conditions.set(k, v);
    }
    const podGroupPhases: Record<string, PodGroupPhase> = {};
    const podGroupConditions: Record<string, PodGroupCondition> = {};
    for (const job of this.jobs) {
      const cond = conditions.get(job.uid);
      if (cond) podGroupConditions[job.uid] = cond;
      podGroupPhases[job.uid] = podGroupPhase(job, cond?.type === 'Unschedulable');
    }
    const queues: Record<string, QueueReport> = {};
    for (const p of this.plugins) {
      const reports = p.queueReports?.(this);
      if (!reports) continue;
      for (const q of this.queues) {
        const r = reports.get(q.name);
        if (r && !(q.name in queues)) queues[q.name] = r;
      }
    }
    const pipelined: Placement[] = [];
    for (const t of this.committedPipelines.values()) {
      if (t.status === 'Pipelined' && t.nodeName !== null) pipelined.push({ task: t.key, node: t.nodeName });
    }
    return {
      binds: this.binds.slice(),
      evictions: this.evictions.slice(),
      pipelined,
      podGroupPhases,
      podGroupConditions,
      queues,
      nextNodeScanStart: this.nodeScanStart,
    };
  }
}

interface Compiled {
  jobOrder: CompareFn<JobInfo>[];
  queueOrder: CompareFn<QueueInfo>[];
  victimQueueOrder: VictimQueueCompareFn[];
  taskOrder: CompareFn<TaskInfo>[];
  jobReady: ((j: JobInfo) => boolean)[];
  jobPipelined: ((j: JobInfo) => Vote)[][];
  jobEnqueueable: ((j: JobInfo) => Vote)[][];
  jobEnqueued: ((j: JobInfo) => void)[];
  jobStarving: ((j: JobInfo) => boolean)[][];
  jobValid: ((j: JobInfo) => ValidateResult | null)[];
  allocatable: ((q: QueueInfo, t: TaskInfo) => boolean)[];
  overused: ((q: QueueInfo) => boolean)[];
  preemptive: ((q: QueueInfo, t: TaskInfo) => boolean)[];
  preemptable: EvictableFn[][];
  reclaimable: EvictableFn[][];
  predicate: PredicateFn[];
  prePredicate: PrePredicateFn[];
  nodeOrder: NodeOrderFn[];
  batchNodeOrder: BatchNodeOrderFn[];
}

function emptyCompiled(): Compiled {
  return {
    jobOrder: [],
    queueOrder: [],
    victimQueueOrder: [],
    taskOrder: [],
    jobReady: [],
    jobPipelined: [],
    jobEnqueueable: [],
    jobEnqueued: [],
    jobStarving: [],
    jobValid: [],
    allocatable: [],
    overused: [],
    preemptive: [],
    preemptable: [],
    reclaimable: [],
    predicate: [],
    prePredicate: [],
    nodeOrder: [],
    batchNodeOrder: [],
  };
}

/** JobPipelined / JobEnqueueable: any reject -> false; a tier with a permit -> true; else true. */
function vote(tiers: ((j: JobInfo) => Vote)[][], job: JobInfo): boolean {
  for (const tier of tiers) {
    let permit = false;
    for (const fn of tier) {
      const v = fn(job);
      if (v === REJECT) return false;
      if (v === PERMIT) permit = true;
    }
    if (permit) return true;
  }
  return true;
}

/**
 * Preemptable / Reclaimable: within a tier, the intersection of the lists (order of the first);
 * an abstaining plugin is skipped; a plugin returning nothing (or an empty intersection) empties
 * the tier; the first tier with a non-empty result decides.
 */
function victims(tiers: EvictableFn[][], evictor: TaskInfo, candidates: readonly TaskInfo[]): TaskInfo[] {
  for (const tier of tiers) {
    let found: TaskInfo[] | null = null;
    for (const fn of tier) {
      const [list, v] = fn(evictor, candidates);
      if (v === 0) continue; // abstain
      if (list.length === 0) {
        found = null;
        break;
      }
      if (found === null) {
        found = list.slice();
      } else {
        const keep = new Set(list);
        found = found.filter((t) => keep.has(t));
        if (found.length === 0) break;
      }
    }
    if (found !== null && found.length > 0) return found;
  }
  return [];
}

/**
 * Volcano `getPodGroupPhase` (framework/session.go): Unknown if some task runs and the job was
 * marked unschedulable this session; Running once scheduled tasks reach minMember (Completed if
 * all of them completed); otherwise Pending unless already Inqueue.
 */
export function podGroupPhase(job: JobInfo, unschedulable: boolean): PodGroupPhase {
  if (job.count('Running') !== 0 && unschedulable) return 'Unknown';
  let scheduled = 0;
  let completed = 0;
  for (const t of job.tasks) {
    if (isScheduledStatus(t.status)) scheduled++;
    if (isCompletedStatus(t.status)) completed++;
  }
  if (scheduled >= job.minAvailable) return scheduled === completed ? 'Completed' : 'Running';
  if (job.phase !== 'Inqueue') return 'Pending';
  return job.phase;
}
