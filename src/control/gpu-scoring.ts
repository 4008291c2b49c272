import { createStream, type RandomStream } from '../kernel/index.js';
import {
  GpuCluster, gpuPolicies, MILLI_PER_GPU, randomNodeRanks, typicalPods, type GpuNodeSpec, type GpuPodSpec, type GpuPolicy, type PodShape,
  type TypicalPod,
} from '../gpu/index.js';
import type { ClusterInfo, World } from '../model/world.js';
import type { PodTemplate } from '../scenario/types.js';
import { registerNodeScorer, type MemberSchedulerHost, type NodeScorer } from './member-scheduling.js';
import { PodPhase } from './pods.js';

/**
 * The FGD paper's six GPU placement policies (src/gpu/policies) as a member cluster's node scoring
 * (`nodeScoring: random | dotprod | gpuclustering | gpupacking | bestfit | fgd`).
 *
 * The World stays the single source of truth. The scorer keeps a mirror of its cluster's nodes
 * in a GpuCluster (the structure the policies read), refreshed from the World's arrays in the
 * `nodeChanged` hook the host calls after every bind and release: free cpu, memory and per-GPU
 * milli are copied, and GpuClustering's per-node pod kinds ("share-gpu", "k-gpu") are updated
 * from the change itself: one pod bound (free milli down) or released (up) on exactly one GPU by
 * less than 1000 is a sharing pod, on k GPUs by 1000 each a k-GPU pod. A change that is not one
 * pod's (never made by MemberCluster) makes the scorer recount the node's pods from the pod table.
 * Measured on the paper-mode scenario (8,152-pod default trace, 1,213 nodes, fgd): the whole run
 * costs about the same as the bare GpuScheduler experiment plus the simulation's own bookkeeping.
 *
 * Scores and tie-breaks, as in the FGD authors' simulator (and `fleetsim experiment fgd`):
 * - scores are cached per (pod shape, node) and reused while the node's mirror is unchanged (the
 *   GpuPolicy contract: a score depends only on that node's state and the pod's shape);
 * - equal scores go to the node first in a seeded random node order (`randomNodeRanks`). The
 *   member scheduler (kube-scheduler) takes the highest score and the lowest node id on ties,
 *   so the scorer returns `score x N + (N - 1 - rank)` (N nodes; policy scores are integers
 *   0..100, so the order of scores is kept and ties go to the lowest rank);
 * - Random (a uniform tie-break among all feasible nodes): on the first node scored for a pod in
 *   a given cluster state, the scorer counts the nodes the pod fits on (host.fits, node order),
 *   draws u once when there are several, and scores the floor(u x count)-th of them 1, all others 0.
 * - GPUs on the chosen node are the policy's choice (best fit, FGD's least-fragmenting GPU, or a
 *   random fitting GPU for Random).
 *
 * Random streams: `member/<cluster>/gpu.node-order`, `.../gpu.tiebreak`, `.../gpu.select`; for a
 * cluster whose trace is in paper mode, `gpu.node-order`, `gpu.tiebreak`, `gpu.select` of the run's
 * seed, the streams `fleetsim experiment fgd` uses, so such a run repeats the experiment exactly
 * (and two paper-mode clusters with the same nodes share the node order: a paired comparison).
 *
 * FGD's typical pods: for a cluster with a pod trace, the trace's pod list (covering
 * `trace.typicalPct` %, the paper's 95 % by default). Otherwise they are learnt online from the
 * pods this cluster has scored so far (95 % coverage), recomputed when that count has grown by
 * 10 % (and for each of the first 10 pods), so early pods see few shapes and later ones the mix.
 */

/** Node scorer names of the GPU policies, in the paper's order. */
export const GPU_NODE_SCORINGS = ['random', 'dotprod', 'gpuclustering', 'gpupacking', 'bestfit', 'fgd'] as const;

/** Online typical pods are recomputed when the pods seen have grown by this factor. */
const TYPICAL_REFRESH_GROWTH = 1.1;
const DEFAULT_TYPICAL_PCT = 95;

