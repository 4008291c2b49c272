/**
 * gang (plugins/gang/gang.go): all-or-nothing by PodGroup `minMember` / `minTaskMember`.
 *
 *   ready(J)   = #{Bound, Binding, Running, Allocated, Succeeded}
 *   waiting(J) = #{Pipelined}
 *   valid(J)   = #{Allocated-class, Succeeded, Pipelined, Pending}
 *   IsReady = ready + pendingBestEffort >= min;  IsPipelined = waiting + IsReady's sum >= min;
 *   IsStarving = waiting + ready < min.
 * JobValid: per-role valid counts and valid >= min, else the job is skipped for the session.
 * JobReady = per-role ready && IsReady; JobPipelined = per-role pipelined && IsPipelined
 * (permit or reject); JobStarving = IsStarving; JobOrder puts not-ready jobs first.
 * Preemptable / Reclaimable: a job gives victims only while its remaining ready count exceeds
 * minMember. At close it writes `Unschedulable` (or `Scheduled`) PodGroup conditions.
 */
import type { JobInfo } from '../job.js';
import { PERMIT, REJECT, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import type { TaskInfo } from '../task.js';
import type { PodGroupCondition, TaskStatus } from '../types.js';

/**
 * gang's `shouldSkipUnschedulableForReleasing`: a job that is not ready only because some of its
 * pods are terminating keeps its condition. True iff at least one Releasing task has a node, no
 * task is Pending or Pipelined, and Running + Bound + Failed + Succeeded + Releasing-with-node
 * reaches minMember.
 */
export function shouldSkipUnschedulableForReleasing(
  minMember: number,
  tasks: readonly { status: TaskStatus; node?: string | null }[],
): boolean {
  let releasingOnNode = 0;
  let occupied = 0;
  for (const t of tasks) {
    if (t.status === 'Pending' || t.status === 'Pipelined') return false;
    if (t.status === 'Releasing') {
      if (t.node) releasingOnNode++;
    } else if (t.status === 'Running' || t.status === 'Bound' || t.status === 'Failed' || t.status === 'Succeeded') {
      occupied++;
    }
  }
  return releasingOnNode > 0 && occupied + releasingOnNode >= minMember;
}

/** The victim filter shared by preemptable and reclaimable. */
export function gangVictims(candidates: readonly TaskInfo[]): TaskInfo[] {
  const occupied = new Map<JobInfo, number>();
  const victims: TaskInfo[] = [];
  for (const t of candidates) {
    const job = t.job;
    let n = occupied.get(job);
    if (n === undefined) n = job.readyTaskNum();
    if (n > job.minAvailable) {
      n--;
      victims.push(t);
    }
    occupied.set(job, n);
  }
  return victims;
}

export function gangJobValid(job: JobInfo): { pass: boolean; reason: string; message: string } | null {
  if (!job.checkTaskValid()) {
    return { pass: false, reason: 'NotEnoughPodsOfTask', message: 'Not enough valid pods of each task for gang-scheduling' };
  }
  const valid = job.validTaskNum();
  if (valid < job.minAvailable) {
    return {
      pass: false,
      reason: 'NotEnoughPods',
      message: `Not enough valid tasks for gang-scheduling, valid: ${valid}, min: ${job.minAvailable}`,
    };
  }
  return null;
}

export function gangJobReady(job: JobInfo): boolean {
  return job.checkTaskReady() && job.isReady();
}

export function gangJobPipelined(job: JobInfo): boolean {
  return job.checkTaskPipelined() && job.isPipelined();
}

class GangPlugin implements Plugin {
  readonly name = 'gang';
  private readonly conds = new Map<string, PodGroupCondition>();

  onSessionOpen(ssn: Session): void {
    ssn.jobValidFns.set(this.name, gangJobValid);
    const victims = (_e: TaskInfo, c: readonly TaskInfo[]): [TaskInfo[], typeof PERMIT] => [gangVictims(c), PERMIT];
    ssn.preemptableFns.set(this.name, victims);
    ssn.reclaimableFns.set(this.name, victims);
    ssn.jobOrderFns.set(this.name, (l, r) => {
      const lr = l.isReady();
      const rr = r.isReady();
      if (lr && rr) return 0;
      if (lr) return 1;
      if (rr) return -1;
      return 0;
    });
    ssn.jobReadyFns.set(this.name, gangJobReady);
    ssn.jobPipelinedFns.set(this.name, (j) => (gangJobPipelined(j) ? PERMIT : REJECT));
    ssn.jobStarvingFns.set(this.name, (j) => j.isStarving());
  }

  onSessionClose(ssn: Session): void {
    for (const job of ssn.jobs) {
      if (job.tasks.length === 0) continue;
      if (!job.isReady()) {
        const tasks = job.tasks.map((t) => ({ status: t.status, node: t.nodeName }));
        if (shouldSkipUnschedulableForReleasing(job.minAvailable, tasks)) continue;
        const unready = job.minAvailable - job.readyTaskNum();
        this.conds.set(job.uid, {
          type: 'Unschedulable',
          message: `${unready}/${job.tasks.length} tasks in gang unschedulable: ${job.fitError()}`,
        });
      } else {
        this.conds.set(job.uid, { type: 'Scheduled', message: 'tasks in gang are ready to be scheduled' });
      }
    }
  }

  conditions(): Map<string, PodGroupCondition> {
    return this.conds;
  }
}

export function gang(_args: PluginArguments): Plugin {
  return new GangPlugin();
}
