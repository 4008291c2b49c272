/**
 * Volcano `JobInfo` (api/job_info.go): a PodGroup and its tasks, with the gang counters the
 * plugins read (`ReadyTaskNum`, `WaitingTaskNum`, `ValidTaskNum`, per-role checks). Counters by
 * status are maintained incrementally so JobReady after every placement is O(1) for jobs without
 * per-role minimums.
 */
import { add, sub } from './resource.js';
import type { JobSpec, PodGroupPhase, TaskStatus } from './types.js';
import { isAllocatedStatus, type TaskInfo } from './task.js';
import type { QueueInfo } from './queue.js';

const STATUSES: readonly TaskStatus[] = [
  'Pending',
  'Allocated',
  'Pipelined',
  'Binding',
  'Bound',
  'Running',
  'Releasing',
  'Succeeded',
  'Failed',
  'Unknown',
];
const STATUS_INDEX = new Map<TaskStatus, number>(STATUSES.map((s, i) => [s, i]));

function si(s: TaskStatus): number {
  const i = STATUS_INDEX.get(s);
  if (i === undefined) throw new Error(`unknown task status '${s}'`);
  return i;
}

export class JobInfo {
  /** `namespace/name` (the vectors' job UID). */
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly queue: QueueInfo;
  readonly minAvailable: number;
  readonly taskMinAvailable: ReadonlyMap<string, number>;
  readonly taskMinAvailableTotal: number;
  readonly priority: number;
  readonly creationTime: number;
  /** PodGroup `spec.minResources`, or null when unset. */
  readonly minResources: Float64Array | null;
  readonly tasks: TaskInfo[] = [];
  /** PodGroup `status.phase`; enqueue/allocate move it to Inqueue. */
  phase: PodGroupPhase;
  /** Sum of requests of Allocated-class tasks (Volcano `job.Allocated`). */
  readonly allocated: Float64Array;
  /** Predicate failures recorded this session, by task UID (Volcano `NodesFitErrors`). */
  readonly fitErrors = new Map<string, string>();
  private readonly failedRoles = new Set<string>();
  private readonly counts = new Int32Array(STATUSES.length);
  private pendingBestEffort = 0;

  constructor(spec: JobSpec, queue: QueueInfo, size: number, minResources: Float64Array | null) {
    this.name = spec.name;
    this.namespace = spec.namespace;
    this.uid = `${spec.namespace}/${spec.name}`;
    this.queue = queue;
    this.minAvailable = spec.minMember ?? 0;
    const tm = new Map<string, number>();
    let total = 0;
    for (const [role, n] of Object.entries(spec.minTaskMember ?? {})) {
      tm.set(role, n);
      total += n;
    }
    this.taskMinAvailable = tm;
    this.taskMinAvailableTotal = total;
    this.priority = spec.priority ?? 0;
    this.creationTime = spec.creationTime ?? 0;
    this.minResources = minResources;
    this.phase = spec.phase ?? 'Inqueue';
    this.allocated = new Float64Array(size);
  }

  addTask(t: TaskInfo): void {
    this.tasks.push(t);
    this.account(t, 1);
  }

  private account(t: TaskInfo, sign: 1 | -1): void {
    this.counts[si(t.status)] += sign;
    if (t.status === 'Pending' && t.bestEffort) this.pendingBestEffort += sign;
    if (isAllocatedStatus(t.status)) {
      if (sign > 0) add(this.allocated, t.resreq);
      else sub(this.allocated, t.resreq);
    }
  }

  /** Volcano `UpdateTaskStatus`. */
  updateTaskStatus(t: TaskInfo, status: TaskStatus): void {
    this.account(t, -1);
    t.status = status;
    this.account(t, 1);
  }

  count(s: TaskStatus): number {
    return this.counts[si(s)];
  }

  /** Tasks with the given status, in snapshot order. */
  tasksWith(s: TaskStatus): TaskInfo[] {
    return this.tasks.filter((t) => t.status === s);
  }

  isPending(): boolean {
    return this.phase === 'Pending';
  }

  /** Bound + Binding + Running + Allocated + Succeeded. */
  readyTaskNum(): number {
    return (
      this.count('Bound') + this.count('Binding') + this.count('Running') + this.count('Allocated') + this.count('Succeeded')
    );
  }

  waitingTaskNum(): number {
    return this.count('Pipelined');
  }

  /** Allocated-class + Succeeded + Pipelined + Pending. */
  validTaskNum(): number {
    return (
      this.count('Allocated') +
      this.count('Binding') +
      this.count('Bound') +
      this.count('Running') +
      this.count('Succeeded') +
      this.count('Pipelined') +
      this.count('Pending')
    );
  }

  pendingBestEffortTaskNum(): number {
    return this.pendingBestEffort;
  }

  /** Allocated-class + Succeeded (Volcano `CalculateAllocatedTaskNum`). */
  allocatedTaskNum(): number {
    return this.count('Allocated') + this.count('Binding') + this.count('Bound') + this.count('Running') + this.count('Succeeded');
  }

  isReady(): boolean {
    return this.readyTaskNum() + this.pendingBestEffort >= this.minAvailable;
  }

