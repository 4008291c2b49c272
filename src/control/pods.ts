/** Pod lifecycle phases as stored in PodTable.phase. */
export const enum PodPhase {
  /** Created in a member cluster, not bound to a node yet. */
  Pending = 0,
  /** Bound to a node; pulling the image or starting the container. */
  Starting = 1,
  /** Running and Ready. */
  Running = 2,
  /** Finished successfully (Job pods). */
  Succeeded = 3,
  /** Deleted or evicted before finishing. */
  Terminated = 4,
}

/**
 * Every pod of a run, struct-of-arrays, indexed by pod id (ids are dense and never reused).
 * Times are simulated seconds; NaN means "not yet".
 */
export class PodTable {
  count = 0;
  workload = new Int32Array(1024);
  /** Owner inside the member cluster: the index of its MemberJob or MemberDeployment. */
  owner = new Int32Array(1024);
  cluster = new Int32Array(1024);
  node = new Int32Array(1024);
  phase = new Uint8Array(1024);
  priority = new Int32Array(1024);
  created = new Float64Array(1024);
  bound = new Float64Array(1024);
  ready = new Float64Array(1024);
  finished = new Float64Array(1024);
  /**
   * GPUs a bound pod holds, as a bit mask over its node's GPUs (bit b = GPU gpuStart[node] + b) on
   * nodes of at most 30 GPUs; 0 when it holds none (or its node has more: the member keeps those).
   */
  gpuMask = new Int32Array(1024);

  add(workload: number, owner: number, cluster: number, priority: number, now: number): number {
    if (this.count === this.workload.length) this.grow();
    const id = this.count++;
    this.workload[id] = workload;
    this.owner[id] = owner;
    this.cluster[id] = cluster;
    this.node[id] = -1;
    this.phase[id] = PodPhase.Pending;
    this.priority[id] = priority;
    this.created[id] = now;
    this.bound[id] = NaN;
    this.ready[id] = NaN;
    this.finished[id] = NaN;
    this.gpuMask[id] = 0;
    return id;
  }

  private grow(): void {
    const n = this.workload.length * 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.workload = g(this.workload);
    this.owner = g(this.owner);
    this.cluster = g(this.cluster);
    this.node = g(this.node);
    this.phase = g(this.phase);
    this.priority = g(this.priority);
    this.created = g(this.created);
    this.bound = g(this.bound);
    this.ready = g(this.ready);
    this.finished = g(this.finished);
    this.gpuMask = g(this.gpuMask);
  }
}
