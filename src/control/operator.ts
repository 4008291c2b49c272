import { makeSampler, type EventHandler, type Sampler, type Simulation } from '../kernel/index.js';
import type { FaultListener, FaultRecord } from '../faults/injector.js';
import type { ManualFailoverSpec } from '../scenario/types.js';
import type { ControlPlane } from './control-plane.js';
import { Kind, Prio, type RunState } from './state.js';

/** Faults that take a whole cluster away: the ones a person fails over. */
const CLUSTER_LEVEL = new Set(['cluster-outage', 'zone-outage', 'region-outage', 'partition', 'edge-disconnect']);

interface Act {
  readonly rec: FaultRecord;
  readonly on: boolean;
}

/**
 * People failing a cluster over by hand (the scenario's `operator.failover`): when a cluster
 * goes away, after a reaction time drawn from its distribution (the alert, the page, the
 * decision, the command), the operator taints the Cluster object NoExecute, as
 * `kubectl taint clusters <c> <key>=:NoExecute` on the Karmada API does; Karmada's taint manager
 * then evicts the workloads that do not tolerate it (Failover gate and
 * enableNoExecuteTaintEviction) and the scheduler places them elsewhere. When the cluster is
 * back, another reaction later, the taint goes. A fault that ends before the operator acts is
 * left alone. One random stream per cluster (`operator/failover/<cluster>`), so adding a fault
 * elsewhere never shifts another cluster's draws. Each act goes on the failover timeline.
 */
export class Operator implements EventHandler, FaultListener {
  private readonly samplers = new Map<string, Sampler>();
  /** Faults in progress, by cluster: an act fires only while its fault is on (taint) or over (untaint). */
  private readonly active = new Set<FaultRecord>();

  constructor(
    private readonly state: RunState,
    private readonly cp: ControlPlane,
    private readonly spec: ManualFailoverSpec,
    private readonly timeline: FaultListener,
  ) {}

  private reaction(cluster: string): number {
    let s = this.samplers.get(cluster);
    if (!s) this.samplers.set(cluster, (s = makeSampler(this.spec.reaction, this.state.sim.stream(`operator/failover/${cluster}`))));
    return Math.max(0, s.sample());
  }

  faultStarted(rec: FaultRecord): void {
    if (!CLUSTER_LEVEL.has(rec.spec.kind) || rec.cluster < 0) return;
    this.active.add(rec);
    this.state.sim.scheduleAfter(this.reaction(rec.clusterName), this, Kind.OperatorAct, { rec, on: true } satisfies Act, Prio.Fact);
  }

  faultEnded(rec: FaultRecord): void {
    if (!this.active.delete(rec)) return;
    this.state.sim.scheduleAfter(this.reaction(rec.clusterName), this, Kind.OperatorAct, { rec, on: false } satisfies Act, Prio.Fact);
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    if (kind !== Kind.OperatorAct) throw new Error(`operator: unknown event kind ${kind}`);
    const { rec, on } = data as Act;
    // Too late to fail over (the cluster is back), or too early to fail back (another fault of it is on).
    if (on && !this.active.has(rec)) return;
    if (!on && [...this.active].some((r) => r.cluster === rec.cluster)) return;
    const t = this.spec.taint;
    this.cp.health.setTaint(rec.clusterName, t, on, sim.now);
    this.timeline.faultEvent?.(rec, `operator ${on ? 'tainted' : 'untainted'} the cluster ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`, sim.now);
  }
}
