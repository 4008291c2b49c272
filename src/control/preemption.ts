import { disruptionsAllowed } from '../kube-scheduler/disruption-budget.js';
import {
  findCandidates, pickOneNodeForPreemption, selectVictimsOnNode, type DisruptionBudget, type NodePod, type NodeRoom, type PreemptorRequest,
} from '../kube-scheduler/default-preemption.js';
import { labelSelectorMatches } from '../placement/karmada/index.js';
import type { PodDisruptionBudgetSpec, PodTemplate } from '../scenario/types.js';
import type { MemberSchedulerHost } from './member-scheduling.js';
import { PodPhase } from './pods.js';

/** What preemption reads of a member beyond what any scheduler may: the GPUs each bound pod holds. */
export interface PreemptionHost extends MemberSchedulerHost {
  /** The world GPU ids a bound pod holds (empty for a pod without GPUs). */
  heldGpus(pod: number): readonly number[];
}

/**
 * kube-scheduler's PostFilter in a member cluster: DefaultPreemption (the pure core in
 * `kube-scheduler/default-preemption.ts`) over the member's nodes and bound pods, with the
 * scenario's PodDisruptionBudgets. Called when a pod fits on no node; evicts the victims on the
 * chosen node and returns that node, the pod's nominatedNodeName. fleetsim's evictions take effect
 * at once (no termination grace period), so the pod's next attempt, at the same instant, finds the
 * room its nomination reserved: kube-scheduler tries the nominated node first, so the scheduler
 * binds it there right away.
 *
 * Eligible preemptors: every pod but those whose PriorityClass says `preemptionPolicy: Never`.
 * Potential nodes: Ready, not cordoned, of an allowed GPU model, their taints tolerated and the
 * pod's node selection matched (what preemption cannot change is UnschedulableAndUnresolvable
 * upstream: TaintToleration and NodeAffinity say so). Within one scheduling cycle a pod template that found
 * no candidate is not tried again: preemptions and binds in the same cycle never make it feasible
 * (only pods of lower priority bind after it, and they become victims in turn).
 */
export class DefaultPreemption {
  private readonly host: PreemptionHost;
  private readonly budgets: readonly PodDisruptionBudgetSpec[];
  private readonly failed = new Set<PodTemplate>();

  constructor(host: PreemptionHost, budgets: readonly PodDisruptionBudgetSpec[]) {
    this.host = host;
    this.budgets = budgets;
  }

  /** A new scheduling cycle: what failed in the last one may succeed now. */
  newCycle(): void {
    if (this.failed.size) this.failed.clear();
  }

  /** Preempt for `pod` if it helps: the nominated node (victims already evicted), or -1. */
  postFilter(pod: number): number {
    const host = this.host;
    const t = host.template(pod);
    if (t.preemptionPolicy === 'Never' || this.failed.has(t)) return -1;
    const pods = host.pods;
    const priority = pods.priority[pod];
    const byNode = this.boundPods(priority);
    if (byNode === null) {
      this.failed.add(t);
      return -1;
    }
    const w = host.world;
    const req: PreemptorRequest = { priority, cpu: t.cpuMillis, memory: t.memoryMiB, gpus: t.gpus, gpuMilli: t.gpuMilli };
    const nodes: number[] = [];
    for (let n = host.info.nodeStart; n < host.info.nodeEnd; n++) {
      if (!w.nodeReady[n] || w.nodeCordoned[n]) continue;
      if (t.gpus > 0 && t.gpuModels.length > 0 && !t.gpuModels.includes(w.gpuModel[n])) continue;
      if (!host.allows(pod, n)) continue;
      nodes.push(n);
    }
    const budgets = this.disruptionBudgets();
    const best = pickOneNodeForPreemption(findCandidates(nodes, (n) => selectVictimsOnNode(req, roomOf(host, n), byNode.get(n) ?? [], budgets)));
    if (best === null) {
      this.failed.add(t);
      return -1;
    }
    for (const v of best.victims) {
      host.workload(v.id).preemptedPods++;
      host.evict(v.id, 'preempted');
    }
    return host.fits(pod, best.node) ? best.node : -1;
  }

  /** Bound pods by node, or null when none has a priority below `below` (nothing could be a victim). */
  private boundPods(below: number): Map<number, NodePod[]> | null {
    const host = this.host;
    const pods = host.pods;
    const w = host.world;
    const byNode = new Map<number, NodePod[]>();
    let lower = false;
    for (const o of host.owners) {
      for (const p of o.pods) {
        const ph = pods.phase[p];
        if (ph !== PodPhase.Starting && ph !== PodPhase.Running) continue;
        const spec = host.workload(p).spec;
        if (spec.trace) continue; // a cluster trace's pods are never preempted (see MemberCluster.preempt)
        if (pods.priority[p] < below) lower = true;
        const node = pods.node[p];
        const gpuStart = w.gpuStart[node];
        const list = byNode.get(node) ?? [];
        if (list.length === 0) byNode.set(node, list);
        list.push({
          id: p,
          priority: pods.priority[p],
          startTime: pods.bound[p],
          cpu: o.template.cpuMillis,
          memory: o.template.memoryMiB,
          gpus: host.heldGpus(p).map((g) => ({ gpu: g - gpuStart, milli: o.template.gpuMilli })),
          namespace: spec.namespace,
          labels: spec.podLabels ?? spec.labels,
        });
      }
    }
    return lower ? byNode : null;
  }

  /** Each PodDisruptionBudget's `disruptionsAllowed` in this member now. */
  private disruptionBudgets(): DisruptionBudget[] {
    if (this.budgets.length === 0) return [];
    const host = this.host;
    const pods = host.pods;
    return this.budgets.map((b) => {
      // A budget with an empty selector matches nothing.
      const empty = !b.selector.matchLabels && !(b.selector.matchExpressions ?? []).length;
      const matches = (labels: Readonly<Record<string, string>>): boolean => !empty && labelSelectorMatches(b.selector, labels);
      let healthy = 0;
      let scale = 0;
      for (const o of host.owners) {
        if (o.pods.length === 0) continue;
        const spec = host.workload(o.pods[0]).spec;
        if (spec.namespace !== b.namespace || !matches(spec.podLabels ?? spec.labels)) continue;
        scale += o.replicas;
        for (const p of o.pods) if (pods.phase[p] === PodPhase.Running) healthy++;
      }
      return { namespace: b.namespace, matches, disruptionsAllowed: disruptionsAllowed(b, healthy, scale) };
    });
  }
}

/** A node's free room now: cpu, memory, pod slots and each GPU's free milli. */
function roomOf(host: PreemptionHost, n: number): NodeRoom {
  const w = host.world;
  const gpuMilliFree: number[] = [];
  for (let g = w.gpuStart[n]; g < w.gpuStart[n + 1]; g++) gpuMilliFree.push(w.gpuMilliFree[g]);
  return { cpu: w.cpuFree[n], memory: w.memFree[n], pods: w.podsFree[n], gpuMilliFree };
}
