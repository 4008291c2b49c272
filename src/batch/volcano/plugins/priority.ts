/**
 * priority (plugins/priority/priority.go): TaskOrder by pod priority (higher first), JobOrder by
 * PodGroup priority (higher first), Preemptable (across jobs the victim's job priority must be
 * strictly lower than the preemptor's; within a job, the task priority), JobStarving
 * (ready + pipelined < #tasks).
 *
 * No Reclaimable function is registered: the spec (§13) lists the reclaim victim filters as
 * conformance, gang, proportion/capacity, and Volcano's own reclaim test "Node available
 * resources should be included in reclaimed resources" (vector reclaim-007) enables priority's
 * `reclaimable` flag with equal job priorities and still expects an eviction.
 */
import { PERMIT, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import type { TaskInfo } from '../task.js';

export function priorityVictims(preemptor: TaskInfo, preemptees: readonly TaskInfo[]): TaskInfo[] {
  const pj = preemptor.job;
  const out: TaskInfo[] = [];
  for (const t of preemptees) {
    if (t.job !== pj) {
      if (t.job.priority < pj.priority) out.push(t);
    } else if (t.priority < preemptor.priority) {
      out.push(t);
    }
  }
  return out;
}

class PriorityPlugin implements Plugin {
  readonly name = 'priority';

  onSessionOpen(ssn: Session): void {
    ssn.taskOrderFns.set(this.name, (l, r) => (l.priority === r.priority ? 0 : l.priority > r.priority ? -1 : 1));
    ssn.jobOrderFns.set(this.name, (l, r) => (l.priority > r.priority ? -1 : l.priority < r.priority ? 1 : 0));
    ssn.preemptableFns.set(this.name, (p, c) => [priorityVictims(p, c), PERMIT]);
    ssn.jobStarvingFns.set(this.name, (j) => j.readyTaskNum() + j.waitingTaskNum() < j.tasks.length);
  }
}

export function priority(_args: PluginArguments): Plugin {
  return new PriorityPlugin();
}
