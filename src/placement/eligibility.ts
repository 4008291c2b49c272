import { clusterMatches } from './karmada/index.js';
import { toleratesTaint } from './karmada/toleration.js';
import type { BindingRequest, ClusterView } from './registry.js';

/**
 * Can this binding go to this cluster at all? Ready, matching the placement's cluster affinity, and
 * tolerating the cluster's NoSchedule/NoExecute taints. (Karmada's own pipeline does this with its
 * filter plugins; the simpler fleet schedulers share this check.)
 */
export function eligible(b: BindingRequest, c: ClusterView): boolean {
  if (c.ready !== 'True') return false;
  if (b.placement.clusterAffinity && !clusterMatches(c, b.placement.clusterAffinity)) return false;
  for (const t of c.taints ?? []) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!(b.placement.clusterTolerations ?? []).some((tol) => toleratesTaint(tol, t))) return false;
  }
  return true;
}

/** Free resources per schedulable node of a cluster's live node view. */
export function freeNodes(c: ClusterView): { cpu: number; mem: number; pods: number; gpu: number }[] {
  return (c.nodes ?? [])
    .filter((n) => !n.unschedulable)
    .map((n) => ({
      cpu: (n.allocatable.cpu ?? 0) - (n.requested?.cpu ?? 0),
      mem: (n.allocatable.memory ?? 0) - (n.requested?.memory ?? 0),
      pods: (n.allocatable.pods ?? 0) - (n.pods ?? 0),
      gpu: (n.allocatable['nvidia.com/gpu'] ?? 0) - (n.requested?.['nvidia.com/gpu'] ?? 0),
    }));
}

/** How many replicas of the binding fit on the cluster's nodes now (first fit, node by node). */
export function replicasThatFit(b: BindingRequest, c: ClusterView, max: number): number {
  const req = b.replicaRequirements;
  const cpu = req.cpu ?? 0;
  const mem = req.memory ?? 0;
  const gpu = req['nvidia.com/gpu'] ?? 0;
  let count = 0;
  for (const n of freeNodes(c)) {
    while (count < max && n.cpu >= cpu && n.mem >= mem && n.pods >= 1 && n.gpu >= gpu) {
      n.cpu -= cpu;
      n.mem -= mem;
      n.pods -= 1;
      n.gpu -= gpu;
      count++;
    }
    if (count >= max) break;
  }
  return count;
}
