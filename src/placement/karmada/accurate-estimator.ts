/**
 * The accurate, node-level estimator (karmada-scheduler-estimator, plugin NodeResourceEstimator,
 * `pkg/estimator/server`), spec §5.3. Optional (`--enable-scheduler-estimator`, default off).
 * Over a snapshot of the member cluster's nodes: every schedulable node that satisfies the
 * replica's node claim contributes min(free pods, min_r floor(free_r / request_r)); the estimate
 * is the sum over nodes (no packing interaction between nodes).
 */
import type { Cluster, NodeSnapshot, ReplicaRequirements } from './types.js';
import { tolerationsTolerateTaint } from './toleration.js';

/** Karmada's "UnauthenticReplica": the estimator abstains. */
export const UnauthenticReplica = -1;

function nodeMatchesClaim(node: NodeSnapshot, req: ReplicaRequirements | null | undefined): boolean {
  if (node.unschedulable) return false;
  const claim = req?.nodeClaim;
  const selector = claim?.nodeSelector ?? {};
  const labels = node.labels ?? {};
  for (const k of Object.keys(selector)) if (labels[k] !== selector[k]) return false;
  for (const t of node.taints ?? []) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!tolerationsTolerateTaint(claim?.tolerations, t)) return false;
  }
  return true;
}

/** Replicas one node can still take. */
export function nodeMaxAvailableReplicas(node: NodeSnapshot, req: ReplicaRequirements | null | undefined): number {
  if (!nodeMatchesClaim(node, req)) return 0;
  const alloc = node.allocatable ?? {};
  const used = node.requested ?? {};
  let n = Math.max((alloc.pods ?? 0) - (node.pods ?? 0), 0);
  const rr = req?.resourceRequest ?? {};
  for (const r of Object.keys(rr).sort()) {
    const want = rr[r];
    if (!(want > 0) || r === 'pods') continue;
    const free = (alloc[r] ?? 0) - (used[r] ?? 0);
    const k = free <= 0 ? 0 : Math.floor(free / want);
    if (k < n) n = k;
  }
  return n;
}

/** Sum over the cluster's nodes; -1 (abstain) when the cluster has no node snapshot. */
export function accurateMaxAvailableReplicas(cluster: Cluster, req: ReplicaRequirements | null | undefined): number {
  if (!cluster.nodes) return UnauthenticReplica;
  let s = 0;
  for (const node of cluster.nodes) s += nodeMaxAvailableReplicas(node, req);
  return s;
}