export class GpuPolicyScorer implements NodeScorer {
  readonly name: string;
  /** The mirror the policy reads; node i is the World's node `nodeStart + i`. */
  readonly mirror: GpuCluster;
  private readonly info: ClusterInfo;
  private readonly world: World;
  private readonly nodeStart: number;
  private readonly n: number;
  private readonly isRandom: boolean;
  /** The World's podsFree per node at the last sync (a bind or a release changes it by one). */
  private readonly podsFree: Int32Array;
  private readonly gpuScratch: Int32Array;
  private policy: GpuPolicy | null = null;
  private ranks: Int32Array | null = null;
  private tiebreak: RandomStream | null = null;
  private select: RandomStream | null = null;

  // Pod shapes: one per template (templates are per workload), the last pod's cached.
  private readonly shapes = new Map<PodTemplate, PodShape>();
  private lastPod = -1;
  private lastShape: PodShape | null = null;

  // Scores per (shape, node), valid while stamp = mirror.version + 1.
  private scoreCache: (Float64Array | undefined)[] = [];
  private stampCache: (Int32Array | undefined)[] = [];

  // Random: the node drawn for the current (pod, cluster state).
  private epoch = 0;
  private passPod = -1;
  private passEpoch = -1;
  private passLast = -1;
  private passChosen = -1;

  // FGD's typical pods: fixed (from the trace) or learnt online.
  private readonly fixedTypical: TypicalPod[] | null;
  private readonly typicalPct: number;
  private seen = new Uint8Array(1024);
  private readonly seenSpecs: GpuPodSpec[] = [];
  private nextRefresh = 1;

  constructor(policyName: string, info: ClusterInfo, world: World) {
    if (!gpuPolicies.has(policyName)) throw new Error(`unknown GPU policy ${policyName}`);
    this.name = policyName;
    this.info = info;
    this.world = world;
    this.nodeStart = info.nodeStart;
    this.n = info.nodeEnd - info.nodeStart;
    this.isRandom = policyName === 'random';
    const specs: GpuNodeSpec[] = [];
    for (let node = info.nodeStart; node < info.nodeEnd; node++) {
      specs.push({ name: world.nodeName(node), cpuMilli: world.cpuAlloc[node], memoryMib: world.memAlloc[node], gpuCount: world.gpuAlloc[node], model: world.gpuModel[node] });
    }
    this.mirror = new GpuCluster(specs);
    this.podsFree = new Int32Array(this.n);
    this.gpuScratch = new Int32Array(Math.max(1, this.mirror.maxGpusPerNode));
    for (let i = 0; i < this.n; i++) this.copyNode(i);
    const trace = info.spec.trace;
    this.typicalPct = trace?.typicalPct ?? DEFAULT_TYPICAL_PCT;
    this.fixedTypical = trace && trace.pods.length > 0 ? typicalPods(trace.pods, { thresholdPct: this.typicalPct }) : null;
  }

  // ------------------------------------------------------------------------------------------
  // NodeScorer

  score(host: MemberSchedulerHost, pod: number, node: number): number {
    if (this.policy === null) this.start(host);
    const shape = this.shapeOf(host, pod);
    const i = node - this.nodeStart;
    if (this.isRandom) return this.randomScore(host, pod, node);
    let scores = this.scoreCache[shape.shapeId];
    let stamps = this.stampCache[shape.shapeId];
    if (!scores || !stamps) {
      scores = this.scoreCache[shape.shapeId] = new Float64Array(this.n);
      stamps = this.stampCache[shape.shapeId] = new Int32Array(this.n);
    }
    const stamp = this.mirror.version[i] + 1;
    let s: number;
    if (stamps[i] === stamp) s = scores[i];
    else {
      s = (this.policy as GpuPolicy).score(i, shape, this.mirror);
      scores[i] = s;
      stamps[i] = stamp;
    }
    return s * this.n + (this.n - 1 - (this.ranks as Int32Array)[i]);
  }

