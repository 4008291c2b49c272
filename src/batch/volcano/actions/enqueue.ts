/**
 * enqueue (actions/enqueue/enqueue.go): admit Pending PodGroups. Queues are taken in QueueOrder
 * and, within a queue, Pending jobs in JobOrder, one job per queue turn. A job becomes Inqueue
 * if it has no minResources or JobEnqueueable permits; JobEnqueued then updates the plugins'
 * inqueue accounting.
 */
import type { JobInfo } from '../job.js';
import { PriorityQueue } from '../priority-queue.js';
import type { QueueInfo } from '../queue.js';
import type { Session } from '../session.js';

export function enqueue(ssn: Session): void {
  const queues = new PriorityQueue<QueueInfo>((l, r) => ssn.queueOrderFn(l, r));
  const seen = new Set<QueueInfo>();
  const jobsByQueue = new Map<QueueInfo, PriorityQueue<JobInfo>>();
  for (const job of ssn.jobs) {
    const q = job.queue;
    if (!seen.has(q)) {
      seen.add(q);
      queues.push(q);
    }
    if (job.isPending()) {
      let pq = jobsByQueue.get(q);
      if (!pq) {
        pq = new PriorityQueue<JobInfo>((l, r) => ssn.jobOrderFn(l, r));
        jobsByQueue.set(q, pq);
      }
      pq.push(job);
    }
  }
  while (!queues.empty()) {
    const q = queues.pop();
    const jobs = jobsByQueue.get(q);
    if (!jobs || jobs.empty()) continue;
    const job = jobs.pop();
    if (job.minResources === null || ssn.jobEnqueueable(job)) {
      ssn.jobEnqueued(job);
      job.phase = 'Inqueue';
    }
    queues.push(q);
  }
}
