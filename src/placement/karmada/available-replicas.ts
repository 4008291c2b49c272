/**
 * Available replicas per feasible cluster (`pkg/scheduler/core/util.go` fn `calAvailableReplicas`),
 * spec §5.1: the minimum over the registered estimators, ignoring abstentions (-1).
 */
import type { Cluster, FeatureGates, ResourceBindingSpec, TargetCluster } from './types.js';
import { DEFAULT_FEATURE_GATES, MAX_INT32 } from './types.js';
import { generalMaxAvailableComponentSets, generalMaxAvailableReplicas, type AssumedWorkload } from './general-estimator.js';
import { schedulesByComponents } from './multi-template.js';
import { accurateMaxAvailableReplicas, UnauthenticReplica } from './accurate-estimator.js';

export interface EstimatorOptions {
  /** `--enable-scheduler-estimator` (default false): also use the node-level estimate. */
  enableSchedulerEstimator?: boolean;
  featureGates?: FeatureGates;
  /** In-flight workloads per cluster name (only with SchedulingOvercommitProtection). */
  assumedWorkloads?: Readonly<Record<string, ReadonlyArray<AssumedWorkload>>>;
}

/** A function giving each cluster's estimate for a binding (stubbable in tests). */
export type AvailableReplicasCalculator = (clusters: ReadonlyArray<Cluster>, spec: ResourceBindingSpec) => TargetCluster[];

/**
 * Estimate per cluster, in cluster order. Non-workloads (replicas 0 and no components) are never
 * estimated: every cluster gets MaxInt32. A cluster no estimator spoke for gets `spec.replicas`.
 */
export function calAvailableReplicas(clusters: ReadonlyArray<Cluster>, spec: ResourceBindingSpec, options: EstimatorOptions = {}): TargetCluster[] {
  const est = clusters.map(() => MAX_INT32);
  if (spec.replicas === 0 && (spec.components?.length ?? 0) === 0) {
    return clusters.map((c, i) => ({ name: c.name, replicas: est[i] }));
  }
  if (schedulesByComponents(spec, { ...DEFAULT_FEATURE_GATES, ...(options.featureGates ?? {}) })) {
    // `calculateMultiTemplateAvailableSets`: whole sets of the components (the accurate
    // estimator's component sets are not modelled; the general estimate stands for both).
    return clusters.map((c) => {
      const sets = generalMaxAvailableComponentSets(c, spec.components!, { featureGates: options.featureGates, assumedWorkloads: options.assumedWorkloads?.[c.name] });
      return { name: c.name, replicas: sets === UnauthenticReplica || sets >= MAX_INT32 ? spec.replicas : sets };
    });
  }
  const req = spec.replicaRequirements ?? null;
  clusters.forEach((c, i) => {
    const g = generalMaxAvailableReplicas(c, req, {
      featureGates: options.featureGates,
      assumedWorkloads: options.assumedWorkloads?.[c.name],
    });
    if (g !== UnauthenticReplica && g < est[i]) est[i] = g;
    if (options.enableSchedulerEstimator) {
      const a = accurateMaxAvailableReplicas(c, req);
      if (a !== UnauthenticReplica && a < est[i]) est[i] = a;
    }
  });
  return clusters.map((c, i) => ({ name: c.name, replicas: est[i] === MAX_INT32 ? spec.replicas : est[i] }));
}

/** A calculator bound to estimator options. */
export function availableReplicasCalculator(options: EstimatorOptions = {}): AvailableReplicasCalculator {
  return (clusters, spec) => calAvailableReplicas(clusters, spec, options);
}
