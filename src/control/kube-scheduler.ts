import type { ClusterInfo } from '../model/world.js';
import type { MemberScheduler, MemberSchedulerHost, NodeScorer } from './member-scheduling.js';
import { registerMemberScheduler } from './member-scheduling.js';

/**
 * kube-scheduler, as far as placement goes: the active queue in priority-then-age order, one pod
 * at a time, filter (fit) then score (the cluster's node scorer) over every node, bind to the best.
 * Kubernetes picks at random among equally scored nodes; fleetsim takes the lowest node id, so a
 * run is deterministic. A pod that fits nowhere stays Pending until the next cycle (which the
 * host runs whenever pods are added or resources free up).
 */
export class KubeScheduler implements MemberScheduler {
  readonly name = 'kube-scheduler';
  private readonly info: ClusterInfo;
  private readonly scorer: NodeScorer;

  constructor(info: ClusterInfo, scorer: NodeScorer) {
    this.info = info;
    this.scorer = scorer;
  }

  cycle(host: MemberSchedulerHost, pending: readonly number[]): void {
    const w = host.world;
    const { nodeStart, nodeEnd } = this.info;
    // Largest free cpu/memory/whole GPUs/pod slots on any ready node: a pod asking for more fits
    // nowhere, which skips the node scan for most pods of a full cluster.
    let maxCpu = 0;
    let maxMem = 0;
    let maxGpu = 0;
    let maxPods = 0;
    const bounds = () => {
      maxCpu = maxMem = maxGpu = maxPods = 0;
      for (let n = nodeStart; n < nodeEnd; n++) {
        if (!w.nodeReady[n] || w.nodeCordoned[n]) continue;
        if (w.cpuFree[n] > maxCpu) maxCpu = w.cpuFree[n];
        if (w.memFree[n] > maxMem) maxMem = w.memFree[n];
        if (w.gpuFree[n] > maxGpu) maxGpu = w.gpuFree[n];
        if (w.podsFree[n] > maxPods) maxPods = w.podsFree[n];
      }
    };
    bounds();
    for (const pod of pending) {
      const t = host.template(pod);
      if (maxPods < 1 || t.cpuMillis > maxCpu || t.memoryMiB > maxMem || (t.gpuMilli >= 1000 && t.gpus > maxGpu)) continue;
      let best = -1;
      let bestScore = -Infinity;
      for (let n = nodeStart; n < nodeEnd; n++) {
        if (!host.fits(pod, n)) continue;
        const s = this.scorer.score(host, pod, n);
        if (s > bestScore) {
          bestScore = s;
          best = n;
        }
      }
      if (best < 0) continue;
      const gpus = t.gpus > 0 && this.scorer.selectGpus ? this.scorer.selectGpus(host, pod, best) : null;
      host.bind(pod, best, gpus ?? undefined);
      bounds();
    }
  }
}

registerMemberScheduler('kube-scheduler', (info, scorer) => new KubeScheduler(info, scorer));
