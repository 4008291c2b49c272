/**
 * allocate (actions/allocate/allocate.go), flat path (spec §5).
 *
 * Jobs that are valid, Inqueue (Pending jobs are skipped when `enqueue` is configured, otherwise
 * promoted) and have Pending, non-BestEffort, non-gated tasks are grouped per queue. Repeatedly:
 * pop the best queue (dropped for this action if Overused), pop its best job, place its tasks in
 * TaskOrder until the job is ready (then one task per turn), commit if JobReady, keep the
 * statement's reservations uncommitted if only JobPipelined, else discard. Job and queue go back
 * with up-to-date order keys, so queues and jobs interleave.
 *
 * Task placement: Allocatable(queue, task); the per-role predicate-error cache; PrePredicate;
 * nodes passing `request <= FutureIdle` (every dimension) and the Predicate plugins; among them
 * those fitting Idle are preferred over those fitting only FutureIdle; one candidate is taken as
 * is, several are scored (see node-selection.ts for the tie-break). A task fitting Idle is
 * Allocated, one fitting only FutureIdle is Pipelined.
 */
import type { JobInfo } from '../job.js';
import type { NodeInfo } from '../node.js';
import { predicateNodes, prioritizeNodes, selectBestNode } from '../node-selection.js';
import { PriorityQueue } from '../priority-queue.js';
import type { QueueInfo } from '../queue.js';
import type { Session } from '../session.js';
import { Statement } from '../statement.js';
import type { TaskInfo } from '../task.js';

export function allocate(ssn: Session): void {
  if (ssn.version === 'v1.5.1') {
    allocateV151(ssn);
    return;
  }
  const hasEnqueue = ssn.hasAction('enqueue');
  const queues = new PriorityQueue<QueueInfo>((l, r) => ssn.queueOrderFn(l, r));
  const jobsByQueue = new Map<QueueInfo, PriorityQueue<JobInfo>>();
  const pendingTasks = new Map<JobInfo, PriorityQueue<TaskInfo>>();

  for (const job of ssn.jobs) {
    if (job.isPending()) {
      if (hasEnqueue) continue;
      job.phase = 'Inqueue';
    }
    if (ssn.jobValid(job) !== null) continue;
    const tasks = new PriorityQueue<TaskInfo>((l, r) => ssn.taskOrderFn(l, r));
    for (const t of job.tasks) {
      if (t.status === 'Pending' && !t.bestEffort && !t.schedulingGated) tasks.push(t);
    }
    if (tasks.empty()) continue;
    pendingTasks.set(job, tasks);
    let jobs = jobsByQueue.get(job.queue);
    if (!jobs) {
      jobs = new PriorityQueue<JobInfo>((l, r) => ssn.jobOrderFn(l, r));
      jobsByQueue.set(job.queue, jobs);
      queues.push(job.queue);
    }
    jobs.push(job);
  }

  const fits = allocatePredicate(ssn);

  while (!queues.empty()) {
    const queue = queues.pop();
    if (ssn.overused(queue)) continue;
    const jobs = jobsByQueue.get(queue);
    if (!jobs || jobs.empty()) continue;
    const job = jobs.pop();
    const tasks = pendingTasks.get(job) as PriorityQueue<TaskInfo>;
    const stmt = allocateForJob(ssn, queue, job, tasks, fits);
    if (stmt !== null && ssn.jobReady(job)) {
      stmt.commit();
      if (!tasks.empty()) jobs.push(job);
    }
    queues.push(queue);
  }
}

function allocateForJob(
  ssn: Session,
  queue: QueueInfo,
  job: JobInfo,
  tasks: PriorityQueue<TaskInfo>,
  fits: (t: TaskInfo, n: NodeInfo) => string | null,
): Statement | null {
  const stmt = new Statement(ssn);
  while (!tasks.empty()) {
    const task = tasks.pop();
    if (!ssn.allocatable(queue, task)) continue;
    if (job.taskHasFitErrors(task)) {
      job.recordFitError(task, 'task role failed predicates earlier in this session');
      continue;
    }
    const pre = ssn.prePredicate(task);
    const scan = pre === null ? predicateNodes(ssn, task, ssn.nodes, fits) : null;
    if (scan === null || scan.feasible.length === 0) {
      job.recordFitError(task, pre ?? summarize(scan?.errors));
      if (job.needContinueAllocating()) continue;
      break;
    }
    const idle: NodeInfo[] = [];
    const future: NodeInfo[] = [];
    for (const n of scan.feasible) (n.fitsIdle(ssn.schema, task.resreq) ? idle : future).push(n);
    const group = idle.length > 0 ? idle : future;
    let node: NodeInfo | null;
    if (group.length === 1) node = group[0];
    else node = selectBestNode(group, prioritizeNodes(ssn, task, group));
    if (node === null) continue;
    if (node.fitsIdle(ssn.schema, task.resreq)) stmt.allocate(task, node);
    else if (node.fitsFutureIdle(ssn.schema, task.resreq)) stmt.pipeline(task, node);
    if (ssn.jobReady(job)) break;
  }
  if (ssn.jobReady(job) || ssn.jobPipelined(job)) return stmt;
  stmt.discard();
  return null;
}

