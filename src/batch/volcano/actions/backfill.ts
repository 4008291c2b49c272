/**
 * backfill (actions/backfill/backfill.go): places BestEffort tasks only (Pending tasks with an
 * empty request; BestEffort tasks left Pipelined are un-pipelined first). Queues, jobs and tasks
 * are taken in QueueOrder / JobOrder / TaskOrder; each task goes to the best node passing the
 * predicates through the session-level Allocate, which binds every Allocated task of the job once
 * JobReady holds (no statement, no discard).
 */
import type { JobInfo } from '../job.js';
import type { NodeInfo } from '../node.js';
import { predicateNodes, prioritizeNodes, selectBestNode } from '../node-selection.js';
import { PriorityQueue } from '../priority-queue.js';
import type { QueueInfo } from '../queue.js';
import type { Session } from '../session.js';
import type { TaskInfo } from '../task.js';

export function backfill(ssn: Session): void {
  const queues = new PriorityQueue<QueueInfo>((l, r) => ssn.queueOrderFn(l, r));
  const jobsByQueue = new Map<QueueInfo, PriorityQueue<JobInfo>>();
  const tasksByJob = new Map<JobInfo, PriorityQueue<TaskInfo>>();
  for (const job of ssn.jobs) {
    if (job.isPending()) continue;
    if (ssn.jobValid(job) !== null) continue;
    for (const t of job.tasks) {
      if (!t.bestEffort || t.schedulingGated) continue;
      if (t.status === 'Pipelined') ssn.unpipelineTask(t);
      if (t.status !== 'Pending') continue;
      let tasks = tasksByJob.get(job);
      if (!tasks) {
        tasks = new PriorityQueue<TaskInfo>((l, r) => ssn.taskOrderFn(l, r));
        tasksByJob.set(job, tasks);
        let jobs = jobsByQueue.get(job.queue);
        if (!jobs) {
          jobs = new PriorityQueue<JobInfo>((l, r) => ssn.jobOrderFn(l, r));
          jobsByQueue.set(job.queue, jobs);
          queues.push(job.queue);
        }
        jobs.push(job);
      }
      tasks.push(t);
    }
  }
  const order: TaskInfo[] = [];
  while (!queues.empty()) {
    const q = queues.pop();
    const jobs = jobsByQueue.get(q) as PriorityQueue<JobInfo>;
    while (!jobs.empty()) {
      const tasks = tasksByJob.get(jobs.pop()) as PriorityQueue<TaskInfo>;
      while (!tasks.empty()) order.push(tasks.pop());
    }
  }
  const fits = (t: TaskInfo, n: NodeInfo): string | null => {
    // Session-level Allocate takes Idle only (node.AddTask fails on releasing resources).
    if (!n.fitsIdle(ssn.schema, t.resreq)) return 'Insufficient resources';
    return ssn.predicate(t, n);
  };
  for (const task of order) {
    const job = task.job;
    if (ssn.prePredicate(task) !== null) continue;
    const scan = predicateNodes(ssn, task, ssn.nodes, fits);
    if (scan.feasible.length === 0) {
      job.recordFitError(task, 'no node fits the BestEffort task');
      continue;
    }
    const node =
      scan.feasible.length === 1 ? scan.feasible[0] : selectBestNode(scan.feasible, prioritizeNodes(ssn, task, scan.feasible));
    if (node === null) continue;
    ssn.allocateAndDispatch(task, node);
  }
}
