/**
 * Spread-constraint selection (`pkg/scheduler/core/spreadconstraint/select_clusters*.go`),
 * spec §6.3–§6.5, and `core.SelectClusters`.
 */
import type { ClusterDetailInfo, FeatureGates, Placement, ResourceBindingSpec, ResourceBindingStatus, SpreadConstraint } from './types.js';
import { schedulesByComponents } from './multi-template.js';
import { SchedulerError } from './errors.js';
import {
  groupClustersWithScore,
  shouldIgnoreAvailableResource,
  shouldIgnoreSpreadConstraint,
  sortClusters,
  spreadConstraintFor,
  type ClusterScore,
  type GroupClustersInfo,
  type GroupInfo,
} from './group-clusters.js';
import { selectGroups } from './select-groups.js';
import type { AvailableReplicasCalculator } from './available-replicas.js';

function sumAvailable(cs: ReadonlyArray<ClusterDetailInfo>): number {
  let s = 0;
  for (const c of cs) s += c.availableReplicas;
  return s;
}

/**
 * By cluster (`selectBestClustersByCluster`, `selectClustersByAvailableResource`): the first
 * min(n, maxGroups) clusters; if `needReplicas` ≥ 0 and they cannot hold it, walk the selected slots
 * from the last one back, swapping each with the remaining cluster of most AvailableReplicas that
 * beats it (first such maximum in the remaining order; the swapped-out cluster takes its place).
 */
export function selectBestClustersByCluster(
  constraint: SpreadConstraint,
  clusters: ReadonlyArray<ClusterDetailInfo>,
  needReplicas: number,
): ClusterDetailInfo[] {
  const minGroups = constraint.minGroups ?? 0;
  const maxGroups = constraint.maxGroups ?? 0;
  if (clusters.length < minGroups) {
    throw new SchedulerError('the number of feasible clusters is less than spreadConstraint.MinGroups');
  }
  const n = Math.min(clusters.length, maxGroups);
  const arr = clusters.slice();
  if (needReplicas === -1) return arr.slice(0, n);
  let i = n - 1;
  let sum = sumAvailable(arr.slice(0, n));
  while (sum < needReplicas && i >= 0) {
    let j = -1;
    for (let r = n; r < arr.length; r++) {
      if (arr[r].availableReplicas > arr[i].availableReplicas && (j === -1 || arr[r].availableReplicas > arr[j].availableReplicas)) j = r;
    }
    if (j !== -1) {
      sum += arr[j].availableReplicas - arr[i].availableReplicas;
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    i--;
  }
  if (sum < needReplicas) throw new SchedulerError(`no enough resource when selecting ${n} clusters`);
  return arr.slice(0, n);
}

/**
 * By region (`selectBestClustersByRegion`): choose regions with `selectGroups` (value = cluster
 * count, weight = region score, target = cluster minGroups), take the best cluster of each chosen
 * region, then fill up to the cluster maxGroups with the rest in canonical order.
 */
export function selectBestClustersByRegion(
  spreadConstraints: ReadonlyArray<SpreadConstraint>,
  regions: ReadonlyArray<GroupInfo>,
): ClusterDetailInfo[] {
  const region = spreadConstraints.find((s) => s.spreadByField === 'region') ?? {};
  const cluster = spreadConstraints.find((s) => s.spreadByField === 'cluster') ?? {};
  const regionMin = region.minGroups ?? 0;
  if (regions.length < regionMin) throw new SchedulerError('the number of feasible region is less than spreadConstraint.MinGroups');
  const byName = new Map(regions.map((r) => [r.name, r]));
  const chosen = selectGroups(
    regions.map((r) => ({ name: r.name, value: r.clusters.length, weight: r.score })),
    regionMin,
    region.maxGroups ?? 0,
    cluster.minGroups ?? 0,
  );
  if (!chosen) throw new SchedulerError('the number of clusters is less than the cluster spreadConstraint.MinGroups');
  const selected: ClusterDetailInfo[] = [];
  const rest: ClusterDetailInfo[] = [];
  for (const g of chosen) {
    const cs = byName.get(g.name)!.clusters;
    if (cs.length === 0) continue;
    selected.push(cs[0]);
    rest.push(...cs.slice(1));
  }
  const need = Math.min(selected.length + rest.length, cluster.maxGroups ?? 0) - selected.length;
  if (need > 0) selected.push(...sortClusters(rest).slice(0, need));
  return selected;
}

/**
 * `SelectBestClusters`: all clusters when there are no spread constraints (or they are ignored);
 * else by region if a region constraint exists, else by cluster; zone/provider alone is an error.
 */
export function selectBestClusters(placement: Placement | null | undefined, info: GroupClustersInfo, needReplicas: number): ClusterDetailInfo[] {
  const scs = placement?.spreadConstraints ?? [];
  if (scs.length === 0 || shouldIgnoreSpreadConstraint(placement)) return info.clusters.slice();
  const need = shouldIgnoreAvailableResource(placement) ? -1 : needReplicas;
  if (spreadConstraintFor(placement, 'region')) return selectBestClustersByRegion(scs, info.regions);
  const c = spreadConstraintFor(placement, 'cluster');
  if (c) return selectBestClustersByCluster(c, info.clusters, need);
  throw new SchedulerError('just support cluster and region spread constraint');
}

/**
 * `core.SelectClusters`: group the scored clusters, then select (needReplicas = spec.replicas;
 * 1 for a workload scheduled by its components: one whole set).
 */
export function selectClusters(
  clustersScore: ReadonlyArray<ClusterScore>,
  placement: Placement | null | undefined,
  spec: ResourceBindingSpec,
  status: ResourceBindingStatus | undefined,
  calAvailableReplicas: AvailableReplicasCalculator,
  featureGates: FeatureGates = {},
): ClusterDetailInfo[] {
  const info = groupClustersWithScore(clustersScore, placement, spec, status, calAvailableReplicas);
  return selectBestClusters(placement, info, schedulesByComponents(spec, featureGates) ? 1 : spec.replicas);
}