  isPipelined(): boolean {
    return this.waitingTaskNum() + this.readyTaskNum() + this.pendingBestEffort >= this.minAvailable;
  }

  isStarving(): boolean {
    return this.waitingTaskNum() + this.readyTaskNum() < this.minAvailable;
  }

  /** Per-role checks apply only when minAvailable >= Σ minTaskMember. */
  private rolesApply(): boolean {
    return this.taskMinAvailable.size > 0 && this.minAvailable >= this.taskMinAvailableTotal;
  }

  private roleCounts(pred: (t: TaskInfo) => boolean): Map<string, number> {
    const m = new Map<string, number>();
    for (const t of this.tasks) if (pred(t)) m.set(t.role, (m.get(t.role) ?? 0) + 1);
    return m;
  }

  private rolesMeet(counts: Map<string, number>, skipZero: boolean): boolean {
    for (const [role, min] of this.taskMinAvailable) {
      if (skipZero && min === 0) continue;
      if ((counts.get(role) ?? 0) < min) return false;
    }
    return true;
  }

  /** Volcano `CheckTaskValid`: per role, Allocated-class + Succeeded + Pipelined + Pending >= min. */
  checkTaskValid(): boolean {
    if (!this.rolesApply()) return true;
    const c = this.roleCounts(
      (t) => isAllocatedStatus(t.status) || t.status === 'Succeeded' || t.status === 'Pipelined' || t.status === 'Pending',
    );
    return this.rolesMeet(c, true);
  }

  /** Allocated-class + Succeeded + pending BestEffort, per role. */
  private allocatedRoles(): Map<string, number> {
    return this.roleCounts(
      (t) => isAllocatedStatus(t.status) || t.status === 'Succeeded' || (t.status === 'Pending' && t.bestEffort),
    );
  }

  checkTaskReady(): boolean {
    if (!this.rolesApply()) return true;
    return this.rolesMeet(this.allocatedRoles(), false);
  }

  checkTaskPipelined(): boolean {
    if (!this.rolesApply()) return true;
    const c = this.roleCounts(
      (t) =>
        isAllocatedStatus(t.status) ||
        t.status === 'Succeeded' ||
        t.status === 'Pipelined' ||
        (t.status === 'Pending' && t.bestEffort),
    );
    return this.rolesMeet(c, false);
  }

  recordFitError(t: TaskInfo, reason: string): void {
    this.fitErrors.set(t.uid, reason);
    this.failedRoles.add(t.role);
  }

  /**
   * Volcano's `JobInfo.FitError` (api/job_info.go), the tail of the gang condition's message:
   * `pod group is not ready, 4 Pending, 4 minAvailable; Pending: 4 Unschedulable. Origin reason
   * is w-0: 0/12 nodes are unavailable: 12 Insufficient nvidia.com/gpu.` Each histogram is
   * `<count> <key>` sorted as Go's sort.Strings does. Every Pending task counts as Unschedulable:
   * Volcano says Schedulable for one a discarded statement had allocated (its LastTransaction),
   * which fleetsim does not keep. The origin is the first task with a fit error in task order
   * (Go walks a map there, in no fixed order).
   */
  fitError(): string {
    const byStatus = new Map<string, number>();
    for (const t of this.tasks) byStatus.set(t.status, (byStatus.get(t.status) ?? 0) + 1);
    byStatus.set('minAvailable', this.minAvailable);
    const histogram = (m: Map<string, number>) => [...m].map(([k, v]) => `${v} ${k}`).sort().join(', ');
    let msg = `${this.isReady() ? 'pod group is ready' : 'pod group is not ready'}, ${histogram(byStatus)}`;
    const pending = this.count('Pending');
    if (pending > 0) msg += `; Pending: ${histogram(new Map([['Unschedulable', pending]]))}`;
    const origin = this.tasks.find((t) => this.fitErrors.has(t.uid));
    if (origin) msg += `. Origin reason is ${origin.name}: ${this.fitErrors.get(origin.uid)}`;
    return msg;
  }

  /** Roles of the tasks that failed predicates this session. */
  fitFailedRoles(): ReadonlySet<string> {
    return this.failedRoles;
  }

  /** The per-role predicate-error cache; tasks without a role never use it. */
  taskHasFitErrors(t: TaskInfo): boolean {
    if (t.role === '') return false;
    return this.failedRoles.has(t.role);
  }

  /**
   * Volcano `NeedContinueAllocating`: after a predicate failure, may allocation of this job go on
   * with its other tasks in this session?
   */
  needContinueAllocating(): boolean {
    if (this.minAvailable === this.tasks.length) return false;
    const failed = this.fitFailedRoles();
    if (this.minAvailable < this.taskMinAvailableTotal) {
      let left = 0;
      for (const t of this.tasks) if (t.status === 'Pending' && !failed.has(t.role)) left++;
      return this.readyTaskNum() + left >= this.minAvailable;
    }
    const allocated = this.allocatedRoles();
    for (const role of failed) {
      const min = this.taskMinAvailable.get(role) ?? 0;
      if (min === 0) continue;
      if ((allocated.get(role) ?? 0) < min) return false;
    }
    return true;
  }
}
