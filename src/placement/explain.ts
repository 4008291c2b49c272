import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { clusterMatches } from './karmada/cluster-affinity.js';
import { calAvailableReplicas } from './karmada/available-replicas.js';
import { defaultFilterPlugins, defaultScorePlugins, runFilterPlugins } from './karmada/plugins/registry.js';
import type { PluginContext } from './karmada/plugins/framework.js';
import { resolveStrategyType } from './karmada/strategy.js';
import type { Placement, ResourceBindingSpec } from './karmada/types.js';
import type { BindingRequest, ClusterView, SchedulerPlugins, ScheduleOutcome } from './registry.js';

/**
 * Why a placement came out as it did, in the terms of the pipeline that made it: re-run the
 * pure Karmada functions (`placement/karmada/`: filter plugins, score plugins, estimators, static
 * weights) on exactly the request and cluster views the scheduler saw (recorded by a
 * DecisionSink), or, for a user's module written with `filter`/`score`/`assign`, its own
 * extension points. `fleetsim diff` uses it to name the term that made two schedulers differ,
 * the wait recorder (metrics/waits.ts) to say why a workload went where it went, or waited.
 *
 * Scheduler families:
 * - `karmada`: the built-ins that run Karmada's pipeline: `karmada` (the policy as written),
 *   `static-weight` and `dynamic-weight` (the same pipeline with the division preference
 *   overridden for Divided workloads, as src/placement/builtin.ts does: the policy's
 *   staticWeightList, or dynamicWeight AvailableReplicas);
 * - `plugins`: a module whose default export has `assign` (and maybe `filter`/`score`);
 * - `opaque`: anything else (a `schedule()` function): its inner reasons cannot be named, so
 *   Karmada's own filter verdicts are shown for reference.
 */

export type Family = 'karmada' | 'plugins' | 'opaque';

export interface ClusterFacts {
  readonly name: string;
  /** The first failing filter, or null when the cluster passed every filter. */
  readonly filter: { readonly plugin: string; readonly reason: string } | null;
  /** Score per term (score plugin, or the module's score). */
  readonly scores: Readonly<Record<string, number>>;
  /** Static weight of the cluster (StaticWeight division), when it applies. */
  readonly weight: number | null;
  /** Karmada's estimate of the replicas the cluster can take (DynamicWeight, Aggregated). */
  readonly available: number | null;
  /** Replicas before this decision (the binding's previous result). */
  readonly previous: number;
  /** Replicas in this decision's result. */
  readonly replicas: number;
}

export interface PlacementFacts {
  readonly scheduler: string;
  readonly family: Family;
  /** Karmada's assignment strategy of the effective placement (Duplicated, StaticWeight, DynamicWeight, Aggregated). */
  readonly strategy: string;
  readonly clusters: readonly ClusterFacts[];
}

/** A loaded user module's extension points, when it is written in the plugins shape. */
export async function pluginsOf(schedulerSpec: string): Promise<SchedulerPlugins | null> {
  if (!/[/\\]|\.m?js$/.test(schedulerSpec)) return null;
  try {
    const mod = (await import(pathToFileURL(resolve(schedulerSpec)).href)) as Record<string, unknown>;
    const d = mod.default as Partial<SchedulerPlugins> | undefined;
    return d && typeof d === 'object' && typeof d.assign === 'function' ? (d as SchedulerPlugins) : null;
  } catch {
    return null;
  }
}

export function familyOf(name: string, plugins: SchedulerPlugins | null): Family {
  if (name === 'karmada' || name === 'static-weight' || name === 'dynamic-weight') return 'karmada';
  return plugins ? 'plugins' : 'opaque';
}

/** The placement a Karmada-family scheduler really schedules with (see builtin.ts). */
export function effectivePlacement(scheduler: string, placement: Placement): Placement {
  if (placement.replicaScheduling?.replicaSchedulingType !== 'Divided') return placement;
  if (scheduler === 'static-weight') {
    return { ...placement, replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { staticWeightList: placement.replicaScheduling.weightPreference?.staticWeightList ?? [] } } };
  }
  if (scheduler === 'dynamic-weight') {
    return { ...placement, replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } };
  }
  return placement;
}

/** The ResourceBinding spec Karmada schedules for a request (as the `karmada` built-in builds it). */
export function bindingSpecOf(b: BindingRequest, placement: Placement): ResourceBindingSpec {
  return {
    resource: { apiVersion: b.workload.apiVersion, kind: b.workload.kind, namespace: b.workload.namespace, name: b.workload.name, uid: b.uid },
    replicas: b.replicas,
    replicaRequirements: { resourceRequest: b.replicaRequirements },
    placement,
    clusters: b.previous,
    ...(b.gracefulEvictionTasks ? { gracefulEvictionTasks: b.gracefulEvictionTasks } : {}),
    ...(b.rescheduleTriggeredAt !== undefined ? { rescheduleTriggeredAt: b.rescheduleTriggeredAt } : {}),
  };
}

