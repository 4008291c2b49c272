import type { ClusterInfo } from '../model/world.js';
import type { PodTemplate } from '../scenario/types.js';
import type { RequestClassIndex } from './free-capacity.js';
import type { MemberScheduler, MemberSchedulerHost, NodeScorer } from './member-scheduling.js';
import { registerMemberScheduler } from './member-scheduling.js';
import { asResourcesFit, resourcesFitScore } from './node-scoring.js';

/** kube-scheduler's constants (pkg/scheduler/schedule_one.go). */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes kube-scheduler looks for before it stops filtering and scores them
 * (`numFeasibleNodesToFind`): every node below 100 nodes; else `percentage` of the nodes, at
 * least 100, where percentage 0 means the adaptive default max(5, 50 - nodes / 125) (integer
 * arithmetic, as Kubernetes does it): 42 % of 1,000 nodes, 10 % of 5,000, 5 % from 5,625 on.
 */
export function numFeasibleNodesToFind(percentage: number, nodes: number): number {
  if (nodes < MIN_FEASIBLE_NODES_TO_FIND) return nodes;
  let p = percentage;
  if (p === 0) {
    p = 50 - Math.trunc(nodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (p > 100) p = 100;
  const n = Math.trunc((nodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/**
 * kube-scheduler, as far as placement goes: the active queue in priority-then-age order, one pod
 * at a time, filter (fit) then score (the cluster's node scorer), bind to the best.
 *
 * Filtering follows kube-scheduler's `percentageOfNodesToScore`: nodes are checked in order
 * starting where the previous pod's search stopped (`nextStartNodeIndex`, wrapping around), and
 * the search stops once `numFeasibleNodesToFind` feasible nodes are found; only those are scored.
 * The next search starts after the last node checked (after every node, i.e. at the same place,
 * when the search went all the way round). The scorer says which percentage its profile uses:
 * NodeResourcesFit (the default profile) the adaptive default, so clusters of 100 nodes or fewer
 * are still searched whole; the GPU placement policies 100 (every node), as the FGD paper's
 * simulator is configured. Kubernetes filters in parallel (16 goroutines), so which nodes it finds
 * first varies a little from run to run; fleetsim checks them one by one, deterministically.
 *
 * Kubernetes picks at random among equally scored nodes; fleetsim takes the lowest node id, so a
 * run is deterministic. A pod that fits nowhere goes to the PostFilter (the host's DefaultPreemption,
 * which may evict lower-priority pods and nominate a node it then binds to), else stays Pending
 * until the next cycle (which the host runs whenever pods are added or resources free up).
 *
 * Speed: the host's free-capacity index (`host.capacity`) gives the largest free cpu, memory,
 * whole GPUs and pod slots of any schedulable node, so a pod that asks for more is skipped without
 * a node scan, and it jumps from one node covering the request to the next, skipping runs of full
 * nodes. GPU models and GPU shares are still checked node by node with `host.fits`. For the
 * NodeResourcesFit scorers and pods whose fit the index decides alone (no GPU share, no GPU
 * model), the index keeps each request shape's fitting nodes and their scores current
 * (`RequestClassIndex`), and the search and the choice of the best are two tree queries instead of
 * hundreds of node visits: same nodes, same order, same choice (test/scale/kube-scheduler.test.ts).
 */
export class KubeScheduler implements MemberScheduler {
  readonly name = 'kube-scheduler';
  readonly schedulerName = 'default-scheduler';
  private readonly info: ClusterInfo;
  private readonly scorer: NodeScorer;
  /** Where the next search for feasible nodes starts (local node index), as `nextStartNodeIndex`. */
  private nextStart = 0;
  private readonly toFind: number;
  /** Each pod template's request class (null: scan the nodes), as last looked up. */
  private readonly classOf = new Map<PodTemplate, RequestClassIndex | null>();
  private lastTemplate: PodTemplate | null = null;
  private lastClass: RequestClassIndex | null = null;

  /** Use the request-class index where it applies (off: visit the nodes one by one, for tests that compare the two). */
  static useRequestClasses = true;

  constructor(info: ClusterInfo, scorer: NodeScorer) {
    this.info = info;
    this.scorer = scorer;
    this.toFind = numFeasibleNodesToFind(scorer.percentageOfNodesToScore ?? 100, info.nodeEnd - info.nodeStart);
  }

  /** The request class for a template's pods, if the index can decide their fit and score alone. */
  private requestClass(host: MemberSchedulerHost, t: PodTemplate, wholeGpus: number, most: boolean): RequestClassIndex | null {
    // Pods of one workload come in runs in the queue: the last answer first.
    if (t === this.lastTemplate) return this.lastClass;
    const c = this.lookUpClass(host, t, wholeGpus, most);
    this.lastTemplate = t;
    this.lastClass = c;
    return c;
  }

  private lookUpClass(host: MemberSchedulerHost, t: PodTemplate, wholeGpus: number, most: boolean): RequestClassIndex | null {
    let c = this.classOf.get(t);
    if (c !== undefined) return c;
    const idx = host.capacity;
    c = null;
    if (idx && KubeScheduler.useRequestClasses) {
      const w = host.world;
      const cpu = t.cpuMillis;
      const mem = t.memoryMiB;
      const cpuAlloc = w.cpuAlloc;
      const memAlloc = w.memAlloc;
      const cpuFree = w.cpuFree;
      const memFree = w.memFree;
      c = idx.requestClass(cpu, mem, wholeGpus, (n) => resourcesFitScore(cpuAlloc[n], cpuFree[n], memAlloc[n], memFree[n], cpu, mem, most));
    }
    // Templates are shared by a workload's pods (and a Job family's arrivals); overrides make new
    // ones, so bound the map rather than keep one entry per rendered template for ever.
    if (this.classOf.size >= 4096) this.classOf.clear();
    this.classOf.set(t, c);
    return c;
  }

  cycle(host: MemberSchedulerHost, pending: Int32Array, count: number): void {
    const w = host.world;
    const { nodeStart, nodeEnd } = this.info;
    const total = nodeEnd - nodeStart;
    if (total === 0) return;
    const idx = host.capacity;
    const fit = asResourcesFit(this.scorer);
    const most = fit !== null && fit.mostAllocated;
    const cpuAlloc = w.cpuAlloc;
    const memAlloc = w.memAlloc;
    const cpuFree = w.cpuFree;
    const memFree = w.memFree;
    for (let k = 0; k < count; k++) {
      const pod = pending[k];
      const t = host.template(pod);
      const wholeGpus = t.gpus > 0 && t.gpuMilli >= 1000 ? t.gpus : 0;
      // A pod asking for more than any schedulable node has free fits nowhere: every node is
      // checked and fails, so the next search starts at the same place.
      if (idx && (idx.maxPods < 1 || t.cpuMillis > idx.maxCpu || t.memoryMiB > idx.maxMemory || wholeGpus > idx.maxGpus)) {
        this.postFilter(host, pod);
        continue;
      }
      // The index checks cpu, memory, whole GPUs, pod slots and ready/cordoned; the rest is exact.
      const exact = !idx || (t.gpus > 0 && (t.gpuMilli < 1000 || t.gpuModels.length > 0)) || host.constrained?.(t) === true;
      const start = this.nextStart;
      const rc = !exact && fit ? this.requestClass(host, t, wholeGpus, most) : null;
      if (rc !== null) {
        const i = rc.pick(start, this.toFind);
        this.nextStart = (start + rc.processed) % total;
        if (i >= 0) this.bindTo(host, pod, t, nodeStart + i);
        else this.postFilter(host, pod);
        continue;
      }
      let found = 0;
      let processed = total;
      let best = -1;
      let bestScore = -Infinity;
      const toFind = this.toFind;
      const cpu = t.cpuMillis;
      const mem = t.memoryMiB;
      // Two passes: [start, total) then [0, start).
      for (let pass = 0; pass < 2 && found < toFind; pass++) {
        const to = pass === 0 ? total : start;
        let i = pass === 0 ? start : 0;
        while (i < to) {
          let j = i;
          if (idx) {
            // Most nodes of a cluster that is not full cover the request: test the leaf here, and
            // only ask the index to skip ahead when it does not.
            const k = idx.base + i;
            if (!(idx.cpu[k] >= cpu && idx.mem[k] >= mem && idx.gpu[k] >= wholeGpus && idx.pods[k] >= 1)) {
              j = idx.next(i + 1, to, cpu, mem, wholeGpus);
              if (j < 0) break;
            }
          }
          i = j + 1;
          const n = nodeStart + j;
          if (exact && !host.fits(pod, n)) continue;
          const s = fit ? resourcesFitScore(cpuAlloc[n], cpuFree[n], memAlloc[n], memFree[n], cpu, mem, most) : this.scorer.score(host, pod, n);
          if (s > bestScore || (s === bestScore && n < best)) {
            bestScore = s;
            best = n;
          }
          if (++found === toFind) {
            processed = pass === 0 ? j - start + 1 : total - start + j + 1;
            break;
          }
        }
      }
      this.nextStart = (start + processed) % total;
      if (best < 0) {
        this.postFilter(host, pod);
        continue;
      }
      this.bindTo(host, pod, t, best);
    }
  }

  /** The pod fits on no node: PostFilter (the host's DefaultPreemption), then bind to the nominated node. */
  private postFilter(host: MemberSchedulerHost, pod: number): void {
    const node = host.preempt ? host.preempt(pod) : -1;
    if (node >= 0) this.bindTo(host, pod, host.template(pod), node);
  }

  private bindTo(host: MemberSchedulerHost, pod: number, t: PodTemplate, node: number): void {
    const gpus = t.gpus > 0 && this.scorer.selectGpus ? this.scorer.selectGpus(host, pod, node) : null;
    host.bind(pod, node, gpus ?? undefined);
  }
}

registerMemberScheduler('kube-scheduler', (info, scorer) => new KubeScheduler(info, scorer));
