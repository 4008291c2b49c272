/**
 * Cluster ordering and topology grouping (`pkg/scheduler/core/spreadconstraint/group_clusters.go`,
 * `util.go`), spec §5.1 (AvailableReplicas), §6.1, §6.2, §6.6.
 */
import type { Cluster, ClusterDetailInfo, Placement, ResourceBindingSpec, ResourceBindingStatus, SpreadConstraint } from './types.js';
import { clusterMatches } from './cluster-affinity.js';
import { compareNames } from './names.js';
import { replicaSchedulingType } from './strategy.js';
import type { AvailableReplicasCalculator } from './available-replicas.js';

/** A feasible cluster and its summed plugin score (`framework.ClusterScore`). */
export interface ClusterScore {
  cluster: Cluster;
  score: number;
}

/** Not matched by the observed term nor by any of its overflow groups. */
export const UnmatchedOverflowOrder = 1000;

/**
 * `getClusterOverflowOrder`: 0 unless the placement uses clusterAffinities and the observed term
 * exists; then 0 for the term's inline affinity, i+1 for the first overflowAffinities[i] matched,
 * else 1000.
 */
export function clusterOverflowOrder(cluster: Cluster, placement: Placement | null | undefined, status: ResourceBindingStatus | undefined): number {
  if (!placement || placement.clusterAffinity) return 0;
  const terms = placement.clusterAffinities ?? [];
  const observed = status?.schedulerObservedAffinityName;
  if (terms.length === 0 || !observed) return 0;
  const term = terms.find((t) => t.affinityName === observed);
  if (!term) return 0;
  if (clusterMatches(cluster, term)) return 0;
  const ov = term.overflowAffinities ?? [];
  for (let i = 0; i < ov.length; i++) if (clusterMatches(cluster, ov[i])) return i + 1;
  return UnmatchedOverflowOrder;
}

/**
 * Canonical candidate order (`sortClusters`): overflowOrder asc → score desc →
 * (if `compareAvailableReplicas`) AvailableReplicas desc → name asc. Returns a new array.
 */
export function sortClusters(infos: ReadonlyArray<ClusterDetailInfo>, compareAvailableReplicas = true): ClusterDetailInfo[] {
  return [...infos].sort((a, b) => {
    if (a.overflowOrder !== b.overflowOrder) return a.overflowOrder - b.overflowOrder;
    if (a.score !== b.score) return b.score - a.score;
    if (compareAvailableReplicas && a.availableReplicas !== b.availableReplicas) return b.availableReplicas - a.availableReplicas;
    return compareNames(a.name, b.name);
  });
}

/** `shouldIgnoreSpreadConstraint`: Divided + Weighted with no weightPreference or static weights only. */
export function shouldIgnoreSpreadConstraint(placement: Placement | null | undefined): boolean {
  const rs = placement?.replicaScheduling;
  if (!rs) return false;
  if (rs.replicaSchedulingType !== 'Divided' || rs.replicaDivisionPreference !== 'Weighted') return false;
  const wp = rs.weightPreference;
  if (!wp) return true;
  return (wp.staticWeightList?.length ?? 0) > 0 && !wp.dynamicWeight;
}

/** `shouldIgnoreAvailableResource`: Duplicated (or no replicaScheduling) → capacity not checked. */
export function shouldIgnoreAvailableResource(placement: Placement | null | undefined): boolean {
  const rs = placement?.replicaScheduling;
  return !rs || rs.replicaSchedulingType === 'Duplicated';
}

/** `isTopologyIgnored`: no grouping by provider/region/zone needed. */
export function isTopologyIgnored(placement: Placement | null | undefined): boolean {
  const scs = placement?.spreadConstraints ?? [];
  if (scs.length === 0) return true;
  if (scs.length === 1 && (scs[0].spreadByField ?? '') === 'cluster') return true;
  return shouldIgnoreSpreadConstraint(placement);
}

/** The constraint for one field, if any. */
export function spreadConstraintFor(placement: Placement | null | undefined, field: string): SpreadConstraint | undefined {
  return (placement?.spreadConstraints ?? []).find((s) => s.spreadByField === field);
}

/** A topology group (region/zone/provider) of clusters in canonical order, with its group score. */
export interface GroupInfo {
  name: string;
  score: number;
  clusters: ClusterDetailInfo[];
}

/** Karmada `GroupClustersInfo`. Group maps are in first-seen order over the sorted clusters. */
export interface GroupClustersInfo {
  clusters: ClusterDetailInfo[];
  providers: GroupInfo[];
  regions: GroupInfo[];
  zones: GroupInfo[];
}

const weightUnit = 1000;

/**
 * Group score for Duplicated (`calcGroupScoreForDuplicate`): clusters that can hold all replicas
 * count; score = valid*1000 + Σscore(valid)/valid (integer division), 0 if none.
 */
export function calcGroupScoreForDuplicate(clusters: ReadonlyArray<ClusterDetailInfo>, replicas: number): number {
  let valid = 0;
  let sum = 0;
  for (const c of clusters) {
    if (c.availableReplicas >= replicas) {
      valid++;
      sum += c.score;
    }
  }
  if (valid === 0) return 0;
  return valid * weightUnit + Math.trunc(sum / valid);
}