/** allocate's predicate (allocate.go `predicate`): room in FutureIdle, then the plugins' predicates. */
function allocatePredicate(ssn: Session): (t: TaskInfo, n: NodeInfo) => string | null {
  return (t, n) => {
    const short = n.shortOfFutureIdle(ssn.schema, t.resreq);
    if (short >= 0) return `Insufficient ${ssn.schema.names[short]}`;
    return ssn.predicate(t, n);
  };
}

/** Volcano's `FitErrors.Error` (api/unschedule_info.go): `0/12 nodes are unavailable: 12 <reason>.` */
function summarize(errors: Map<string, string> | undefined): string {
  if (!errors || errors.size === 0) return '0/0 nodes are unavailable';
  const counts = new Map<string, number>();
  for (const e of errors.values()) counts.set(e, (counts.get(e) ?? 0) + 1);
  const parts = [...counts.entries()].map(([e, n]) => `${n} ${e}`).sort();
  return `0/${errors.size} nodes are unavailable: ${parts.join(', ')}.`;
}

/**
 * allocate as in Volcano v1.5.1 (spec §15): namespaces in a priority queue (namespace name order,
 * no namespace-order plugin is modelled), in each the best non-overused queue, its best job;
 * Pending jobs are skipped; the first predicate failure stops the job for this action; all
 * feasible nodes are scored together (no Idle-first grouping). Commit / keep-if-pipelined /
 * discard as in master.
 */
function allocateV151(ssn: Session): void {
  const namespaces = new PriorityQueue<string>((l, r) => l < r);
  const byNamespace = new Map<string, Map<QueueInfo, PriorityQueue<JobInfo>>>();
  const pendingTasks = new Map<JobInfo, PriorityQueue<TaskInfo>>();
  for (const job of ssn.jobs) {
    if (job.isPending()) continue;
    if (ssn.jobValid(job) !== null) continue;
    let queues = byNamespace.get(job.namespace);
    if (!queues) {
      queues = new Map();
      byNamespace.set(job.namespace, queues);
      namespaces.push(job.namespace);
    }
    let jobs = queues.get(job.queue);
    if (!jobs) {
      jobs = new PriorityQueue<JobInfo>((l, r) => ssn.jobOrderFn(l, r));
      queues.set(job.queue, jobs);
    }
    jobs.push(job);
  }
  const fits = allocatePredicate(ssn);
  while (!namespaces.empty()) {
    const ns = namespaces.pop();
    const queues = byNamespace.get(ns) as Map<QueueInfo, PriorityQueue<JobInfo>>;
    let queue: QueueInfo | null = null;
    for (const [q, jobs] of [...queues]) {
      if (ssn.overused(q)) {
        queues.delete(q);
        continue;
      }
      if (jobs.empty()) continue;
      if (queue === null || ssn.queueOrderFn(q, queue)) queue = q;
    }
    if (queue === null) continue;
    const jobs = queues.get(queue) as PriorityQueue<JobInfo>;
    const job = jobs.pop();
    let tasks = pendingTasks.get(job);
    if (!tasks) {
      tasks = new PriorityQueue<TaskInfo>((l, r) => ssn.taskOrderFn(l, r));
      for (const t of job.tasks) if (t.status === 'Pending' && !t.bestEffort && !t.schedulingGated) tasks.push(t);
      pendingTasks.set(job, tasks);
    }
    const stmt = new Statement(ssn);
    while (!tasks.empty()) {
      const task = tasks.pop();
      if (!ssn.allocatable(queue, task)) continue;
      const scan = predicateNodes(ssn, task, ssn.nodes, fits);
      if (scan.feasible.length === 0) {
        job.recordFitError(task, summarize(scan.errors));
        break;
      }
      const node = scan.feasible.length === 1 ? scan.feasible[0] : selectBestNode(scan.feasible, prioritizeNodes(ssn, task, scan.feasible));
      if (node === null) continue;
      if (node.fitsIdle(ssn.schema, task.resreq)) stmt.allocate(task, node);
      else if (node.fitsFutureIdle(ssn.schema, task.resreq)) stmt.pipeline(task, node);
      if (ssn.jobReady(job) && !tasks.empty()) {
        jobs.push(job);
        break;
      }
    }
    if (ssn.jobReady(job)) stmt.commit();
    else if (!ssn.jobPipelined(job)) stmt.discard();
    namespaces.push(ns);
  }
}