  selectGpus(host: MemberSchedulerHost, pod: number, node: number): number[] | null {
    if (this.policy === null) this.start(host);
    const shape = this.shapeOf(host, pod);
    const i = node - this.nodeStart;
    if (!this.mirror.fits(i, shape)) return null;
    const k = (this.policy as GpuPolicy).selectGpus(i, shape, this.mirror, this.gpuScratch);
    const base = this.world.gpuStart[node];
    const out: number[] = [];
    for (let j = 0; j < k; j++) out.push(base + this.gpuScratch[j]);
    return out;
  }

  nodeChanged(host: MemberSchedulerHost, node: number): void {
    this.epoch++;
    this.sync(host, node - this.nodeStart, node);
  }

  // ------------------------------------------------------------------------------------------

  /** Streams, node order and policy, on first use (the run's seed comes with the host). */
  private start(host: MemberSchedulerHost): void {
    const paper = this.info.spec.trace?.mode === 'paper' && (this.info.spec.trace?.pods.length ?? 0) > 0;
    const stream = (name: string): RandomStream => (paper ? createStream(host.sim.seed, name) : host.stream(name));
    this.ranks = randomNodeRanks(this.n, stream('gpu.node-order'));
    this.tiebreak = stream('gpu.tiebreak');
    this.select = stream('gpu.select');
    this.makePolicy(this.fixedTypical ?? []);
  }

  private makePolicy(typical: readonly TypicalPod[]): void {
    this.policy = gpuPolicies.get(this.name)!({ cluster: this.mirror, typicalPods: typical, rng: this.select as RandomStream });
    this.scoreCache = [];
    this.stampCache = [];
  }

  private shapeOf(host: MemberSchedulerHost, pod: number): PodShape {
    if (pod === this.lastPod && this.lastShape) return this.lastShape;
    const t = host.template(pod);
    let shape = this.shapes.get(t);
    if (!shape) {
      shape = this.mirror.compilePod({ cpuMilli: t.cpuMillis, memoryMib: t.memoryMiB, numGpu: t.gpus, gpuMilli: t.gpuMilli, gpuSpec: t.gpuModels });
      this.shapes.set(t, shape);
    }
    this.lastPod = pod;
    this.lastShape = shape;
    if (this.fixedTypical === null && this.name === 'fgd') this.learn(pod, shape);
    return shape;
  }

