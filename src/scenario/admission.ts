import type { Placement } from './types.js';

/**
 * What Karmada's API server does to a PropagationPolicy's placement when it is applied (CRD
 * defaults and the mutating webhook, `pkg/util/helper/policy.go`; spec §7 and §6.4):
 * - `replicaScheduling.replicaSchedulingType` defaults to Divided (CRD default);
 * - under Divided an empty `replicaDivisionPreference` becomes Weighted;
 * - each spread constraint gets `spreadByField: cluster` when it names neither field nor label,
 *   and `minGroups: 1` when unset. `maxGroups` has no default.
 * A placement without `replicaScheduling` stays without it (the scheduler treats it as Duplicated).
 * The conformance vectors call the scheduler's pure functions without this step, as Karmada's
 * unit tests do; scenarios go through it, as policies applied to a real Karmada do.
 */
export function admitPlacement(p: Placement): Placement {
  const out: Placement = { ...p };
  if (p.replicaScheduling) {
    const rs = { ...p.replicaScheduling };
    rs.replicaSchedulingType ??= 'Divided';
    if (rs.replicaSchedulingType === 'Divided' && !rs.replicaDivisionPreference) rs.replicaDivisionPreference = 'Weighted';
    out.replicaScheduling = rs;
  }
  if (p.spreadConstraints) {
    out.spreadConstraints = p.spreadConstraints.map((c) => ({
      ...c,
      ...(c.spreadByField === undefined && !c.spreadByLabel ? { spreadByField: 'cluster' as const } : {}),
      minGroups: c.minGroups === undefined || c.minGroups === 0 ? 1 : c.minGroups,
    }));
  }
  return out;
}
