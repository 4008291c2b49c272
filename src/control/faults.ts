import type { EventHandler, Simulation } from '../kernel/index.js';
import type { FaultSpec } from '../scenario/types.js';
import type { ControlPlane } from './control-plane.js';
import type { MemberCluster } from './member-cluster.js';
import { Kind, Prio, type RunState } from './state.js';

/** A fault as it happened, for the failover metrics. */
export interface FaultRecord {
  spec: FaultSpec;
  cluster: number;
  start: number;
  end: number;
}

export interface FaultListener {
  faultStarted(f: FaultRecord, now: number): void;
  faultEnded(f: FaultRecord, now: number): void;
}

/**
 * Scheduled failures (the scenario's `faults:`) and operator actions (`actions:`, e.g. a scale). A cluster outage is one of:
 * - `down`: the nodes and the API server are gone (workloads die, the control plane cannot reach it);
 * - `nodes-down`: workloads die but the API server answers (Karmada still sees Ready=True);
 * - `api-unreachable`: the control plane cannot reach the member; its workloads keep running.
 */
export class FaultInjector implements EventHandler {
  readonly records: FaultRecord[] = [];
  private readonly state: RunState;
  private readonly members: MemberCluster[];
  private readonly cp: ControlPlane;
  listener: FaultListener | null = null;

  constructor(state: RunState, members: MemberCluster[], cp: ControlPlane) {
    this.state = state;
    this.members = members;
    this.cp = cp;
  }

  start(): void {
    for (const a of this.state.scenario.actions) {
      const w = this.state.workloads.find((x) => x.spec.namespace === a.scale.namespace && x.spec.name === a.scale.name)!;
      this.state.sim.schedule(a.at, this, Kind.Action, { workload: w.index, replicas: a.scale.replicas }, Prio.Fact);
    }
    for (const f of this.state.scenario.faults) {
      const rec: FaultRecord = { spec: f, cluster: this.state.world.clusterByName.get(f.cluster)!.index, start: f.at, end: f.at + f.duration };
      this.records.push(rec);
      this.state.sim.schedule(f.at, this, Kind.FaultStart, rec, Prio.Fact);
      if (Number.isFinite(rec.end)) this.state.sim.schedule(rec.end, this, Kind.FaultEnd, rec, Prio.Fact);
    }
  }

  handleEvent(kind: number, data: unknown, sim: Simulation): void {
    if (kind === Kind.Action) {
      const a = data as { workload: number; replicas: number };
      this.cp.setReplicas(a.workload, a.replicas);
      return;
    }
    const f = data as FaultRecord;
    const m = this.members[f.cluster];
    const api = f.spec.mode === 'down' || f.spec.mode === 'api-unreachable';
    const nodes = f.spec.mode === 'down' || f.spec.mode === 'nodes-down';
    if (kind === Kind.FaultStart) {
      if (api) m.apiReachable = false;
      if (nodes) m.setNodesDown(true);
      this.listener?.faultStarted(f, sim.now);
    } else if (kind === Kind.FaultEnd) {
      if (nodes) m.setNodesDown(false);
      if (api) {
        m.apiReachable = true;
        this.cp.memberReachable(f.cluster);
      }
      this.listener?.faultEnded(f, sim.now);
    } else {
      throw new Error(`fault injector: unknown event kind ${kind}`);
    }
  }
}
