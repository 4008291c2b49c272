import { getMaximumReplicasBasedOnClusterSummary } from './karmada/general-estimator.js';
import { clusterMatches, scheduleBinding } from './karmada/index.js';
import { costSpotScheduler } from './cost-spot.js';
import { federatedGangFifoScheduler, federatedGangScheduler } from './federated-gang.js';
import { UserError } from '../errors.js';
import { getScheduler, loadSchedulerModule, placedWhole, registerScheduler, schedulerNames, type BindingRequest, type ClusterView, type FleetScheduler, type ScheduleOutcome } from './registry.js';

/**
 * Built-in fleet schedulers. `karmada` honours each workload's PropagationPolicy as written, by
 * Karmada's own pipeline (filter plugins → score plugins → spread-constraint selection →
 * replica assignment, with the clusterAffinities fall-through), implemented purely in
 * `placement/karmada/` and checked against the conformance vectors.
 */
/** The fast path below, switchable so a test can compare it with the plain one (test/scale/fast-paths). */
export const karmadaFastPaths = { affinityPrefilter: true };

export const karmadaScheduler: FleetScheduler = {
  name: 'karmada',
  description: "Karmada's scheduler: each workload's PropagationPolicy as written",
  schedule(b: BindingRequest, clusters: readonly ClusterView[]): ScheduleOutcome {
    // Karmada's ClusterAffinity filter rejects every cluster outside a placement's clusterAffinity,
    // and only the feasible clusters reach scoring, selection and assignment: scheduling over the
    // matching clusters gives the same result, without the other filters on the rest (90 of 100
    // clusters for a pool's binding at scale). A failure is redone over every cluster, so its
    // message (a FitError names each cluster) stays Karmada's.
    const affinity = b.placement.clusterAffinity;
    if (affinity && karmadaFastPaths.affinityPrefilter) {
      const matching = clusters.filter((c) => clusterMatches(c, affinity));
      if (matching.length < clusters.length) {
        const out = karmadaSchedule(b, matching);
        if (out.ok) return out;
      }
    }
    return karmadaSchedule(b, clusters);
  },
};

/** One scheduling attempt of `b` by Karmada's pipeline over `clusters`. */
function karmadaSchedule(b: BindingRequest, clusters: readonly ClusterView[]): ScheduleOutcome {
  const options = b.options ?? {};
  const r = scheduleBinding({
    spec: {
      resource: { apiVersion: b.workload.apiVersion, kind: b.workload.resourceKind ?? b.workload.kind, namespace: b.workload.namespace, name: b.workload.name, uid: b.uid },
      replicas: b.replicas,
      ...(Object.keys(b.replicaRequirements).length > 0 ? { replicaRequirements: { resourceRequest: b.replicaRequirements } } : {}),
      ...(b.components ? { components: b.components } : {}),
      placement: b.placement,
      clusters: b.previous,
      ...(b.gracefulEvictionTasks ? { gracefulEvictionTasks: b.gracefulEvictionTasks } : {}),
      ...(b.rescheduleTriggeredAt !== undefined ? { rescheduleTriggeredAt: b.rescheduleTriggeredAt } : {}),
    },
    ...(b.status ? { status: b.status } : {}),
    clusters,
    ...(options.enableSchedulerEstimator ? { enableSchedulerEstimator: true } : {}),
    // Components reach the scheduler only with the gate on (see BindingRequest.components).
    ...(b.components ? { featureGates: { MultiplePodTemplatesScheduling: true } } : {}),
  });
  if (r.ok) {
    return { ok: true, clusters: r.clusters, ...(r.schedulerObservedAffinityName ? { schedulerObservedAffinityName: r.schedulerObservedAffinityName } : {}) };
  }
  return { ok: false, kind: r.error.kind, message: r.error.message };
}

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

const karmadaDynamicWeight = divisionOverride(
  'dynamic-weight',
  'every Divided workload by available replicas (Karmada dynamicWeight: AvailableReplicas)',
  () => ({ dynamicWeight: 'AvailableReplicas' }),
);