/** A placement as the scheduler made it: what it was asked, what it saw, what it answered. */
export interface RecordedPlacement {
  readonly outcome: ScheduleOutcome;
  readonly request: BindingRequest;
  readonly clusters: readonly ClusterView[];
}

/**
 * A placement as it was at the moment it was made: what the control plane may still change
 * later (the previous result, the status, taints, resource summaries, node snapshots, the
 * outcome's targets) is copied; the rest (workload spec, the policy's placement, labels) is
 * replaced, never edited, by the control plane (copy on write) and kept by reference.
 */
export function snapshotPlacement(outcome: ScheduleOutcome, request: BindingRequest, clusters: readonly ClusterView[]): RecordedPlacement {
  return {
    outcome: outcome.ok ? { ...outcome, clusters: outcome.clusters.map((c) => ({ ...c })) } : { ...outcome },
    request: { ...request, previous: request.previous.map((c) => ({ ...c })), ...(request.status ? { status: { ...request.status } } : {}) },
    clusters: clusters.map((c) => ({
      ...c,
      ...(c.taints ? { taints: c.taints.map((x) => ({ ...x })) } : {}),
      ...(c.resourceSummary ? { resourceSummary: structuredClone(c.resourceSummary) } : {}),
      ...(c.nodes ? { nodes: c.nodes.map((n) => ({ ...n })) } : {}),
    })),
  };
}

/** Re-run the filters and scores of the deciding pipeline on the recorded request and views. */
export function placementFacts(d: RecordedPlacement, scheduler: string, plugins: SchedulerPlugins | null): PlacementFacts {
  const family = familyOf(scheduler, plugins);
  const placement = family === 'karmada' ? effectivePlacement(scheduler, d.request.placement) : d.request.placement;
  const spec = bindingSpecOf(d.request, placement);
  const ctx: PluginContext = { spec, status: d.request.status ?? {} };
  const strategy = resolveStrategyType(placement) ?? 'unsupported';
  const result = new Map<string, number>();
  if (d.outcome.ok) for (const t of d.outcome.clusters) result.set(t.name, (result.get(t.name) ?? 0) + t.replicas);
  const previous = new Map(d.request.previous.map((t) => [t.name, t.replicas]));
  const views: readonly ClusterView[] = d.clusters;
  const filters = views.map((c) => {
    if (family === 'plugins') {
      const r = plugins!.filter ? plugins!.filter(d.request, c) : true;
      return r === true ? null : { plugin: scheduler, reason: String(r) };
    }
    const r = runFilterPlugins(defaultFilterPlugins, ctx, c);
    return r.code === 'Success' ? null : { plugin: r.plugin ?? '', reason: r.reason ?? '' };
  });
  const feasible = views.filter((_, i) => filters[i] === null);
  // Static weights: the max weight of the matching rules; no rule matching any feasible cluster means weight 1 each.
  const rules = placement.replicaScheduling?.weightPreference?.staticWeightList ?? [];
  const weightOf = (c: ClusterView) => rules.reduce((w, r) => (r.weight > w && clusterMatches(c, r.targetCluster) ? r.weight : w), 0);
  const anyWeight = feasible.some((c) => weightOf(c) > 0);
  const available = new Map(calAvailableReplicas(feasible, spec, { enableSchedulerEstimator: d.request.options?.enableSchedulerEstimator ?? false }).map((t) => [t.name, t.replicas]));
  const clusters: ClusterFacts[] = views.map((c, i) => {
    const scores: Record<string, number> = {};
    if (filters[i] === null) {
      if (family === 'plugins') {
        if (plugins!.score) scores[scheduler] = plugins!.score(d.request, c);
      } else {
        for (const p of defaultScorePlugins) scores[p.name] = p.score(ctx, c);
      }
    }
    return {
      name: c.name,
      filter: filters[i],
      scores,
      weight: filters[i] === null && strategy === 'StaticWeight' ? (anyWeight ? weightOf(c) : 1) : null,
      available: filters[i] === null && (strategy === 'DynamicWeight' || strategy === 'Aggregated') ? (available.get(c.name) ?? null) : null,
      previous: previous.get(c.name) ?? 0,
      replicas: result.get(c.name) ?? 0,
    };
  });
  return { scheduler, family, strategy, clusters };
}

export function divisionTerm(f: PlacementFacts, c: ClusterFacts): string {
  switch (f.strategy) {
    case 'Duplicated':
      return 'Duplicated (every feasible cluster gets all replicas)';
    case 'StaticWeight': {
      const sum = f.clusters.reduce((s, x) => s + (x.weight ?? 0), 0);
      return `StaticWeight, weight ${c.weight ?? 0} of ${sum}`;
    }
    case 'DynamicWeight':
      return `DynamicWeight, available replicas ${c.available ?? 0} of ${f.clusters.reduce((s, x) => s + (x.available ?? 0), 0)}`;
    case 'Aggregated':
      return `Aggregated, available replicas ${c.available ?? 0}`;
    default:
      return f.strategy;
  }
}
