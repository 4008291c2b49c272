import { scheduleBinding } from './karmada/index.js';
import { costSpotScheduler } from './cost-spot.js';
import { federatedGangFifoScheduler, federatedGangScheduler } from './federated-gang.js';
import { registerScheduler, type BindingRequest, type ClusterView, type FleetScheduler, type ScheduleOutcome } from './registry.js';

/**
 * Built-in fleet schedulers. `karmada` honours each workload's PropagationPolicy as written, by
 * Karmada's own pipeline (filter plugins → score plugins → spread-constraint selection →
 * replica assignment, with the clusterAffinities fall-through), implemented purely in
 * `placement/karmada/` and checked against the conformance vectors.
 */
export const karmadaScheduler: FleetScheduler = {
  name: 'karmada',
  description: "Karmada's scheduler: each workload's PropagationPolicy as written",
  schedule(b: BindingRequest, clusters: readonly ClusterView[]): ScheduleOutcome {
    const options = b.options ?? {};
    const r = scheduleBinding({
      spec: {
        resource: { apiVersion: b.workload.apiVersion, kind: b.workload.kind, namespace: b.workload.namespace, name: b.workload.name, uid: b.uid },
        replicas: b.replicas,
        replicaRequirements: { resourceRequest: b.replicaRequirements },
        placement: b.placement,
        clusters: b.previous,
        ...(b.gracefulEvictionTasks ? { gracefulEvictionTasks: b.gracefulEvictionTasks } : {}),
        ...(b.rescheduleTriggeredAt !== undefined ? { rescheduleTriggeredAt: b.rescheduleTriggeredAt } : {}),
      },
      ...(b.status ? { status: b.status } : {}),
      clusters,
      ...(options.enableSchedulerEstimator ? { enableSchedulerEstimator: true } : {}),
    });
    if (r.ok) {
      return { ok: true, clusters: r.clusters, ...(r.schedulerObservedAffinityName ? { schedulerObservedAffinityName: r.schedulerObservedAffinityName } : {}) };
    }
    return { ok: false, kind: r.error.kind, message: r.error.message };
  },
};

/**
 * A what-if override of the division preference: the workload's policy as written, except that
 * a Divided workload's replicas are divided by `weightPreference` (static weights from the policy's staticWeightList,
 * equal weights when it has none; or dynamicWeight AvailableReplicas). Karmada's pipeline does
 * the rest, so filters, spread constraints and estimators stay Karmada's.
 */
function divisionOverride(name: string, description: string, weightPreference: (b: BindingRequest) => NonNullable<NonNullable<BindingRequest['placement']['replicaScheduling']>['weightPreference']>): FleetScheduler {
  return {
    name,
    description,
    schedule(b, clusters) {
      // Only the division preference changes: a Duplicated (or non-replicated) policy stays as written.
      if (b.placement.replicaScheduling?.replicaSchedulingType !== 'Divided') return karmadaScheduler.schedule(b, clusters);
      const placement = {
        ...b.placement,
        replicaScheduling: { replicaSchedulingType: 'Divided' as const, replicaDivisionPreference: 'Weighted' as const, weightPreference: weightPreference(b) },
      };
      return karmadaScheduler.schedule({ ...b, placement }, clusters);
    },
  };
}

export const staticWeightScheduler = divisionOverride(
  'static-weight',
  "every Divided workload by static weights (its policy's staticWeightList, else equal weights), ignoring free capacity",
  (b) => ({ staticWeightList: b.placement.replicaScheduling?.weightPreference?.staticWeightList ?? [] }),
);

export const dynamicWeightScheduler = divisionOverride(
  'dynamic-weight',
  'every Divided workload by available replicas (Karmada dynamicWeight: AvailableReplicas)',
  () => ({ dynamicWeight: 'AvailableReplicas' }),
);

let registered = false;
/** Register the built-in schedulers (idempotent). */
export function registerBuiltinSchedulers(): void {
  if (registered) return;
  registered = true;
  registerScheduler(karmadaScheduler);
  registerScheduler(staticWeightScheduler);
  registerScheduler(dynamicWeightScheduler);
  registerScheduler(federatedGangScheduler);
  registerScheduler(federatedGangFifoScheduler);
  registerScheduler(costSpotScheduler);
}
