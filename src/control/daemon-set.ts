import { nodeSelectorRequirementsMatch } from '../placement/karmada/label-selector.js';
import { tolerationsTolerateTaint } from '../placement/karmada/toleration.js';
import type { World } from '../model/world.js';
import type { ClusterSpec, NodePoolSpec, NodeSelection, Taint } from '../scenario/types.js';

/**
 * The DaemonSet controller's node predicate (kubernetes pkg/controller/daemon
 * `NodeShouldRunDaemonPod`): a node runs the daemon pod when the template's nodeSelector and
 * required node affinity match the node (matchExpressions on its labels, matchFields on
 * `metadata.name`) and the pod tolerates the node's NoSchedule and NoExecute taints. The
 * controller adds tolerations of the node-condition taints (not-ready, unreachable, pressure,
 * unschedulable) to every daemon pod, so those never keep one away.
 */

const DAEMON_TOLERATED = new Set([
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/pid-pressure',
  'node.kubernetes.io/unschedulable',
  'node.kubernetes.io/network-unavailable',
]);

export function nodeShouldRunDaemonPod(sel: NodeSelection, node: { name: string; labels: Readonly<Record<string, string>>; taints: readonly Taint[] }): boolean {
  for (const [k, v] of Object.entries(sel.nodeSelector)) if (node.labels[k] !== v) return false;
  if (sel.nodeSelectorTerms !== null) {
    // Terms are ORed; an empty term matches nothing (core/v1 NodeSelectorTerm).
    const fields = { 'metadata.name': node.name };
    const any = sel.nodeSelectorTerms.some(
      (t) => (t.matchExpressions.length > 0 || t.matchFields.length > 0) && nodeSelectorRequirementsMatch(t.matchExpressions, node.labels) && nodeSelectorRequirementsMatch(t.matchFields, fields),
    );
    if (!any) return false;
  }
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule' || DAEMON_TOLERATED.has(taint.key)) continue;
    if (!tolerationsTolerateTaint(sel.tolerations, taint)) return false;
  }
  return true;
}

/**
 * kube-scheduler's TaintToleration and NodeAffinity filters for any pod: the node's NoSchedule and
 * NoExecute taints tolerated, its labels matching the pod's nodeSelector and required node
 * affinity. No selection: any node without such a taint.
 */
export function podAllowedOnNode(sel: NodeSelection | undefined, taints: readonly Taint[], node: () => { name: string; labels: Readonly<Record<string, string>> }): boolean {
  for (const taint of taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!sel || !tolerationsTolerateTaint(sel.tolerations, taint)) return false;
  }
  if (!sel || (Object.keys(sel.nodeSelector).length === 0 && sel.nodeSelectorTerms === null)) return true;
  // The node's name and labels are asked for only here: most pods select nothing.
  return nodeShouldRunDaemonPod({ ...sel, tolerations: [{ operator: 'Exists' }] }, { ...node(), taints: [] });
}

/**
 * A node's labels as the kubelet and the scenario give them: its pool's labels, plus the
 * well-known ones every node carries (kubernetes.io/hostname, kubernetes.io/os: linux,
 * kubernetes.io/arch: amd64, topology.kubernetes.io/region: its cluster's region,
 * topology.kubernetes.io/zone: its pool's zone when it has one).
 */
export function poolNodeLabels(cluster: ClusterSpec, pool: NodePoolSpec, name: string): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/region': cluster.region,
    ...(pool.zone ? { 'topology.kubernetes.io/zone': pool.zone } : {}),
    ...pool.labels,
  };
}

export function nodeLabels(world: World, node: number): Record<string, string> {
  const c = world.clusters[world.nodeCluster[node]];
  return poolNodeLabels(c.spec, c.spec.nodePools[world.nodePool[node]], world.nodeName(node));
}
