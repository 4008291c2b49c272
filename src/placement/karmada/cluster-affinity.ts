/**
 * ClusterAffinity matching (`pkg/util/selector.go` fn `ClusterMatches`), spec §3.1.
 */
import type { Cluster, ClusterAffinity, LabelSelectorRequirement } from './types.js';
import { labelSelectorMatches, nodeSelectorRequirementsMatch } from './label-selector.js';

/** Field-selector keys Karmada recognises (webhook allows only these, with In/NotIn). */
export const ProviderField = 'provider';
export const RegionField = 'region';
export const ZoneField = 'zone';

function zoneRequirementMatches(e: LabelSelectorRequirement, zones: ReadonlyArray<string>): boolean {
  const values = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return zones.some((z) => values.includes(z));
    case 'NotIn':
      return !zones.some((z) => values.includes(z));
    case 'Exists':
      return zones.length > 0;
    case 'DoesNotExist':
      return zones.length === 0;
    default:
      return false;
  }
}

/**
 * Does the cluster satisfy the affinity? Order of checks: exclude, labelSelector, fieldSelector,
 * clusterNames; all must pass. An empty affinity matches every cluster.
 */
export function clusterMatches(cluster: Cluster, affinity: ClusterAffinity | null | undefined): boolean {
  if (!affinity) return true;
  if (affinity.exclude && affinity.exclude.includes(cluster.name)) return false;
  if (affinity.labelSelector && !labelSelectorMatches(affinity.labelSelector, cluster.labels)) return false;
  if (affinity.fieldSelector) {
    const zones = cluster.zones ?? [];
    const others: LabelSelectorRequirement[] = [];
    for (const e of affinity.fieldSelector.matchExpressions ?? []) {
      if (e.key === ZoneField) {
        if (!zoneRequirementMatches(e, zones)) return false;
      } else {
        others.push(e);
      }
    }
    if (others.length > 0) {
      const fields: Record<string, string> = {};
      if (cluster.provider) fields[ProviderField] = cluster.provider;
      if (cluster.region) fields[RegionField] = cluster.region;
      if (!nodeSelectorRequirementsMatch(others, fields)) return false;
    }
  }
  const names = affinity.clusterNames ?? [];
  return names.length === 0 || names.includes(cluster.name);
}
