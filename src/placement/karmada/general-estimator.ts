/**
 * The general replica estimator (`pkg/estimator/client/general.go`), spec §5.2: how many more
 * replicas of one shape fit a cluster, judged from its ResourceSummary (or its resource models).
 * Units: cpu in millicores, memory/storage/extended resources in base units, pods as a count.
 */
import type { Cluster, FeatureGates, ReplicaRequirements, ResourceList, ResourceSummary } from './types.js';
import { DEFAULT_FEATURE_GATES } from './types.js';

/** Pods a virtual resource-model node can hold. */
export const MODEL_NODE_PODS = 110;

/** A workload the scheduler has placed but the member cluster has not reported yet. */
export interface AssumedWorkload {
  namespace?: string;
  components: ReadonlyArray<{ replicas: number; replicaRequirements?: ReplicaRequirements | null }>;
}

export interface GeneralEstimatorOptions {
  featureGates?: FeatureGates;
  /**
   * In-flight workloads. They are deducted from the summary only with the
   * SchedulingOvercommitProtection gate; on the resource-model path they are first-fit packed
   * onto the model nodes whenever given (the scheduler only passes them with that gate on).
   */
  assumedWorkloads?: ReadonlyArray<AssumedWorkload>;
}

/** A gate as `{ ...DEFAULT_FEATURE_GATES, ...gates }` has it, without the copy (one per cluster per binding). */
function gateOn(gates: FeatureGates | undefined, name: keyof FeatureGates): boolean {
  return gates !== undefined && name in gates ? !!gates[name] : DEFAULT_FEATURE_GATES[name];
}

const NO_ASSUMED: ReadonlyArray<AssumedWorkload> = Object.freeze([]);

function q(list: ResourceList | undefined, r: string): number {
  return list && typeof list[r] === 'number' ? list[r] : 0;
}

/** allocatable.pods − allocated.pods − allocating.pods, floored at 0 (`getAllowedPodNumber`). */
export function getAllowedPodNumber(summary: ResourceSummary): number {
  const n = q(summary.allocatable, 'pods') - q(summary.allocated, 'pods') - q(summary.allocating, 'pods');
  return n <= 0 ? 0 : n;
}

/** Positive requests, in a fixed (name-sorted) order. */
function positiveRequests(req: ReplicaRequirements | null | undefined): Array<[string, number]> {
  const rr = req?.resourceRequest ?? {};
  return Object.keys(rr)
    .sort()
    .filter((k) => rr[k] > 0)
    .map((k) => [k, rr[k]] as [string, number]);
}

/**
 * min over requested resources of floor((allocatable − allocated − allocating) / request);
 * 0 if a requested resource is not allocatable or exhausted; +Infinity with no positive request
 * (`getMaximumReplicasBasedOnClusterSummary`).
 */
export function getMaximumReplicasBasedOnClusterSummary(summary: ResourceSummary, req: ReplicaRequirements | null | undefined): number {
  // The answer does not depend on the order of the resources (any missing or exhausted one gives
  // 0, else the minimum), so they are read in the object's own order: no sorted copy per cluster.
  const rr = req?.resourceRequest;
  if (!rr) return Infinity;
  let max = Infinity;
  for (const r in rr) {
    const want = rr[r];
    if (!(want > 0)) continue;
    if (!summary.allocatable || typeof summary.allocatable[r] !== 'number') return 0;
    const avail = summary.allocatable[r] - q(summary.allocated, r) - q(summary.allocating, r);
    if (avail <= 0) return 0;
    const n = Math.floor(avail / want);
    if (n < max) max = n;
  }
  return max;
}

/** Add the assumed workloads' requests (and pod counts) to `allocating`. */
export function deductAssumedWorkloads(summary: ResourceSummary, assumed: ReadonlyArray<AssumedWorkload>): ResourceSummary {
  const allocating: ResourceList = { ...(summary.allocating ?? {}) };
  for (const w of assumed) {
    for (const c of w.components) {
      allocating.pods = (allocating.pods ?? 0) + c.replicas;
      for (const [r, v] of positiveRequests(c.replicaRequirements)) allocating[r] = (allocating[r] ?? 0) + v * c.replicas;
    }
  }
  return { ...summary, allocating };
}

interface ModelNode {
  free: ResourceList;
  pods: number;
}

/** Replicas of `req` one node still fits: min(free pods, min_r floor(free_r / request_r)). */
function nodeFit(node: ModelNode, reqs: ReadonlyArray<[string, number]>): number {
  let n = node.pods;
  for (const [r, want] of reqs) {
    const f = Math.floor(q(node.free, r) / want);
    if (f < n) n = f;
  }
  return n < 0 ? 0 : n;
}

/** First-fit `count` replicas onto the nodes in order; returns how many were placed. */
function firstFit(nodes: ModelNode[], reqs: ReadonlyArray<[string, number]>, count: number): number {
  let placed = 0;
  for (const node of nodes) {
    if (placed >= count) break;
    const k = Math.min(nodeFit(node, reqs), count - placed);
    if (k <= 0) continue;
    node.pods -= k;
    for (const [r, want] of reqs) node.free[r] = q(node.free, r) - k * want;
    placed += k;
  }
  return placed;
}