  /** Online typical pods: count each pod once; recompute on the refresh schedule. */
  private learn(pod: number, shape: PodShape): void {
    if (pod >= this.seen.length) {
      const grown = new Uint8Array(Math.max(pod + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[pod]) return;
    this.seen[pod] = 1;
    this.seenSpecs.push({ cpuMilli: shape.cpuMilli, memoryMib: shape.memoryMib, numGpu: shape.numGpu, gpuMilli: shape.gpuMilli, gpuSpec: shape.gpuSpecKey === '' ? [] : shape.gpuSpecKey.split('|') });
    if (this.seenSpecs.length >= this.nextRefresh) {
      this.nextRefresh = Math.max(this.seenSpecs.length + 1, Math.ceil(this.seenSpecs.length * TYPICAL_REFRESH_GROWTH));
      this.makePolicy(typicalPods(this.seenSpecs, { thresholdPct: this.typicalPct }));
    }
  }

  private randomScore(host: MemberSchedulerHost, pod: number, node: number): number {
    if (pod !== this.passPod || this.epoch !== this.passEpoch || node <= this.passLast) {
      // A new placement decision: draw the node among all feasible ones, as GpuScheduler does.
      this.passPod = pod;
      this.passEpoch = this.epoch;
      let count = 0;
      for (let m = this.info.nodeStart; m < this.info.nodeEnd; m++) if (host.fits(pod, m)) count++;
      let pick = count > 1 ? Math.floor((this.tiebreak as RandomStream).random() * count) : 0;
      this.passChosen = -1;
      for (let m = this.info.nodeStart; m < this.info.nodeEnd; m++) {
        if (host.fits(pod, m) && pick-- === 0) {
          this.passChosen = m;
          break;
        }
      }
    }
    this.passLast = node;
    return node === this.passChosen ? 1 : 0;
  }

  /** Copy node i's free resources from the World into the mirror (no affinity change). */
  private copyNode(i: number): number {
    const w = this.world;
    const c = this.mirror;
    const node = this.nodeStart + i;
    c.cpuFree[i] = w.cpuFree[node];
    c.memoryFree[i] = w.memFree[node];
    this.podsFree[i] = w.podsFree[node];
    const off = c.gpuOffset[i];
    const g = c.gpuCount[i];
    const base = w.gpuStart[node];
    let full = 0;
    let max = 0;
    let total = 0;
    let delta = 0;
    for (let k = 0; k < g; k++) {
      const f = w.gpuMilliFree[base + k];
      delta += c.gpuFree[off + k] - f;
      c.gpuFree[off + k] = f;
      if (f === MILLI_PER_GPU) full++;
      if (f > max) max = f;
      total += f;
    }
    c.fullFreeGpus[i] = full;
    c.maxGpuFree[i] = max;
    c.totalGpuFree[i] = total;
    c.allocatedGpuMilli += delta;
    c.version[i]++;
    return delta;
  }

  /** After a bind or release on node i: refresh the mirror and the node's pod kinds. */
  private sync(host: MemberSchedulerHost, i: number, node: number): void {
    const w = this.world;
    const c = this.mirror;
    const dPods = w.podsFree[node] - this.podsFree[i]; // -1: a bind, +1: a release
    // Classify the change before copying: GPUs whose free milli moved, and by how much.
    const off = c.gpuOffset[i];
    const g = c.gpuCount[i];
    const base = w.gpuStart[node];
    let moved = 0;
    let sign = 0;
    let partial = false;
    let single = Math.abs(dPods) <= 1;
    for (let k = 0; k < g; k++) {
      const d = w.gpuMilliFree[base + k] - c.gpuFree[off + k];
      if (d === 0) continue;
      moved++;
      const s = d > 0 ? 1 : -1;
      if (sign !== 0 && s !== sign) single = false;
      sign = s;
      if (d !== MILLI_PER_GPU && d !== -MILLI_PER_GPU) partial = true;
    }
    if (partial && moved !== 1) single = false;
    if (moved > 0 && dPods !== sign) single = false; // a bind takes a pod slot and GPU milli, a release gives both back
    this.copyNode(i);
    if (!single) {
      this.recountKinds(host, i, node);
      return;
    }
    if (moved === 0) return; // a CPU-only pod (or no pod): no GPU kind
    const cls = partial ? 0 : moved; // "share-gpu" or "k-gpu"
    const a = i * c.affinityStride + cls;
    if (sign < 0) {
      if (c.affinity[a]++ === 0) c.affinityKinds[i]++;
    } else if (c.affinity[a] > 0) {
      if (--c.affinity[a] === 0) c.affinityKinds[i]--;
    } else {
      this.recountKinds(host, i, node);
    }
  }

  /** Recount node i's pods per GPU kind from the pod table (bound pods on the node). */
  private recountKinds(host: MemberSchedulerHost, i: number, node: number): void {
    const c = this.mirror;
    const stride = c.affinityStride;
    for (let k = 0; k < stride; k++) c.affinity[i * stride + k] = 0;
    c.affinityKinds[i] = 0;
    const pods = host.pods;
    for (let p = 0; p < pods.count; p++) {
      if (pods.node[p] !== node || (pods.phase[p] !== PodPhase.Starting && pods.phase[p] !== PodPhase.Running)) continue;
      const t = host.template(p);
      if (t.gpus === 0) continue;
      const cls = t.gpuMilli < MILLI_PER_GPU ? 0 : t.gpus;
      if (c.affinity[i * stride + cls]++ === 0) c.affinityKinds[i]++;
    }
    c.version[i]++;
  }
}

for (const name of GPU_NODE_SCORINGS) registerNodeScorer(name, (info, world) => new GpuPolicyScorer(name, info, world));
