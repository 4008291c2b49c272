import { nodeShouldRunDaemonPod, podAllowedOnNode, poolNodeLabels } from '../control/daemon-set.js';
import type { DeploymentSpec, InputNote, NodeSelection, PodTemplate, Scenario } from '../scenario/types.js';

/**
 * Workloads whose pods can run on no node of any member cluster because of where they ask to run
 * (nodeSelector, required node affinity, tolerations against the pools' labels and taints): they
 * stay Pending, as in Kubernetes. Said by `validate`, `run` and the report, so that a selection
 * written for other node labels is not found out only from a Pending count.
 */
export function selectionNotes(s: Scenario): InputNote[] {
  const nodes = s.fleet.clusters
    .filter((c) => c.role !== 'host')
    .flatMap((c) => c.nodePools.map((p) => ({ c, p })))
    .filter(({ p }) => p.count > 0);
  const memo = new Map<string, boolean>();
  /** Does some node take it? One node per pool unless the selection names nodes (hostname, matchFields). */
  const anywhere = (sel: NodeSelection, daemon: boolean): boolean => {
    const key = JSON.stringify([daemon, sel]);
    let ok = memo.get(key);
    if (ok !== undefined) return ok;
    const perNode = key.includes('kubernetes.io/hostname') || (sel.nodeSelectorTerms ?? []).some((t) => t.matchFields.length > 0);
    ok = nodes.some(({ c, p }) => {
      for (let k = 0; k < (perNode ? p.count : 1); k++) {
        const name = p.nodes?.[k] ?? `${c.name}-${p.name}-${k}`;
        const labels = poolNodeLabels(c, p, name);
        const taints = p.taints ?? [];
        if (daemon ? nodeShouldRunDaemonPod(sel, { name, labels, taints }) : podAllowedOnNode(sel, taints, () => ({ name, labels }))) return true;
      }
      return false;
    });
    memo.set(key, ok);
    return ok;
  };
  const out: InputNote[] = [];
  for (const w of s.workloads) {
    // An imported workload's pods ran where the dump had them; what it selects is the real cluster's.
    if (w.initial) continue;
    const object = `${w.resourceKind ?? w.kind} ${w.namespace}/${w.name}`;
    const daemon = w.kind === 'Deployment' ? (w as DeploymentSpec).daemon : undefined;
    if (daemon) {
      if (!anywhere(daemon, true)) out.push({ source: w.source, object, text: 'its node selection (nodeSelector, required node affinity, tolerations) matches no node of any member cluster: it runs no pod' });
      continue;
    }
    const templates: PodTemplate[] = [w.template, ...(w.kind === 'Job' ? (w.tasks ?? []).map((t) => t.template) : [])];
    if (templates.some((t) => t.nodeSelection && !anywhere(t.nodeSelection, false))) {
      out.push({ source: w.source, object, text: "its pods' node selection (nodeSelector, required node affinity, tolerations) matches no node of any member cluster: they stay Pending" });
    }
  }
  return out;
}
