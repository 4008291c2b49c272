import type { ClusterSpec, Scenario } from '../scenario/types.js';
import { Network } from './network.js';

/** Milli-GPU in one whole GPU. */
export const MILLI_PER_GPU = 1000;

/** The static description of one cluster plus the range of node ids it owns. */
export interface ClusterInfo {
  index: number;
  spec: ClusterSpec;
  name: string;
  regionIndex: number;
  /** Node ids [nodeStart, nodeEnd) belong to this cluster. */
  nodeStart: number;
  nodeEnd: number;
}

/**
 * The fleet's physical state: clusters and their nodes. Per-node capacity and free resources
 * live in typed arrays indexed by node id (cpu in millicores, memory in MiB, pods, whole GPUs),
 * and per-GPU free milli-GPU in a flat array (GPU sharing); cluster objects are for the cold path.
 */
export class World {
  readonly network: Network;
  readonly clusters: ClusterInfo[];
  readonly clusterByName = new Map<string, ClusterInfo>();
  readonly nodeCount: number;
  readonly nodeCluster: Int32Array;
  readonly nodePool: Int32Array;
  readonly cpuAlloc: Int32Array;
  readonly memAlloc: Int32Array;
  readonly podsAlloc: Int32Array;
  readonly gpuAlloc: Int32Array;
  readonly cpuFree: Int32Array;
  readonly memFree: Int32Array;
  readonly podsFree: Int32Array;
  readonly gpuFree: Int32Array;
  /** 1 when the node is up (its kubelet reports Ready). */
  readonly nodeReady: Uint8Array;
  /** 1 when the node is cordoned (`spec.unschedulable`): running pods stay, nothing new binds. */
  readonly nodeCordoned: Uint8Array;
  /** GPUs of node n are the flat GPU ids [gpuStart[n], gpuStart[n + 1]). */
  readonly gpuStart: Int32Array;
  /** Free milli-GPU of each GPU (1000 = whole GPU free). `gpuFree[n]` counts node n's GPUs with 1000 free. */
  readonly gpuMilliFree: Int32Array;
  /** GPU model of each node ('' for nodes without GPUs), by node id. */
  readonly gpuModel: string[];

  constructor(scenario: Scenario) {
    this.network = new Network(scenario.network);
    let n = 0;
    this.clusters = scenario.fleet.clusters.map((spec, index) => {
      const count = spec.nodePools.reduce((s, p) => s + p.count, 0);
      const info: ClusterInfo = { index, spec, name: spec.name, regionIndex: this.network.regionIndex(spec.region), nodeStart: n, nodeEnd: n + count };
      n += count;
      this.clusterByName.set(spec.name, info);
      return info;
    });
    this.nodeCount = n;
    this.nodeCluster = new Int32Array(n);
    this.nodePool = new Int32Array(n);
    this.cpuAlloc = new Int32Array(n);
    this.memAlloc = new Int32Array(n);
    this.podsAlloc = new Int32Array(n);
    this.gpuAlloc = new Int32Array(n);
    for (const c of this.clusters) {
      let id = c.nodeStart;
      c.spec.nodePools.forEach((pool, p) => {
        fillPool(this, id, c.index, p, pool);
        id += pool.count;
      });
    }
    this.cpuFree = this.cpuAlloc.slice();
    this.memFree = this.memAlloc.slice();
    this.podsFree = this.podsAlloc.slice();
    this.gpuFree = this.gpuAlloc.slice();
    this.nodeReady = new Uint8Array(n).fill(1);
    this.nodeCordoned = new Uint8Array(n);
    for (const c of this.clusters) markNodeStates(this, c);
    this.gpuStart = new Int32Array(n + 1);
    this.gpuModel = new Array<string>(n).fill('');
    layOutGpus(this);
    this.gpuMilliFree = new Int32Array(this.gpuStart[n]).fill(MILLI_PER_GPU);
  }

  /** A node's name: its own (an imported pool's `nodes:`), else `<cluster>-<pool>-<k>`. */
  nodeName(id: number): string {
    const c = this.clusters[this.nodeCluster[id]];
    const pool = c.spec.nodePools[this.nodePool[id]];
    let k = id - c.nodeStart;
    for (let p = 0; p < this.nodePool[id]; p++) k -= c.spec.nodePools[p].count;
    return pool.nodes?.[k] ?? `${c.name}-${pool.name}-${k}`;
  }

  /** A cluster's nodes by name (built on first use: the cold path of a warm start, a fault naming a node). */
  nodeByName(cluster: number): ReadonlyMap<string, number> {
    let m = this.nodeNames[cluster];
    if (!m) {
      m = new Map();
      const c = this.clusters[cluster];
      for (let id = c.nodeStart; id < c.nodeEnd; id++) m.set(this.nodeName(id), id);
      this.nodeNames[cluster] = m;
    }
    return m;
  }

  private readonly nodeNames: (Map<string, number> | undefined)[] = [];

  /** Sum of a per-node array over a cluster's nodes. */
  clusterSum(arr: Int32Array, cluster: number): number {
    const c = this.clusters[cluster];
    let s = 0;
    for (let i = c.nodeStart; i < c.nodeEnd; i++) s += arr[i];
    return s;
  }
}

/*
 * The constructor's loops over every node are functions of their own: V8 compiles a hot loop
 * inside the (long) constructor by compiling the whole constructor on the stack, again on every
 * run; a small function stays compiled from one run to the next.
 */

/** Nodes [first, first + pool.count) of cluster `cluster` are pool `p`'s: their allocatable resources. */
function fillPool(w: World, first: number, cluster: number, p: number, pool: ClusterSpec['nodePools'][number]): void {
  for (let id = first; id < first + pool.count; id++) {
    w.nodeCluster[id] = cluster;
    w.nodePool[id] = p;
    w.cpuAlloc[id] = pool.cpuMillis;
    w.memAlloc[id] = pool.memoryMiB;
    w.podsAlloc[id] = pool.maxPods;
    w.gpuAlloc[id] = pool.gpus.count;
  }
}

/** Nodes an imported pool lists as cordoned or not Ready start so. */
function markNodeStates(w: World, c: ClusterInfo): void {
  let id = c.nodeStart;
  for (const pool of c.spec.nodePools) {
    if (pool.nodes && (pool.cordoned?.length || pool.notReady?.length)) {
      const cordoned = new Set(pool.cordoned ?? []);
      const notReady = new Set(pool.notReady ?? []);
      pool.nodes.forEach((name, k) => {
        if (cordoned.has(name)) w.nodeCordoned[id + k] = 1;
        if (notReady.has(name)) w.nodeReady[id + k] = 0;
      });
    }
    id += pool.count;
  }
}

/** `gpuStart` (prefix sums of the nodes' GPU counts) and `gpuModel`. */
function layOutGpus(w: World): void {
  for (let i = 0; i < w.nodeCount; i++) {
    w.gpuStart[i + 1] = w.gpuStart[i] + w.gpuAlloc[i];
    const pool = w.clusters[w.nodeCluster[i]].spec.nodePools[w.nodePool[i]];
    w.gpuModel[i] = pool.gpus.count > 0 ? pool.gpus.model : '';
  }
}
