/**
 * reclaim (actions/reclaim/reclaim.go): cross-queue eviction for starving jobs (spec §13).
 *
 *   queues = queues of non-Pending, valid jobs (QueueOrder); per queue, its starving jobs
 *   (JobOrder) with their Pending, non-gated tasks (TaskOrder).
 *   pop a queue (skip if Overused) and one starving job; in a statement, while the job starves
 *   and has tasks: skip a task with preemptionPolicy Never, !Preemptive(queue, task) or a failed
 *   PrePredicate; for each node passing the predicates (resource fit not required), in scan
 *   order: reclaimees = Running, preemptable tasks of other queues whose queue is reclaimable;
 *   victims = Reclaimable(task, reclaimees); skip the node unless victims exist and task.request
 *   <= FutureIdle + Σ victims; evict in victim order, checking the fit before each eviction; if
 *   the task then fits FutureIdle, pipeline it there and keep the node's evictions, else undo
 *   them. Commit if JobPipelined, else discard; the queue goes back while it has starving jobs.
 * The reclaimer is only pipelined; it binds in a later session once the victims are gone.
 */
import type { JobInfo } from '../job.js';
import type { NodeInfo } from '../node.js';
import { predicateNodes } from '../node-selection.js';
import { PriorityQueue } from '../priority-queue.js';
import type { QueueInfo } from '../queue.js';
import type { Session } from '../session.js';
import { Statement } from '../statement.js';
import type { TaskInfo } from '../task.js';
import { add } from '../resource.js';

export function reclaim(ssn: Session): void {
  const queues = new PriorityQueue<QueueInfo>((l, r) => ssn.queueOrderFn(l, r));
  const seen = new Set<QueueInfo>();
  const preemptors = new Map<QueueInfo, PriorityQueue<JobInfo>>();
  const preemptorTasks = new Map<JobInfo, PriorityQueue<TaskInfo>>();
  for (const job of ssn.jobs) {
    if (job.isPending()) continue;
    if (ssn.jobValid(job) !== null) continue;
    const q = job.queue;
    if (!seen.has(q)) {
      seen.add(q);
      queues.push(q);
    }
    if (!ssn.jobStarving(job)) continue;
    const tasks = new PriorityQueue<TaskInfo>((l, r) => ssn.taskOrderFn(l, r));
    for (const t of job.tasks) if (t.status === 'Pending' && !t.schedulingGated) tasks.push(t);
    if (tasks.empty()) continue;
    let jobs = preemptors.get(q);
    if (!jobs) {
      jobs = new PriorityQueue<JobInfo>((l, r) => ssn.jobOrderFn(l, r));
      preemptors.set(q, jobs);
    }
    jobs.push(job);
    preemptorTasks.set(job, tasks);
  }

  while (!queues.empty()) {
    const queue = queues.pop();
    if (ssn.overused(queue)) continue;
    const jobs = preemptors.get(queue);
    if (!jobs || jobs.empty()) continue;
    const job = jobs.pop();
    const tasks = preemptorTasks.get(job) as PriorityQueue<TaskInfo>;
    const stmt = new Statement(ssn);
    while (ssn.jobStarving(job) && !tasks.empty()) {
      const task = tasks.pop();
      if (task.preemptionPolicy === 'Never') continue;
      if (!ssn.preemptive(queue, task)) continue;
      if (ssn.prePredicate(task) !== null) continue;
      reclaimForTask(ssn, stmt, task);
    }
    if (ssn.jobPipelined(job)) stmt.commit();
    else stmt.discard();
    if (!jobs.empty()) queues.push(queue);
  }
}

function reclaimForTask(ssn: Session, stmt: Statement, task: TaskInfo): boolean {
  const scan = predicateNodes(ssn, task, ssn.nodes, (t, n) => ssn.predicate(t, n));
  for (const node of scan.feasible) {
    const reclaimees: TaskInfo[] = [];
    for (const t of node.tasks.values()) {
      if (t.status !== 'Running' || !t.preemptable) continue;
      if (t.job.queue === task.job.queue) continue;
      if (!t.job.queue.reclaimable) continue;
      reclaimees.push(t);
    }
    const victims = ssn.reclaimable(task, reclaimees);
    if (!validVictims(ssn, task, node, victims)) continue;
    const order = new PriorityQueue<TaskInfo>((l, r) => ssn.victimLess(l, r, task));
    for (const v of victims) order.push(v);
    const nodeStmt = new Statement(ssn);
    while (!order.empty()) {
      if (node.fitsFutureIdle(ssn.schema, task.resreq)) break;
      nodeStmt.evict(order.pop(), 'reclaim');
    }
    if (node.fitsFutureIdle(ssn.schema, task.resreq)) {
      nodeStmt.pipeline(task, node);
      stmt.merge(nodeStmt);
      return true;
    }
    nodeStmt.discard();
  }
  return false;
}

/** Volcano `ValidateVictims`: victims exist and request <= FutureIdle + Σ victims. */
export function validVictims(ssn: Session, task: TaskInfo, node: NodeInfo, victims: readonly TaskInfo[]): boolean {
  if (victims.length === 0) return false;
  const future = node.futureIdle();
  for (const v of victims) add(future, v.resreq);
  return ssn.schema.lessEqual(task.resreq, future);
}

