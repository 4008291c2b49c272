import { assignReplicas, clusterMatches, SchedulingError, type ClusterDetailInfo, type Toleration, type Taint } from './karmada/index.js';
import { registerScheduler, type BindingRequest, type ClusterView, type FleetScheduler, type ScheduleOutcome } from './registry.js';

/**
 * Built-in fleet schedulers. `karmada` honours each workload's PropagationPolicy as written.
 */

/** Does a toleration tolerate a taint (Kubernetes `Toleration.ToleratesTaint`)? */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if ((t.operator ?? 'Equal') === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** General estimator (spec §5.2, simplified to the resources fleetsim models): replicas that fit in the summary. */
export function summaryEstimate(c: ClusterView, req: Record<string, number>): number {
  const s = c.resourceSummary;
  if (!s?.allocatable) return 0;
  let best = Number.MAX_SAFE_INTEGER;
  const pods = (s.allocatable.pods ?? 0) - (s.allocated?.pods ?? 0) - (s.allocating?.pods ?? 0);
  best = Math.min(best, Math.max(0, pods));
  for (const [r, need] of Object.entries(req)) {
    if (need <= 0 || r === 'pods') continue;
    const free = (s.allocatable[r] ?? 0) - (s.allocated?.[r] ?? 0) - (s.allocating?.[r] ?? 0);
    best = Math.min(best, Math.max(0, Math.floor(free / need)));
  }
  return best;
}

function filterCluster(b: BindingRequest, c: ClusterView): true | string {
  const aff = b.placement.clusterAffinity;
  if (aff && !clusterMatches(c, aff)) return 'cluster(s) did not match the placement cluster affinity constraint';
  const tols = b.placement.clusterTolerations ?? [];
  for (const taint of c.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tols.some((t) => tolerates(t, taint))) return `cluster(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  return true;
}

/** First cut of Karmada's pipeline: ClusterAffinity + TaintToleration filters, then AssignReplicas. */
export const karmadaScheduler: FleetScheduler = {
  name: 'karmada',
  description: "Karmada's scheduler: each workload's PropagationPolicy as written",
  schedule(b: BindingRequest, clusters: readonly ClusterView[]): ScheduleOutcome {
    const reasons = new Map<string, number>();
    const feasible: ClusterDetailInfo[] = [];
    for (const c of clusters) {
      const r = filterCluster(b, c);
      if (r !== true) {
        reasons.set(r, (reasons.get(r) ?? 0) + 1);
        continue;
      }
      const held = b.previous.find((t) => t.name === c.name)?.replicas ?? 0;
      const est = summaryEstimate(c, b.replicaRequirements);
      feasible.push({ name: c.name, cluster: c, score: 0, allocatableReplicas: est, availableReplicas: est + held, overflowOrder: 0 });
    }
    if (feasible.length === 0) {
      const why = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
      return { ok: false, kind: 'FitError', message: `0/${clusters.length} clusters are available: ${why}.` };
    }
    try {
      const result = assignReplicas(
        feasible,
        {
          resource: { uid: b.uid, kind: b.workload.kind, name: b.workload.name, namespace: b.workload.namespace },
          replicas: b.replicas,
          replicaRequirements: { resourceRequest: b.replicaRequirements },
          placement: b.placement,
          clusters: b.previous,
        },
        {},
      );
      return { ok: true, clusters: result };
    } catch (e) {
      if (e instanceof SchedulingError) return { ok: false, kind: e.kind, message: e.message };
      throw e;
    }
  },
};

let registered = false;
/** Register the built-in schedulers (idempotent). */
export function registerBuiltinSchedulers(): void {
  if (registered) return;
  registered = true;
  registerScheduler(karmadaScheduler);
}
