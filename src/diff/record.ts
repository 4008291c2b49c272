import type { DecisionSink } from '../control/state.js';
import { snapshotPlacement } from '../placement/explain.js';
import type { BindingRequest, ClusterView, ScheduleOutcome } from '../placement/registry.js';

/**
 * A DecisionSink that keeps every decision of a run, in the order the simulation made them
 * (that is time order: the kernel fires events in (time, priority, sequence) order).
 *
 * What the scheduler saw is copied at the moment of the decision, as far as the control plane
 * could change it later (snapshotPlacement); a full structuredClone of every view made recording
 * cost three times the run itself.
 */
export interface PlacementDecision {
  readonly kind: 'placement';
  readonly t: number;
  readonly workload: number;
  readonly outcome: ScheduleOutcome;
  readonly request: BindingRequest;
  readonly clusters: readonly ClusterView[];
}

export interface BindDecision {
  readonly kind: 'bind';
  readonly t: number;
  readonly pod: number;
  readonly workload: number;
  /** Cluster index (scenario order) and global node id. */
  readonly cluster: number;
  readonly node: number;
  readonly nodeUp: boolean;
  readonly nodeCordoned: boolean;
}

export type Decision = PlacementDecision | BindDecision;

export class DecisionRecorder implements DecisionSink {
  readonly decisions: Decision[] = [];

  placement(t: number, workload: number, outcome: ScheduleOutcome, request: BindingRequest, clusters: readonly ClusterView[]): void {
    this.decisions.push({ kind: 'placement', t, workload, ...snapshotPlacement(outcome, request, clusters) });
  }

  bind(t: number, pod: number, cluster: number, node: number, nodeState: { up: boolean; cordoned: boolean }, workload: number): void {
    this.decisions.push({ kind: 'bind', t, pod, workload, cluster, node, nodeUp: nodeState.up, nodeCordoned: nodeState.cordoned });
  }

  placements(): PlacementDecision[] {
    return this.decisions.filter((d): d is PlacementDecision => d.kind === 'placement');
  }

  binds(): BindDecision[] {
    return this.decisions.filter((d): d is BindDecision => d.kind === 'bind');
  }
}
