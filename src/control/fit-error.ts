import { MILLI_PER_GPU } from '../model/world.js';
import { tolerationsTolerateTaint } from '../placement/karmada/toleration.js';
import { nodeLabels, podAllowedOnNode } from './daemon-set.js';
import type { MemberSchedulerHost } from './member-scheduling.js';

/**
 * Why a Pending pod fits no node of its cluster, in the member scheduler's own words: the
 * message `kubectl describe pod` shows under FailedScheduling.
 *
 * Per node, the reasons of the first filter that rejects it, in kube-scheduler's default filter
 * order (kubernetes v1.34, pkg/scheduler/framework/plugins/):
 *
 * - NodeUnschedulable (a cordoned node): `node(s) were unschedulable`;
 * - TaintToleration (a node that is down carries the node lifecycle controller's
 *   `node.kubernetes.io/unreachable` NoSchedule taint; a pool's NoSchedule or NoExecute taint the
 *   pod does not tolerate, the first one): `node(s) had untolerated taint {node.kubernetes.io/unreachable: }`;
 * - NodeAffinity (the pod's nodeSelector or required node affinity; a pod limited to GPU models
 *   the node has not, by node selector): `node(s) didn't match Pod's node affinity/selector`;
 * - NodeResourcesFit (noderesources/fit.go, fitsRequest): every insufficient resource of the
 *   node, pod slots first (`Too many pods`), then `Insufficient cpu`, `Insufficient memory`,
 *   `Insufficient nvidia.com/gpu` (whole GPUs; a GPU share likewise, for want of any GPU with
 *   that much free).
 *
 * kube-scheduler's FitError (framework/types.go, `FitError.Error`) counts each reason over the
 * nodes, writes `<count> <reason>`, sorts those strings (Go's sort.Strings: byte order, count
 * included) and joins them: `0/24 nodes are available: 16 Insufficient nvidia.com/gpu, 8 Insufficient cpu.`
 * Then, as kube-scheduler appends its PostFilter's message (DefaultPreemption, always in the
 * default profile, whether or not fleetsim had any victim to look for: control/preemption.ts
 * runs only where pod priorities differ), `preemption: ` and either `not eligible due to
 * preemptionPolicy=Never.` or a second histogram over the same nodes: `Preemption is not helpful
 * for scheduling` where the filter's verdict is UnschedulableAndUnresolvable (cordoned, tainted,
 * another GPU model), `No preemption victims found for incoming pod` where it is resources.
 * A pod still Pending after PostFilter found no candidate, hence no other wording. What
 * `kubectl describe pod` shows, e.g. `0/3 nodes are available: 1 node(s) had untolerated taint
 * {node.kubernetes.io/unreachable: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1
 * Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`
 * (some versions' events print a second period; clusters with dynamic resource allocation put
 * `no new claims to deallocate, ` before `preemption:`; neither is written here).
 *
 * Volcano's FitErrors (pkg/scheduler/api/unschedule_info.go, `FitErrors.Error`) read
 * `0/12 nodes are unavailable: 12 Insufficient nvidia.com/gpu.`; its resource predicate names the
 * first insufficient resource only (`WrapInsufficientResourceReason`).
 */

export type FitErrorStyle = 'kube-scheduler' | 'volcano';

/** Filter reasons that preemption cannot change (UnschedulableAndUnresolvable upstream): every untolerated taint among them. */
const UNRESOLVABLE = new Set(['node(s) were unschedulable', "node(s) didn't match Pod's node affinity/selector"]);
const unresolvable = (reason: string): boolean => UNRESOLVABLE.has(reason) || reason.startsWith('node(s) had untolerated taint {');

/** The reasons node `n` rejects `pod`, in filter order (empty when the pod fits). */
export function nodeReasons(host: MemberSchedulerHost, pod: number, n: number, style: FitErrorStyle): string[] {
  const w = host.world;
  const t = host.template(pod);
  if (w.nodeCordoned[n]) return ['node(s) were unschedulable'];
  if (!w.nodeReady[n]) return ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }'];
  // A DaemonSet's pod is bound to its node by the controller: only room can keep it waiting.
  if (host.owners[host.pods.owner[pod]].controller !== 'daemon') {
    const pool = host.info.spec.nodePools[w.nodePool[n]];
    const sel = t.nodeSelection;
    const taint = (pool.taints ?? []).find((x) => x.effect !== 'PreferNoSchedule' && !(sel && tolerationsTolerateTaint(sel.tolerations, x)));
    if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
    if (sel && !podAllowedOnNode(sel, [], () => ({ name: w.nodeName(n), labels: nodeLabels(w, n) }))) return ["node(s) didn't match Pod's node affinity/selector"];
  }
  if (t.gpus > 0 && t.gpuModels.length > 0 && !t.gpuModels.includes(w.gpuModel[n])) return ["node(s) didn't match Pod's node affinity/selector"];
  const out: string[] = [];
  if (w.podsFree[n] < 1) out.push('Too many pods');
  if (w.cpuFree[n] < t.cpuMillis) out.push('Insufficient cpu');
  if (w.memFree[n] < t.memoryMiB) out.push('Insufficient memory');
  if (t.gpus > 0) {
    let gpuOk: boolean;
    if (t.gpuMilli >= MILLI_PER_GPU) gpuOk = w.gpuFree[n] >= t.gpus;
    else {
      gpuOk = false;
      for (let g = w.gpuStart[n]; g < w.gpuStart[n + 1]; g++) if (w.gpuMilliFree[g] >= t.gpuMilli) gpuOk = true;
    }
    if (!gpuOk) out.push('Insufficient nvidia.com/gpu');
  }
  return style === 'volcano' ? out.slice(0, 1) : out;
}

/** The FitError message of a pod over every node of its cluster (nodes it fits on add no reason). */
export function fitError(host: MemberSchedulerHost, pod: number, style: FitErrorStyle = 'kube-scheduler'): string {
  const { nodeStart, nodeEnd } = host.info;
  const counts = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (let n = nodeStart; n < nodeEnd; n++) {
    const reasons = nodeReasons(host, pod, n, style);
    for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    if (reasons.length === 0) continue;
    const p = unresolvable(reasons[0]) ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    preemption.set(p, (preemption.get(p) ?? 0) + 1);
  }
  const head = style === 'volcano' ? `0/${nodeEnd - nodeStart} nodes are unavailable` : `0/${nodeEnd - nodeStart} nodes are available`;
  const msg = withHistogram(head, counts);
  if (style === 'volcano') return msg;
  const post = host.template(pod).preemptionPolicy === 'Never' ? 'not eligible due to preemptionPolicy=Never.' : withHistogram(head, preemption);
  return `${msg} preemption: ${post}`;
}

/** `<head>: <count> <reason>, ...` over Go's sort.Strings of "<count> <reason>" (byte order: JavaScript's default sort on ASCII). */
function withHistogram(head: string, counts: ReadonlyMap<string, number>): string {
  const histogram = [...counts].map(([r, c]) => `${c} ${r}`).sort();
  return histogram.length ? `${head}: ${histogram.join(', ')}.` : `${head}.`;
}
