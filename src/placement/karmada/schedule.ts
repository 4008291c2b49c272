/**
 * One scheduling attempt (`pkg/scheduler/core/generic_scheduler.go` fn `Schedule`, spec §2), the
 * clusterAffinities fall-through (`scheduler.go` fn `scheduleResourceBindingWithClusterAffinities`,
 * spec §8), and `scheduleBinding`, the single pure entry the simulator calls.
 */
import type { Cluster, FeatureGates, ResourceBindingSpec, ResourceBindingStatus, TargetCluster } from './types.js';
import { FitError, SchedulingError, SchedulerError } from './errors.js';
import { defaultFilterPlugins, defaultScorePlugins, runFilterPlugins, runScorePlugins } from './plugins/registry.js';
import type { FilterPlugin, PluginContext, ScorePlugin } from './plugins/framework.js';
import { availableReplicasCalculator, type AvailableReplicasCalculator, type EstimatorOptions } from './available-replicas.js';
import { selectClusters } from './select-clusters.js';
import { assignReplicas, attachZeroReplicasCluster } from './assign-replicas.js';
import { affinityIndex, rescheduleRequired } from './reschedule-triggers.js';
import type { ClusterScore } from './group-clusters.js';
import type { AssumedWorkload } from './general-estimator.js';

export interface ScheduleOptions {
  featureGates?: FeatureGates;
  /** `--enable-scheduler-estimator` (default false): also use the node-level estimate. */
  enableSchedulerEstimator?: boolean;
  /** `--enable-empty-workload-propagation` (default false). */
  enableEmptyWorkloadPropagation?: boolean;
  /** In-flight workloads per cluster (only consulted with SchedulingOvercommitProtection). */
  assumedWorkloads?: Readonly<Record<string, ReadonlyArray<AssumedWorkload>>>;
  filterPlugins?: readonly FilterPlugin[];
  scorePlugins?: readonly ScorePlugin[];
  /** Replace the estimators (tests, custom schedulers). */
  calAvailableReplicas?: AvailableReplicasCalculator;
}

function calculatorOf(options: ScheduleOptions): AvailableReplicasCalculator {
  if (options.calAvailableReplicas) return options.calAvailableReplicas;
  const est: EstimatorOptions = {
    enableSchedulerEstimator: options.enableSchedulerEstimator,
    featureGates: options.featureGates,
    assumedWorkloads: options.assumedWorkloads,
  };
  return availableReplicasCalculator(est);
}

/** Filter: the feasible clusters in input order, or a FitError naming each cluster's first failure. */
export function findClustersThatFit(
  ctx: PluginContext,
  clusters: ReadonlyArray<Cluster>,
  plugins: readonly FilterPlugin[] = defaultFilterPlugins,
): Cluster[] {
  const feasible: Cluster[] = [];
  for (let i = 0; i < clusters.length; i++) if (runFilterPlugins(plugins, ctx, clusters[i]).code === 'Success') feasible.push(clusters[i]);
  if (feasible.length > 0) return feasible;
  // Every cluster failed: filter again for the reasons (filters are pure; most bindings never get
  // here, so they do not build a reason per failing cluster).
  const reasons: Array<{ cluster: string; plugin: string; reason: string }> = [];
  for (const c of clusters) {
    const r = runFilterPlugins(plugins, ctx, c);
    reasons.push({ cluster: c.name, plugin: r.plugin ?? '', reason: r.reason ?? '' });
  }
  throw new FitError(clusters.length, reasons);
}

/** Score: summed plugin scores per feasible cluster, in input order. */
export function prioritizeClusters(
  ctx: PluginContext,
  clusters: ReadonlyArray<Cluster>,
  plugins: readonly ScorePlugin[] = defaultScorePlugins,
): ClusterScore[] {
  return clusters.map((cluster) => ({ cluster, score: runScorePlugins(plugins, ctx, cluster) }));
}

/**
 * `Schedule`: filter → score → select → assign for the observed affinity term in `status`.
 * Deleting clusters are skipped. Throws a SchedulingError (FitError, UnschedulableError,
 * SchedulerError).
 */
export function schedule(
  spec: ResourceBindingSpec,
  status: ResourceBindingStatus,
  clusters: ReadonlyArray<Cluster>,
  options: ScheduleOptions = {},
): TargetCluster[] {
  const live = clusters.filter((c) => !c.deleting);
  const ctx: PluginContext = { spec, status };
  const feasible = findClustersThatFit(ctx, live, options.filterPlugins ?? defaultFilterPlugins);
  const scores = prioritizeClusters(ctx, feasible, options.scorePlugins ?? defaultScorePlugins);
  const selected = selectClusters(scores, spec.placement, spec, status, calculatorOf(options), options.featureGates);
  const result = assignReplicas(selected, spec, status, { featureGates: options.featureGates });
  return options.enableEmptyWorkloadPropagation ? attachZeroReplicasCluster(selected, result) : result;
}