/**
 * `dynamic-weight`: by default Karmada's dynamicWeight (AvailableReplicas). With the scenario's
 * `dynamicWeight.mode: health-latency`, each cluster's weight is its available replicas (Karmada's
 * general estimate from the resource summary) × a health factor (Ready True 1, Unknown 0.5, False 0)
 * × a latency factor ref / (ref + latency), where latency is what the workload's users observe
 * from that cluster (`observedLatency`, from the traffic model when the scenario has one) or else
 * the control plane's round trip to it; the replicas are then divided by those weights (Webster).
 */
export const dynamicWeightScheduler: FleetScheduler = {
  name: 'dynamic-weight',
  description: karmadaDynamicWeight.description!,
  schedule(b, clusters) {
    const mode = b.options?.dynamicWeight;
    if (!mode || mode.mode === 'available-replicas' || b.placement.replicaScheduling?.replicaSchedulingType !== 'Divided' || placedWhole(b)) return karmadaDynamicWeight.schedule(b, clusters);
    const req = { resourceRequest: b.replicaRequirements };
    const weights = clusters.map((c) => {
      const avail = c.resourceSummary ? getMaximumReplicasBasedOnClusterSummary(c.resourceSummary, req) : 0;
      const health = c.ready === 'True' ? 1 : c.ready === 'Unknown' ? 0.5 : 0;
      const latency = b.observedLatency?.[c.name] ?? 0;
      const factor = mode.referenceLatency / (mode.referenceLatency + latency);
      return { name: c.name, weight: Math.round(Math.min(avail, b.replicas) * health * factor * 1000) };
    });
    const list = weights.filter((w) => w.weight > 0).map((w) => ({ targetCluster: { clusterNames: [w.name] }, weight: w.weight }));
    if (list.length === 0) return { ok: false, kind: 'Unschedulable', message: 'no cluster has healthy available capacity' };
    const placement = { ...b.placement, replicaScheduling: { replicaSchedulingType: 'Divided' as const, replicaDivisionPreference: 'Weighted' as const, weightPreference: { staticWeightList: list } } };
    return karmadaScheduler.schedule({ ...b, placement }, clusters);
  },
};

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

/**
 * Why a module did not load, in words that do not quote it: a syntax error's message names a
 * token of the file, and a reference error a word of it (a file of text read as a module names
 * its first word: the path may point at any file), so only their kind and line are given.
 */
function moduleProblem(e: unknown, path: string): string {
  const err = e as Error & { code?: string };
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(path.split(/[/\\]/).pop()!)) return 'no such file';
  const line = (): string => {
    const n = new RegExp(`${escapeRegExp(path.split(/[/\\]/).pop()!)}:(\\d+)`).exec(String(err.stack))?.[1];
    return n ? ` at line ${n}` : '';
  };
  if (err instanceof SyntaxError) return `a module that does not parse (a syntax error${line()})`;
  if (err instanceof ReferenceError) return `a module that failed to load (a ReferenceError${line()}: a name that is not defined)`;
  if (err instanceof TypeError && /^(?:\S+: )?(the default export|export a scheduler|the module registered|registerScheduler)/.test(err.message)) return err.message.replace(/^\S+: /, '');
  return `a module that failed to load (${err?.name ?? 'Error'}: ${String(err?.message ?? e).split('\n')[0].slice(0, 200)})`;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Resolve a scheduler by name, loading it first if it names a module (`./my-policy.js`). */
export async function resolveScheduler(name: string): Promise<FleetScheduler> {
  registerBuiltinSchedulers();
  let s = getScheduler(name);
  if (!s && /[/\\]|\.m?js$/.test(name)) {
    let names: string[];
    try {
      names = await loadSchedulerModule(name);
    } catch (e) {
      throw new UserError(`scheduler module ${name}: ${moduleProblem(e, name)}`);
    }
    s = getScheduler(names[0]);
  }
  if (!s) throw new UserError(`unknown scheduler '${name}' (registered: ${schedulerNames().join(', ')}; or give a module path like ./my-policy.js)`);
  return s;
}
