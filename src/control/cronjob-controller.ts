import { parseCronSchedule, type CronSchedule } from '../batch/cron-schedule.js';
import type { EventHandler, Simulation } from '../kernel/index.js';
import type { JobSpec } from '../scenario/types.js';
import type { MemberOwner } from './member-scheduling.js';
import { accrueUnavailability, newRuntimeWorkload, Prio, type RunState } from './state.js';

/** Event kind of the CronJob controller (a handler only receives its own). */
const CRON_TICK = 80;

/** What the controller needs of its member cluster. */
export interface CronJobHost {
  readonly info: { readonly index: number; readonly name: string };
  /** True while the member's control plane is down with its nodes (an outage). */
  readonly nodesDown: boolean;
  applyWork(workload: number, replicas: number, completions: number, template?: JobSpec['template']): void;
  /** Delete a Job here: its pods are terminated and it ends unfinished. */
  deleteJob(workload: number, reason: string): void;
  /** Is the Job's share here finished (or gone)? */
  jobDone(workload: number): boolean;
}

interface CronState {
  owner: MemberOwner;
  spec: JobSpec;
  schedule: CronSchedule;
  /** Jobs it made here, by workload index, oldest first. */
  jobs: number[];
  /** Its Work was withdrawn: no more Jobs. */
  stopped: boolean;
}

/**
 * A member cluster's CronJob controller (kubernetes pkg/controller/cronjob, v2): for each CronJob
 * the member holds, a Job from `jobTemplate` at every time the schedule names (cron-schedule.ts,
 * wall clock = the scenario's `start` + simulated time, in the CronJob's time zone). Before
 * creating one, `concurrencyPolicy`: Allow runs it beside any still running, Forbid skips this
 * time while one runs, Replace deletes the running ones first. A suspended CronJob creates none.
 * Jobs are named `<cronjob>-<scheduled time in minutes since the epoch>@<cluster>` (Kubernetes
 * names them without the cluster; a fleet can run the same CronJob in several clusters) and run
 * only here: Karmada never sees them. While the member's control plane is down, times pass
 * without Jobs (a run missed by more than `startingDeadlineSeconds`, or at all without one, is
 * not made up later: fleetsim does not replay missed schedules).
 */
export class CronJobController implements EventHandler {
  private readonly state: RunState;
  private readonly host: CronJobHost;
  private readonly crons = new Map<number, CronState>();

  constructor(state: RunState, host: CronJobHost) {
    this.state = state;
    this.host = host;
  }

  /** The owner's Work arrived or changed (replicas 0: withdrawn). */
  reconcile(o: MemberOwner): void {
    let c = this.crons.get(o.workload);
    const spec = this.state.workloads[o.workload].spec as JobSpec;
    if (!c) {
      const cron = spec.cron!;
      c = { owner: o, spec, schedule: parseCronSchedule(cron.schedule, cron.timeZone), jobs: [], stopped: false };
      this.crons.set(o.workload, c);
      if (!cron.suspend) this.scheduleNext(c, this.state.sim.now);
    }
    c.stopped = o.replicas === 0;
  }

  private scheduleNext(c: CronState, now: number): void {
    const start = this.state.scenario.start;
    const next = c.schedule.next(start + now);
    if (next === null) return;
    const at = next - start;
    if (at <= this.state.scenario.duration) this.state.sim.schedule(at, this, CRON_TICK, c.owner.workload, Prio.Fact);
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    if (kind !== CRON_TICK) throw new Error(`cronjob controller: unknown event kind ${kind}`);
    const c = this.crons.get(data as number)!;
    if (c.stopped) return;
    if (!this.host.nodesDown) this.run(c, sim.now);
    this.scheduleNext(c, sim.now);
  }

  private run(c: CronState, now: number): void {
    c.jobs = c.jobs.filter((j) => !this.host.jobDone(j));
    const policy = c.spec.cron!.concurrencyPolicy;
    if (policy === 'Forbid' && c.jobs.length > 0) return;
    if (policy === 'Replace') {
      for (const j of c.jobs) this.host.deleteJob(j, 'replaced by a newer Job of its CronJob (concurrencyPolicy Replace)');
      c.jobs = [];
    }
    const minutes = Math.floor((this.state.scenario.start + now) / 60);
    const name = `${c.spec.name}-${minutes}@${this.host.info.name}`;
    const { cron: _cron, resourceKind: _kind, manifest: _manifest, ...jobFields } = c.spec;
    const job: JobSpec = { ...jobFields, name, uid: `${c.spec.namespace}/Job/${name}`, arrival: now, stream: c.spec.name, createdIn: this.host.info.name };
    const s = this.state;
    const index = s.workloads.length;
    const w = newRuntimeWorkload(index, job);
    s.workloads.push(w);
    accrueUnavailability(w, now);
    w.firstPlacedAt = now;
    w.placement = [{ name: this.host.info.name, replicas: job.parallelism }];
    c.jobs.push(index);
    this.host.applyWork(index, job.parallelism, job.completions, c.owner.template);
  }
}