/**
 * Resource-model estimate (`getMaximumReplicasBasedOnResourceModels`, `buildModelNodes`):
 * one virtual node per counted model node, grades ascending, capacity = each range's `min`
 * plus 110 pods; assumed workloads are packed first, then replicas of `req` first-fit until
 * nothing fits. Throws when the cluster has no models / modelings, or when a requested
 * resource appears in no model (the caller then falls back to the summary).
 */
export function getMaximumReplicasBasedOnResourceModels(
  cluster: Cluster,
  req: ReplicaRequirements | null | undefined,
  assumed: ReadonlyArray<AssumedWorkload> = [],
): number {
  const models = cluster.resourceModels ?? [];
  const modelings = cluster.resourceSummary?.allocatableModelings ?? [];
  if (models.length === 0 || modelings.length === 0) throw new Error('no resource summary / no resource models');
  const reqs = positiveRequests(req);
  const known = new Set<string>();
  for (const m of models) for (const rg of m.ranges ?? []) known.add(rg.name);
  for (const [r] of reqs) if (!known.has(r)) throw new Error(`resource model is inapplicable as missing resource: ${r}`);

  const countByGrade = new Map<number, number>();
  for (const m of modelings) countByGrade.set(m.grade, (countByGrade.get(m.grade) ?? 0) + m.count);
  const nodes: ModelNode[] = [];
  for (const m of [...models].sort((a, b) => a.grade - b.grade)) {
    const count = countByGrade.get(m.grade) ?? 0;
    const cap: ResourceList = {};
    for (const rg of m.ranges ?? []) cap[rg.name] = rg.min;
    for (let i = 0; i < count; i++) nodes.push({ free: { ...cap }, pods: MODEL_NODE_PODS });
  }
  for (const w of assumed) for (const c of w.components) firstFit(nodes, positiveRequests(c.replicaRequirements), c.replicas);
  if (reqs.length === 0) return nodes.reduce((s, n) => s + n.pods, 0);
  return firstFit(nodes, reqs, Number.MAX_SAFE_INTEGER);
}

/**
 * `GeneralEstimator.maxAvailableReplicas` for one cluster: 0 without a summary; pod headroom
 * alone without requirements; else min(pod headroom, resource-model estimate) when the
 * CustomizedClusterResourceModeling gate is on and the cluster reports modelings (falling back on
 * error), else min(pod headroom, per-resource bound).
 */
export function generalMaxAvailableReplicas(
  cluster: Cluster,
  req: ReplicaRequirements | null | undefined,
  options: GeneralEstimatorOptions = {},
): number {
  if (!cluster.resourceSummary) return 0;
  const gates = options.featureGates;
  const assumed = options.assumedWorkloads ?? NO_ASSUMED;
  let summary = cluster.resourceSummary;
  if (gateOn(gates, 'SchedulingOvercommitProtection') && assumed.length > 0) summary = deductAssumedWorkloads(summary, assumed);
  const allowed = getAllowedPodNumber(summary);
  if (allowed <= 0) return 0;
  if (!req) return allowed;
  if (gateOn(gates, 'CustomizedClusterResourceModeling') && (cluster.resourceSummary.allocatableModelings?.length ?? 0) > 0) {
    try {
      return Math.min(allowed, getMaximumReplicasBasedOnResourceModels(cluster, req, assumed));
    } catch {
      // fall through to the summary-based estimate, as Karmada does
    }
  }
  return Math.min(allowed, getMaximumReplicasBasedOnClusterSummary(summary, req));
}

/**
 * `GeneralEstimator.maxAvailableComponentSets` for one cluster: how many whole sets of the
 * components (each `replicas` pods of its requests) fit the summary: 0 without one or without pod
 * headroom; pod headroom ÷ pods per set, bounded by each resource's free amount ÷ a set's request
 * of it (0 when a requested resource is exhausted); the pod headroom alone when the components
 * have no pods. The resource-model bound (CustomizedClusterResourceModeling with allocatable
 * modelings) is not applied: fleetsim's members report no modelings.
 */
export function generalMaxAvailableComponentSets(
  cluster: Cluster,
  components: ReadonlyArray<{ replicas: number; replicaRequirements?: ReplicaRequirements | null }>,
  options: GeneralEstimatorOptions = {},
): number {
  if (!cluster.resourceSummary) return 0;
  const gates = { ...DEFAULT_FEATURE_GATES, ...(options.featureGates ?? {}) };
  const assumed = options.assumedWorkloads ?? [];
  let summary = cluster.resourceSummary;
  if (gates.SchedulingOvercommitProtection && assumed.length > 0) summary = deductAssumedWorkloads(summary, assumed);
  const allowed = getAllowedPodNumber(summary);
  if (allowed <= 0) return 0;
  const podsPerSet = components.reduce((n, c) => n + c.replicas, 0);
  if (podsPerSet <= 0) return allowed;
  let sets = Math.trunc(allowed / podsPerSet);
  const perSet = new Map<string, number>();
  for (const c of components) for (const [r, want] of positiveRequests(c.replicaRequirements)) perSet.set(r, (perSet.get(r) ?? 0) + want * c.replicas);
  for (const r of [...perSet.keys()].sort()) {
    const want = perSet.get(r)!;
    const avail = q(summary.allocatable, r) - q(summary.allocated, r) - q(summary.allocating, r);
    if (avail <= 0) return 0;
    const bound = Math.trunc(avail / want);
    if (bound < sets) sets = bound;
  }
  return sets;
}
