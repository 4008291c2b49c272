import type { MemberSchedulerHost, NodeScorer } from './member-scheduling.js';
import { registerNodeScorer } from './member-scheduling.js';

/**
 * kube-scheduler's NodeResourcesFit scores, as Kubernetes computes them: per resource (cpu and
 * memory, equal weights) on the node's requested amount after adding the pod, integer arithmetic,
 * then the weighted average.
 *   LeastAllocated: (allocatable - requested) * 100 / allocatable   (spreads)
 *   MostAllocated:  requested * 100 / allocatable                  (packs)
 */
function fitScore(host: MemberSchedulerHost, pod: number, n: number, most: boolean): number {
  const w = host.world;
  const t = host.template(pod);
  const ca = w.cpuAlloc[n];
  const ma = w.memAlloc[n];
  const cpuReq = ca - w.cpuFree[n] + t.cpuMillis;
  const memReq = ma - w.memFree[n] + t.memoryMiB;
  let cs: number;
  let ms: number;
  if (most) {
    cs = ca === 0 ? 0 : Math.floor((Math.min(cpuReq, ca) * 100) / ca);
    ms = ma === 0 ? 0 : Math.floor((Math.min(memReq, ma) * 100) / ma);
  } else {
    cs = ca === 0 || cpuReq > ca ? 0 : Math.floor(((ca - cpuReq) * 100) / ca);
    ms = ma === 0 || memReq > ma ? 0 : Math.floor(((ma - memReq) * 100) / ma);
  }
  return Math.floor((cs + ms) / 2);
}

export const leastAllocated: NodeScorer = { name: 'LeastAllocated', score: (h, p, n) => fitScore(h, p, n, false) };
export const mostAllocated: NodeScorer = { name: 'MostAllocated', score: (h, p, n) => fitScore(h, p, n, true) };

registerNodeScorer('LeastAllocated', () => leastAllocated);
registerNodeScorer('MostAllocated', () => mostAllocated);