/** Outcome of trying clusterAffinities terms in turn. */
export interface AffinityFailoverOutcome<E> {
  triedTerms: string[];
  /** The first successful term's result. */
  result?: TargetCluster[];
  /** The first error when every term failed. */
  error?: E;
  /** On total failure: true when the result must be patched to empty (first error is a FitError). */
  resultPatched: boolean;
  /** The observed term after this attempt ('' if none was ever observed). */
  observedAffinityName: string;
}

/**
 * The clusterAffinities fall-through (spec §8): start at the observed term (term 0 when it is
 * unknown or an explicit reschedule is pending) and try terms in order until one schedules.
 * `tryTerm` runs one scheduling attempt with that term observed and throws on failure;
 * `isFitError` classifies the first error.
 */
export function clusterAffinitiesFailover<E = unknown>(
  terms: ReadonlyArray<{ affinityName: string }>,
  status: ResourceBindingStatus,
  rescheduleTriggeredAt: number | null | undefined,
  tryTerm: (termName: string) => TargetCluster[],
  isFitError: (e: E) => boolean = (e) => e instanceof FitError,
): AffinityFailoverOutcome<E> {
  let i = affinityIndex(terms, status.schedulerObservedAffinityName);
  if (rescheduleRequired(rescheduleTriggeredAt, status.lastScheduledTime)) i = 0;
  const tried: string[] = [];
  let firstErr: { e: E } | null = null;
  for (; i < terms.length; i++) {
    const name = terms[i].affinityName;
    tried.push(name);
    try {
      const result = tryTerm(name);
      return { triedTerms: tried, result, resultPatched: false, observedAffinityName: name };
    } catch (e) {
      if (!firstErr) firstErr = { e: e as E };
    }
  }
  const observed = status.schedulerObservedAffinityName ?? '';
  if (!firstErr) return { triedTerms: tried, resultPatched: false, observedAffinityName: observed };
  return { triedTerms: tried, error: firstErr.e, resultPatched: isFitError(firstErr.e), observedAffinityName: observed };
}

/** What the simulator hands to one scheduling attempt of a binding. */
export interface ScheduleBindingInput extends ScheduleOptions {
  spec: ResourceBindingSpec;
  status?: ResourceBindingStatus;
  /** Every cluster in the scheduler cache (deleting ones are skipped). */
  clusters: ReadonlyArray<Cluster>;
}

export type ScheduleBindingResult =
  | {
      ok: true;
      /** New `spec.clusters`. */
      clusters: TargetCluster[];
      /** New `status.schedulerObservedAffinityName` (clusterAffinities placements only). */
      schedulerObservedAffinityName?: string;
      triedAffinityTerms?: string[];
    }
  | {
      ok: false;
      error: SchedulingError;
      /** `[]` when the failure patches `spec.clusters` to empty (FitError); `null` = keep the previous result. */
      clusters: TargetCluster[] | null;
      triedAffinityTerms?: string[];
    };

function asSchedulingError(e: unknown): SchedulingError {
  if (e instanceof SchedulingError) return e;
  return new SchedulerError(e instanceof Error ? e.message : String(e));
}

/**
 * A whole scheduling attempt for one binding: `Schedule` once, or the clusterAffinities
 * fall-through. Never throws for scheduling outcomes; returns the new result or a typed error
 * with what happens to `spec.clusters` (spec §2 outcome table).
 */
export function scheduleBinding(input: ScheduleBindingInput): ScheduleBindingResult {
  const status: ResourceBindingStatus = input.status ?? {};
  const terms = input.spec.placement?.clusterAffinities ?? [];
  if (!input.spec.placement?.clusterAffinity && terms.length > 0) {
    const out = clusterAffinitiesFailover<SchedulingError>(
      terms,
      status,
      input.spec.rescheduleTriggeredAt,
      (name) => {
        try {
          return schedule(input.spec, { ...status, schedulerObservedAffinityName: name }, input.clusters, input);
        } catch (e) {
          throw asSchedulingError(e);
        }
      },
      (e) => e.kind === 'FitError',
    );
    if (out.result) {
      return { ok: true, clusters: out.result, schedulerObservedAffinityName: out.observedAffinityName, triedAffinityTerms: out.triedTerms };
    }
    const error = out.error ?? new SchedulerError('no clusterAffinities term to schedule with');
    return { ok: false, error, clusters: out.resultPatched ? [] : null, triedAffinityTerms: out.triedTerms };
  }
  try {
    return { ok: true, clusters: schedule(input.spec, status, input.clusters, input) };
  } catch (e) {
    const error = asSchedulingError(e);
    return { ok: false, error, clusters: error.kind === 'FitError' ? [] : null };
  }
}
