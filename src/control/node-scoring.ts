import type { MemberSchedulerHost, NodeScorer } from './member-scheduling.js';
import { registerNodeScorer } from './member-scheduling.js';

/**
 * kube-scheduler's NodeResourcesFit scores, as Kubernetes computes them: per resource (cpu and
 * memory, equal weights) on the node's requested amount after adding the pod, integer arithmetic,
 * then the weighted average.
 *   LeastAllocated: (allocatable - requested) * 100 / allocatable   (spreads)
 *   MostAllocated:  requested * 100 / allocatable                  (packs)
 * A pure function of numbers, so the kube-scheduler's node loop can call it without going through
 * the host for the pod's template on every node.
 */
export function resourcesFitScore(ca: number, cpuFree: number, ma: number, memFree: number, cpuMillis: number, memoryMiB: number, most: boolean): number {
  const cpuReq = ca - cpuFree + cpuMillis;
  const memReq = ma - memFree + memoryMiB;
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

function fitScore(host: MemberSchedulerHost, pod: number, n: number, most: boolean): number {
  const w = host.world;
  const t = host.template(pod);
  return resourcesFitScore(w.cpuAlloc[n], w.cpuFree[n], w.memAlloc[n], w.memFree[n], t.cpuMillis, t.memoryMiB, most);
}

/** A NodeResourcesFit scorer: `mostAllocated` says which strategy (kube-scheduler inlines it). */
export interface ResourcesFitScorer extends NodeScorer {
  readonly mostAllocated: boolean;
}

/**
 * Both run in kube-scheduler's default profile, so they use its adaptive `percentageOfNodesToScore`
 * (0: score only a sample of the feasible nodes on large clusters; see kube-scheduler.ts).
 */
export const leastAllocated: ResourcesFitScorer = { name: 'LeastAllocated', percentageOfNodesToScore: 0, mostAllocated: false, score: (h, p, n) => fitScore(h, p, n, false) };
export const mostAllocated: ResourcesFitScorer = { name: 'MostAllocated', percentageOfNodesToScore: 0, mostAllocated: true, score: (h, p, n) => fitScore(h, p, n, true) };

/** The scorer as a NodeResourcesFit one, or null. */
export function asResourcesFit(s: NodeScorer): ResourcesFitScorer | null {
  return s === leastAllocated || s === mostAllocated ? (s as ResourcesFitScorer) : null;
}

registerNodeScorer('LeastAllocated', () => leastAllocated);
registerNodeScorer('MostAllocated', () => mostAllocated);
