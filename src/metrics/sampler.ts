import type { EventHandler, Simulation } from '../kernel/index.js';
import { Kind, Prio, type RunState } from '../control/state.js';

/** Fixed-interval time series per cluster, in bounded typed arrays (one slot per sample). */
export interface ClusterSeries {
  /** Fraction of allocatable cpu / memory / GPUs requested by bound pods, 0..1. */
  cpu: Float64Array;
  mem: Float64Array;
  gpu: Float64Array;
  /** Ready pods. */
  replicas: Int32Array;
  /** Pending pods. */
  pending: Int32Array;
  /** Cost per hour of the up nodes. */
  costRate: Float64Array;
}

/** Deployments whose replicas per cluster are sampled (bounded memory for scenarios with many). */
const MAX_TRACKED = 50;

/**
 * Samples the per-cluster counters every `interval` seconds of simulated time, after all other
 * events of that instant, from t = 0 to t = end inclusive. Memory is fixed up front:
 * `floor(end / interval) + 1` samples per series.
 */
export class Sampler implements EventHandler {
  readonly interval: number;
  readonly times: Float64Array;
  readonly clusters: ClusterSeries[];
  count = 0;
  private readonly state: RunState;

  constructor(state: RunState, interval: number, end: number) {
    this.state = state;
    this.interval = interval;
    const n = Math.floor(end / interval + 1e-9) + 1;
    this.times = new Float64Array(n);
    this.clusters = state.world.clusters.map(() => ({
      cpu: new Float64Array(n),
      mem: new Float64Array(n),
      gpu: new Float64Array(n),
      replicas: new Int32Array(n),
      pending: new Int32Array(n),
      costRate: new Float64Array(n),
    }));
  }

  start(): void {
    this.state.sim.schedule(0, this, Kind.Sample, null, Prio.Sample);
  }

  /**
   * Ready replicas per cluster of each Deployment (at most MAX_TRACKED of them, the first created),
   * by workload index: one Int32Array per cluster. Jobs are not tracked (they come and go).
   */
  readonly workloadReady = new Map<number, Int32Array[]>();

  private trackWorkloads(): void {
    if (this.workloadReady.size >= MAX_TRACKED) return;
    for (const w of this.state.workloads) {
      if (this.workloadReady.size >= MAX_TRACKED) break;
      if (w.spec.kind !== 'Deployment' || this.workloadReady.has(w.index) || w.spec.trace || (w.spec.initial && !w.spec.initial.binding)) continue;
      this.workloadReady.set(w.index, this.state.world.clusters.map(() => new Int32Array(this.times.length)));
    }
  }

  handleEvent(_kind: number, _data: unknown, sim: Simulation): void {
    if (this.count === 0) this.trackWorkloads();
    const i = this.count;
    if (i >= this.times.length) return;
    const c = this.state.counters;
    this.times[i] = sim.now;
    for (let k = 0; k < this.clusters.length; k++) {
      const s = this.clusters[k];
      s.cpu[i] = c.cpuAlloc[k] > 0 ? c.cpuUsed[k] / c.cpuAlloc[k] : 0;
      s.mem[i] = c.memAlloc[k] > 0 ? c.memUsed[k] / c.memAlloc[k] : 0;
      s.gpu[i] = c.gpuAlloc[k] > 0 ? c.gpuUsed[k] / c.gpuAlloc[k] : 0;
      s.replicas[i] = c.podsReady[k];
      s.pending[i] = c.podsPending[k];
      s.costRate[i] = c.costRate[k];
    }
    for (const [wi, arrays] of this.workloadReady) {
      // Sparse: only the clusters that ever had a Ready pod of it (the others' slots stay 0).
      const w = this.state.workloads[wi];
      const clusters = w.readyClusters;
      if (clusters === null) continue;
      for (let j = 0; j < clusters.length; j++) arrays[clusters[j]][i] = w.readyCounts![j];
    }
    this.count++;
    if (this.count < this.times.length) sim.schedule((this.count) * this.interval, this, Kind.Sample, null, Prio.Sample);
  }
}
