/**
 * drf (plugins/drf/drf.go), without `enableHierarchy` (HDRF is out of scope, spec §10/§16).
 *
 * share(J) = max over the cluster's resource names (total >= tolerance, pods and GPUs included)
 * of allocated_J / total, where allocated = Allocated-class tasks; updated on every
 * allocate/deallocate event. JobOrder: lower share first. Preemptable: a victim T of job R for
 * preemptor P is allowed iff share(P.alloc + P.request) < share(R.alloc - T) or the two are
 * within 1e-6; R's tally decreases as candidates are walked.
 */
import { add, clone, shareOf, sub, type ResourceSchema } from '../resource.js';
import type { JobInfo } from '../job.js';
import { PERMIT, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import type { TaskInfo } from '../task.js';

const SHARE_DELTA = 1e-6;

/** Dominant resource and share of `allocated` against `total` (first maximum in schema order). */
export function dominantShare(schema: ResourceSchema, allocated: Float64Array, total: Float64Array): { resource: string; share: number } {
  let res = 0;
  let name = '';
  for (const d of schema.presentDims(total)) {
    const s = shareOf(allocated[d], total[d]);
    if (s > res) {
      res = s;
      name = schema.names[d];
    }
  }
  return { resource: name, share: res };
}

/** drf's preemptable decision for one candidate, from the job allocations involved. */
export function drfIsVictim(
  schema: ResourceSchema,
  total: Float64Array,
  preemptorJobAllocated: Float64Array,
  preemptorRequest: Float64Array,
  victimJobAllocated: Float64Array,
  victimRequest: Float64Array,
): { ls: number; rs: number; victim: boolean } {
  const l = add(clone(preemptorJobAllocated), preemptorRequest);
  const r = sub(clone(victimJobAllocated), victimRequest);
  const ls = dominantShare(schema, l, total).share;
  const rs = dominantShare(schema, r, total).share;
  return { ls, rs, victim: ls < rs || Math.abs(ls - rs) <= SHARE_DELTA };
}

class DrfPlugin implements Plugin {
  readonly name = 'drf';
  private readonly shares = new Map<JobInfo, number>();

  onSessionOpen(ssn: Session): void {
    const { schema, totalResource: total } = ssn;
    const update = (job: JobInfo): void => {
      this.shares.set(job, dominantShare(schema, job.allocated, total).share);
    };
    for (const job of ssn.jobs) update(job);

    ssn.jobOrderFns.set(this.name, (l, r) => {
      const ls = this.shares.get(l) ?? 0;
      const rs = this.shares.get(r) ?? 0;
      return ls === rs ? 0 : ls < rs ? -1 : 1;
    });

    ssn.preemptableFns.set(this.name, (preemptor: TaskInfo, preemptees: readonly TaskInfo[]) => {
      const lalloc = add(clone(preemptor.job.allocated), preemptor.resreq);
      const ls = dominantShare(schema, lalloc, total).share;
      const tallies = new Map<JobInfo, Float64Array>();
      const victims: TaskInfo[] = [];
      for (const t of preemptees) {
        let ralloc = tallies.get(t.job);
        if (!ralloc) {
          ralloc = clone(t.job.allocated);
          tallies.set(t.job, ralloc);
        }
        sub(ralloc, t.resreq);
        const rs = dominantShare(schema, ralloc, total).share;
        if (ls < rs || Math.abs(ls - rs) <= SHARE_DELTA) victims.push(t);
      }
      return [victims, PERMIT];
    });

    // job.allocated is maintained by JobInfo itself; recompute the share on every event.
    ssn.addEventHandler({ allocate: (t) => update(t.job), deallocate: (t) => update(t.job) });
  }
}

export function drf(_args: PluginArguments): Plugin {
  return new DrfPlugin();
}
