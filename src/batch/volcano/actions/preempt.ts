/**
 * preempt (actions/preempt/preempt.go): eviction within a queue (spec §14).
 *
 * For each queue with starving jobs (QueueOrder; Volcano iterates a Go map here), for each
 * starving job P (JobOrder), in one statement, while P starves and has Pending tasks: take the
 * next task (TaskOrder; preemptionPolicy Never is skipped); score the nodes passing the
 * predicates and try them by descending score: candidates are Running/Bound, preemptable tasks
 * of other jobs of the same queue (a BestEffort preemptor only takes BestEffort victims); victims
 * = Preemptable(task, candidates); skip the node unless victims exist and request <= FutureIdle +
 * Σ victims; evict in victim order until Allocatable(queue, task) and request <= FutureIdle
 * (checked before each eviction); if that holds, pipeline the task there, else undo the node's
 * evictions. Commit if JobPipelined (and retry the job while it was assigned), else discard.
 * Then intra-job: for each starving job of the queue, each Pending task may evict lower-priority
 * tasks of its own job (one committed statement per task) until one fails.
 */
import type { JobInfo } from '../job.js';
import { predicateNodes, prioritizeNodes, sortNodesByScore } from '../node-selection.js';
import { PriorityQueue } from '../priority-queue.js';
import type { QueueInfo } from '../queue.js';
import type { Session } from '../session.js';
import { Statement } from '../statement.js';
import { isPreemptableStatus, type TaskInfo } from '../task.js';
import { validVictims } from './reclaim.js';

export function preempt(ssn: Session): void {
  const queues: QueueInfo[] = [];
  const seen = new Set<QueueInfo>();
  const preemptors = new Map<QueueInfo, PriorityQueue<JobInfo>>();
  const preemptorTasks = new Map<JobInfo, PriorityQueue<TaskInfo>>();
  const underRequest = new Map<QueueInfo, JobInfo[]>();
  const pendingQueue = (job: JobInfo): PriorityQueue<TaskInfo> => {
    const pq = new PriorityQueue<TaskInfo>((l, r) => ssn.taskOrderFn(l, r));
    for (const t of job.tasks) if (t.status === 'Pending' && !t.schedulingGated) pq.push(t);
    return pq;
  };

  for (const job of ssn.jobs) {
    if (job.isPending()) continue;
    if (ssn.jobValid(job) !== null) continue;
    const q = job.queue;
    if (!seen.has(q)) {
      seen.add(q);
      queues.push(q);
    }
    if (!ssn.jobStarving(job)) continue;
    let jobs = preemptors.get(q);
    if (!jobs) {
      jobs = new PriorityQueue<JobInfo>((l, r) => ssn.jobOrderFn(l, r));
      preemptors.set(q, jobs);
      underRequest.set(q, []);
    }
    jobs.push(job);
    (underRequest.get(q) as JobInfo[]).push(job);
    preemptorTasks.set(job, pendingQueue(job));
  }
  // Deterministic stand-in for Volcano's map iteration over queues.
  queues.sort((a, b) => (ssn.queueOrderFn(a, b) ? -1 : ssn.queueOrderFn(b, a) ? 1 : 0));

  for (const queue of queues) {
    const jobs = preemptors.get(queue);
    if (jobs) {
      while (!jobs.empty()) {
        const job = jobs.pop();
        const tasks = preemptorTasks.get(job) as PriorityQueue<TaskInfo>;
        const stmt = new Statement(ssn);
        let assigned = false;
        while (ssn.jobStarving(job) && !tasks.empty()) {
          const task = tasks.pop();
          if (task.preemptionPolicy === 'Never') continue;
          assigned = preemptForTask(ssn, stmt, task, (t) => {
            if (!isPreemptableStatus(t.status)) return false;
            if (task.bestEffort && !t.bestEffort) return false;
            if (!t.preemptable) return false;
            return t.job.queue === job.queue && t.job !== job;
          });
        }
        if (ssn.jobPipelined(job)) {
          stmt.commit();
          if (assigned) jobs.push(job);
        } else {
          stmt.discard();
        }
      }
    }
    for (const job of underRequest.get(queue) ?? []) {
      const tasks = pendingQueue(job);
      while (!tasks.empty()) {
        const task = tasks.pop();
        if (task.preemptionPolicy === 'Never') continue;
        const stmt = new Statement(ssn);
        const assigned = preemptForTask(ssn, stmt, task, (t) => {
          if (!isPreemptableStatus(t.status)) return false;
          if (task.bestEffort && !t.bestEffort) return false;
          return t.job === job;
        });
        stmt.commit();
        if (!assigned) break;
      }
    }
  }
}

function preemptForTask(ssn: Session, stmt: Statement, task: TaskInfo, filter: (t: TaskInfo) => boolean): boolean {
  if (ssn.prePredicate(task) !== null) return false;
  const scan = predicateNodes(ssn, task, ssn.nodes, (t, n) => ssn.predicate(t, n));
  const nodes = sortNodesByScore(scan.feasible, prioritizeNodes(ssn, task, scan.feasible));
  const queue = task.job.queue;
  const fits = (): boolean => ssn.allocatable(queue, task);
  for (const node of nodes) {
    const candidates: TaskInfo[] = [];
    for (const t of node.tasks.values()) if (filter(t)) candidates.push(t);
    const victims = ssn.preemptable(task, candidates);
    if (!validVictims(ssn, task, node, victims)) continue;
    const order = new PriorityQueue<TaskInfo>((l, r) => ssn.victimLess(l, r, task));
    for (const v of victims) order.push(v);
    const nodeStmt = new Statement(ssn);
    while (!order.empty()) {
      if (fits() && node.fitsFutureIdle(ssn.schema, task.resreq)) break;
      nodeStmt.evict(order.pop(), 'preempt');
    }
    if (fits() && node.fitsFutureIdle(ssn.schema, task.resreq)) {
      nodeStmt.pipeline(task, node);
      stmt.merge(nodeStmt);
      return true;
    }
    nodeStmt.discard();
  }
  return false;
}
