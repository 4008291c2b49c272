import type { ControlPlane } from './control-plane.js';
import type { MemberCluster } from './member-cluster.js';
import type { RunState } from './state.js';

/**
 * The warm start of a run with an imported initial state (`initialState:`): at t = 0, before any
 * event, every workload of the state is put where the dump found it. Karmada's workloads get their
 * ResourceBindings with the placement they had (ControlPlane.adoptBinding); each member adopts its
 * copies (MemberCluster.adopt): bound pods Running on their nodes, Pending pods in the queue; a
 * per-node workload (a DaemonSet, a static pod) runs as a DaemonSet whose node affinity names the
 * nodes it ran on. A member's own workloads never meet Karmada.
 *
 * Pending pods queue as kube-scheduler's queue had them, priority first, then the longest waiting:
 * workloads are adopted in that order, so their pods' ids (the queue's tie-break) follow it.
 */
export function warmStart(state: RunState, cp: ControlPlane, members: MemberCluster[]): { pods: number } {
  const world = state.world;
  const tasks: { workload: number; part: number; pendingFor: number }[] = [];
  for (const w of state.workloads) {
    const init = w.spec.initial;
    if (!init) continue;
    init.clusters.forEach((c, part) => tasks.push({ workload: w.index, part, pendingFor: c.pending > 0 ? c.pendingFor : -1 }));
  }
  tasks.sort((a, b) => b.pendingFor - a.pendingFor);
  const shares = new Map<number, Map<number, { replicas: number; completions: number }> | null>();
  let pods = 0;
  for (const task of tasks) {
    const w = state.workloads[task.workload];
    const spec = w.spec;
    const init = spec.initial!;
    if (!shares.has(w.index)) {
      const targets = init.clusters.map((c) => ({ name: c.cluster, replicas: c.replicas }));
      if (init.binding) shares.set(w.index, cp.adoptBinding(w.index, targets));
      else {
        shares.set(w.index, null);
        w.placement = targets;
        w.firstPlacedAt = state.sim.now;
      }
    }
    const c = init.clusters[task.part];
    const ci = world.clusterByName.get(c.cluster)!;
    const names = world.nodeByName(ci.index);
    const bound = c.bound.map(([node, n]) => [names.get(node)!, n] as const);
    const share = shares.get(w.index)?.get(ci.index);
    members[ci.index].adopt(w.index, {
      // A per-node workload's Work is the whole object (1): its DaemonSet controller picks the nodes.
      replicas: init.lifecycle === 'per-node' ? 1 : (share?.replicas ?? c.replicas),
      completions: share?.completions ?? (spec.kind === 'Job' ? spec.completions : 0),
      template: c.template ?? spec.template,
      bound,
      pending: c.pending,
    });
    pods += bound.reduce((s, [, n]) => s + n, 0) + c.pending + c.pendingOn.length;
  }
  return { pods };
}
