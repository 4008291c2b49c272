/**
 * overcommit (plugins/overcommit/overcommit.go): enqueue gate on the whole cluster.
 * A job is admitted if inqueue + job.minResources <= total × factor − used, comparing only the
 * dimensions the job asks for; inqueue = Σ minResources of Inqueue jobs + the unallocated part of
 * minResources of Running jobs. `overcommit-factor` defaults to 1.2; values < 1 are reset to 1.2.
 */
import { add, clone } from '../resource.js';
import { numberArg, PERMIT, REJECT, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import { inqueueResource } from './proportion.js';

const DEFAULT_FACTOR = 1.2;

class OvercommitPlugin implements Plugin {
  readonly name = 'overcommit';
  constructor(private readonly factor: number) {}

  onSessionOpen(ssn: Session): void {
    const schema = ssn.schema;
    const used = schema.zero();
    for (const n of ssn.nodes) add(used, n.used);
    const idle = clone(ssn.totalResource);
    for (let i = 0; i < idle.length; i++) idle[i] = idle[i] * this.factor - used[i];
    const inqueue = schema.zero();
    for (const job of ssn.jobs) {
      if (job.phase === 'Inqueue' && job.minResources) {
        add(inqueue, job.minResources);
        continue;
      }
      if (job.phase === 'Running' && job.minResources && job.allocatedTaskNum() >= job.minAvailable) {
        add(inqueue, inqueueResource(job));
      }
    }
    ssn.jobEnqueueableFns.set(this.name, (job) => {
      if (!job.minResources) return PERMIT;
      const want = add(clone(inqueue), job.minResources);
      return schema.lessEqualOnRequested(want, idle, job.minResources) ? PERMIT : REJECT;
    });
    ssn.jobEnqueuedFns.set(this.name, (job) => {
      if (job.minResources) add(inqueue, job.minResources);
    });
  }
}

export function overcommit(args: PluginArguments): Plugin {
  let f = numberArg(args, 'overcommit-factor', DEFAULT_FACTOR);
  if (f < 1) f = DEFAULT_FACTOR;
  return new OvercommitPlugin(f);
}
