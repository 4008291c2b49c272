/**
 * nodeorder (plugins/nodeorder/nodeorder.go): Volcano's wrapper around the kube-scheduler
 * scoring plugins, with its default weights `leastrequested.weight` 1, `mostrequested.weight` 0,
 * `balancedresource.weight` 1, `tainttoleration.weight` 3. Scores are k8s integers in [0, 100]
 * times the weight, summed with the other plugins' scores.
 *
 * Modelled: LeastAllocated and MostAllocated (cpu and memory, weight 1 each), BalancedAllocation
 * (cpu and memory), TaintToleration (intolerable PreferNoSchedule taints, reverse-normalised).
 * Not modelled (they score 0 or equally here): node affinity preferences, inter-pod affinity,
 * image locality, topology spread. "Requested" on a node is its Used plus the task's request;
 * kube-scheduler's non-zero defaults for request-less containers are not applied.
 */
import { CPU, MEMORY } from '../resource.js';
import { numberArg, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import type { NodeInfo } from '../node.js';
import type { TaskInfo } from '../task.js';
import { tolerates } from './predicates.js';

const MAX = 100;

function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX) / capacity);
}

function mostAllocated(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return MAX; // k8s caps requested at capacity
  return Math.trunc((requested * MAX) / capacity);
}

/** LeastAllocated, MostAllocated and BalancedAllocation scores (k8s integers in [0, 100]). */
export function kubeScores(task: TaskInfo, node: NodeInfo): { least: number; most: number; balanced: number } {
  const rc = node.used[CPU] + task.resreq[CPU];
  const rm = node.used[MEMORY] + task.resreq[MEMORY];
  const cc = node.allocatable[CPU];
  const cm = node.allocatable[MEMORY];
  return {
    least: Math.trunc((leastAllocated(rc, cc) + leastAllocated(rm, cm)) / 2),
    most: Math.trunc((mostAllocated(rc, cc) + mostAllocated(rm, cm)) / 2),
    balanced: balancedAllocation(rc, cc, rm, cm),
  };
}

function balancedAllocation(rc: number, cc: number, rm: number, cm: number): number {
  const fc = cc === 0 ? 0 : Math.min(rc / cc, 1);
  const fm = cm === 0 ? 0 : Math.min(rm / cm, 1);
  return Math.trunc((1 - Math.abs(fc - fm) / 2) * MAX);
}

class NodeOrderPlugin implements Plugin {
  readonly name = 'nodeorder';
  constructor(private readonly w: { least: number; most: number; balanced: number; taint: number }) {}

  onSessionOpen(ssn: Session): void {
    const w = this.w;
    ssn.batchNodeOrderFns.set(this.name, (task: TaskInfo, nodes: readonly NodeInfo[]) => {
      const out = new Float64Array(nodes.length);
      const taintCounts = new Float64Array(nodes.length);
      let maxTaint = 0;
      const tc = task.resreq[CPU];
      const tm = task.resreq[MEMORY];
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i];
        const rc = n.used[CPU] + tc;
        const rm = n.used[MEMORY] + tm;
        const cc = n.allocatable[CPU];
        const cm = n.allocatable[MEMORY];
        let score = 0;
        if (w.least !== 0) score += Math.trunc((leastAllocated(rc, cc) + leastAllocated(rm, cm)) / 2) * w.least;
        if (w.most !== 0) score += Math.trunc((mostAllocated(rc, cc) + mostAllocated(rm, cm)) / 2) * w.most;
        if (w.balanced !== 0) score += balancedAllocation(rc, cc, rm, cm) * w.balanced;
        out[i] = score;
        let c = 0;
        for (const taint of n.taints) {
          if (taint.effect !== 'PreferNoSchedule') continue;
          if (!task.tolerations.some((tol) => tolerates(tol, taint))) c++;
        }
        taintCounts[i] = c;
        if (c > maxTaint) maxTaint = c;
      }
      for (let i = 0; i < nodes.length; i++) {
        const norm = maxTaint === 0 ? MAX : MAX - Math.trunc((taintCounts[i] * MAX) / maxTaint);
        out[i] += norm * w.taint;
      }
      return out;
    });
  }
}

export function nodeorder(args: PluginArguments): Plugin {
  return new NodeOrderPlugin({
    least: numberArg(args, 'leastrequested.weight', 1),
    most: numberArg(args, 'mostrequested.weight', 0),
    balanced: numberArg(args, 'balancedresource.weight', 1),
    taint: numberArg(args, 'tainttoleration.weight', 3),
  });
}