/**
 * Group score (`calcGroupScore`), spec §6.6. Duplicated (or no replicaScheduling) uses
 * `calcGroupScoreForDuplicate`. Divided: target = ceil(replicas / minGroups),
 * k = max(cluster constraint minGroups, minGroups); walk the clusters in the given order until
 * count ≥ k and Σavailable ≥ target. `minGroups` < 1 is treated as 1 (Karmada would divide by
 * zero; the webhook never lets it happen).
 */
export function calcGroupScore(
  clusters: ReadonlyArray<ClusterDetailInfo>,
  placement: Placement | null | undefined,
  replicas: number,
  minGroups: number,
): number {
  if (replicaSchedulingType(placement) === 'Duplicated') return calcGroupScoreForDuplicate(clusters, replicas);
  const mg = minGroups >= 1 ? minGroups : 1;
  const target = Math.ceil(replicas / mg);
  const clusterMin = spreadConstraintFor(placement, 'cluster')?.minGroups ?? 0;
  const k = Math.max(clusterMin, minGroups);
  let count = 0;
  let avail = 0;
  let score = 0;
  for (const c of clusters) {
    count++;
    avail += c.availableReplicas;
    score += c.score;
    if (count >= k && avail >= target) break;
  }
  if (avail < target) return avail * weightUnit + (clusters.length > 0 ? Math.trunc(score / clusters.length) : 0);
  return target * weightUnit + (count > 0 ? Math.trunc(score / count) : 0);
}

/**
 * `generateClustersInfo`: estimate each cluster, set AvailableReplicas = estimate + replicas the
 * binding holds there, AllocatableReplicas = estimate, overflowOrder; sort canonically.
 */
export function generateClustersInfo(
  clustersScore: ReadonlyArray<ClusterScore>,
  placement: Placement | null | undefined,
  spec: ResourceBindingSpec,
  status: ResourceBindingStatus | undefined,
  calAvailableReplicas: AvailableReplicasCalculator,
): ClusterDetailInfo[] {
  const est = calAvailableReplicas(
    clustersScore.map((c) => c.cluster),
    spec,
  );
  const held = new Map<string, number>();
  for (const t of spec.clusters ?? []) held.set(t.name, (held.get(t.name) ?? 0) + t.replicas);
  const infos = clustersScore.map((cs, i) => ({
    name: cs.cluster.name,
    cluster: cs.cluster,
    score: cs.score,
    allocatableReplicas: est[i].replicas,
    availableReplicas: est[i].replicas + (held.get(cs.cluster.name) ?? 0),
    overflowOrder: clusterOverflowOrder(cs.cluster, placement, status),
  }));
  return sortClusters(infos);
}

function groupBy(
  clusters: ReadonlyArray<ClusterDetailInfo>,
  keys: (c: ClusterDetailInfo) => string[],
  placement: Placement | null | undefined,
  replicas: number,
  minGroups: number,
): GroupInfo[] {
  const order: string[] = [];
  const members = new Map<string, ClusterDetailInfo[]>();
  for (const c of clusters) {
    for (const k of keys(c)) {
      if (!k) continue;
      let m = members.get(k);
      if (!m) {
        m = [];
        members.set(k, m);
        order.push(k);
      }
      m.push(c);
    }
  }
  return order.map((name) => {
    const cs = members.get(name)!;
    return { name, clusters: cs, score: calcGroupScore(cs, placement, replicas, minGroups) };
  });
}

/**
 * Provider/region/zone groups of already-ordered clusters for the fields the placement spreads by
 * (none when topology is ignored). A cluster with several zones joins each of its zones' groups.
 */
export function groupClustersByTopology(
  clusters: ReadonlyArray<ClusterDetailInfo>,
  placement: Placement | null | undefined,
  replicas: number,
): GroupClustersInfo {
  const info: GroupClustersInfo = { clusters: clusters.slice(), providers: [], regions: [], zones: [] };
  if (isTopologyIgnored(placement)) return info;
  const p = spreadConstraintFor(placement, 'provider');
  if (p) info.providers = groupBy(clusters, (c) => [c.cluster.provider ?? ''], placement, replicas, p.minGroups ?? 0);
  const r = spreadConstraintFor(placement, 'region');
  if (r) info.regions = groupBy(clusters, (c) => [c.cluster.region ?? ''], placement, replicas, r.minGroups ?? 0);
  const z = spreadConstraintFor(placement, 'zone');
  if (z) info.zones = groupBy(clusters, (c) => c.cluster.zones ?? [], placement, replicas, z.minGroups ?? 0);
  return info;
}

/** `GroupClustersWithScore`: canonical cluster list (`generateClustersInfo`) plus topology groups. */
export function groupClustersWithScore(
  clustersScore: ReadonlyArray<ClusterScore>,
  placement: Placement | null | undefined,
  spec: ResourceBindingSpec,
  status: ResourceBindingStatus | undefined,
  calAvailableReplicas: AvailableReplicasCalculator,
): GroupClustersInfo {
  const clusters = generateClustersInfo(clustersScore, placement, spec, status, calAvailableReplicas);
  return groupClustersByTopology(clusters, placement, spec.replicas);
}
