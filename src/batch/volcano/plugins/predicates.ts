/**
 * predicates (plugins/predicates/predicates.go), the filters a simulator needs: node
 * unschedulable (cordoned), node selector and required node affinity, and taints with NoSchedule / NoExecute effect that the
 * pod does not tolerate. Resource fit is not checked here (allocate checks `request <=
 * FutureIdle` itself). Each filter can be switched off with the Volcano-style arguments
 * `predicate.NodeUnschedulableEnable`, `predicate.NodeAffinityEnable`,
 * `predicate.TaintTolerationEnable` (all default true).
 */
import { boolArg, type Plugin, type PluginArguments } from '../plugin.js';
import type { Session } from '../session.js';
import type { NodeInfo } from '../node.js';
import type { TaskInfo } from '../task.js';
import type { NodeSelectorTerm, Taint, Toleration } from '../types.js';
// Kubernetes' node-selector semantics, shared with Karmada's cluster field selector.
import { nodeSelectorRequirementsMatch } from '../../../placement/karmada/label-selector.js';

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect !== undefined && tol.effect !== taint.effect) return false;
  if (tol.operator === 'Exists') return tol.key === undefined || tol.key === '' || tol.key === taint.key;
  if (tol.key !== taint.key) return false;
  return (tol.value ?? '') === (taint.value ?? '');
}

export function checkNode(task: TaskInfo, node: NodeInfo, opts = { unschedulable: true, affinity: true, taints: true }): string | null {
  if (opts.unschedulable && node.unschedulable) return 'node(s) were unschedulable';
  if (opts.affinity && task.nodeSelector) {
    for (const [k, v] of Object.entries(task.nodeSelector)) {
      if (node.labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
    }
  }
  if (opts.affinity && task.nodeSelectorTerms && !matchesSomeTerm(task.nodeSelectorTerms, node)) return "node(s) didn't match Pod's node affinity/selector";
  if (opts.taints) {
    for (const taint of node.taints) {
      if (taint.effect === 'PreferNoSchedule') continue;
      if (!task.tolerations.some((tol) => tolerates(tol, taint))) return "node(s) had untolerated taint";
    }
  }
  return null;
}

/** Required node affinity: some term whose requirements all match (an empty term matches nothing, core/v1 NodeSelectorTerm). */
function matchesSomeTerm(terms: readonly NodeSelectorTerm[], node: NodeInfo): boolean {
  const fields = { 'metadata.name': node.name };
  return terms.some(
    (t) => (t.matchExpressions.length > 0 || t.matchFields.length > 0) && nodeSelectorRequirementsMatch(t.matchExpressions, node.labels) && nodeSelectorRequirementsMatch(t.matchFields, fields),
  );
}

class PredicatesPlugin implements Plugin {
  readonly name = 'predicates';
  constructor(private readonly opts: { unschedulable: boolean; affinity: boolean; taints: boolean }) {}

  onSessionOpen(ssn: Session): void {
    ssn.predicateFns.set(this.name, (t, n) => checkNode(t, n, this.opts));
  }
}

export function predicates(args: PluginArguments): Plugin {
  return new PredicatesPlugin({
    unschedulable: boolArg(args, 'predicate.NodeUnschedulableEnable', true),
    affinity: boolArg(args, 'predicate.NodeAffinityEnable', true),
    taints: boolArg(args, 'predicate.TaintTolerationEnable', true),
  });
}
