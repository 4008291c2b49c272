// spread-evenly: a fleet scheduler that spreads each workload evenly over the member clusters it
// may use (clusters whose NoSchedule/NoExecute taints its placement tolerates). Duplicated
// placements get a full copy in each of those clusters.
//
// It has a PLANTED BUG, for `fleetsim check` to find: a Divided workload's share per cluster is
// rounded UP, so 5 replicas over 2 clusters become 3 + 3 = 6: more replicas than asked.
//
//   npx fleetsim check examples/policies/spread-evenly.mjs --runs 100
//
// finds it and shrinks it to a two-cluster, one-Deployment scenario. spread-evenly-fixed.mjs is
// the same policy with the division done right; it passes.

/** Does one of the placement's clusterTolerations tolerate this taint? (Kubernetes toleration matching) */
function tolerates(binding, taint) {
  return (binding.placement.clusterTolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

export function usable(binding, cluster) {
  // A cluster already holding the workload keeps it (Karmada's TaintToleration filter does the same).
  if (binding.previous.some((t) => t.name === cluster.name)) return true;
  const taint = (cluster.taints ?? []).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(binding, t));
  return taint ? `untolerated taint ${taint.key}:${taint.effect}` : true;
}

export const isDuplicated = (binding) => !binding.placement.replicaScheduling || binding.placement.replicaScheduling.replicaSchedulingType === 'Duplicated';

export default {
  name: 'spread-evenly',
  filter: usable,
  assign(binding, feasible) {
    if (isDuplicated(binding)) return feasible.map((c) => ({ name: c.name, replicas: binding.replicas }));
    const share = Math.ceil(binding.replicas / feasible.length); // BUG: rounds up
    return feasible.map((c) => ({ name: c.name, replicas: share }));
  },
};
