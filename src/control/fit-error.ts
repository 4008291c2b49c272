import { MILLI_PER_GPU } from '../model/world.js';
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
 *   `node.kubernetes.io/unreachable` NoSchedule taint): `node(s) had untolerated taint {node.kubernetes.io/unreachable: }`;
 * - NodeAffinity (a pod limited to GPU models the node has not, by node selector):
 *   `node(s) didn't match Pod's node affinity/selector`;
 * - NodeResourcesFit (noderesources/fit.go, fitsRequest): every insufficient resource of the
 *   node, pod slots first (`Too many pods`), then `Insufficient cpu`, `Insufficient memory`,
 *   `Insufficient nvidia.com/gpu` (whole GPUs; a GPU share likewise, for want of any GPU with
 *   that much free).
 *
 * kube-scheduler's FitError (framework/types.go, `FitError.Error`) counts each reason over the
 * nodes, writes `<count> <reason>`, sorts those strings (Go's sort.Strings: byte order, count
 * included) and joins them: `0/24 nodes are available: 16 Insufficient nvidia.com/gpu, 8 Insufficient cpu.`
 * The `preemption: ...` part Kubernetes appends when its PostFilter found no victims is left out
 * (fleetsim preempts, control/preemption.ts, but only where pod priorities differ).
 *
 * Volcano's FitErrors (pkg/scheduler/api/unschedule_info.go, `FitErrors.Error`) read
 * `0/12 nodes are unavailable: 12 Insufficient nvidia.com/gpu.`; its resource predicate names the
 * first insufficient resource only (`WrapInsufficientResourceReason`).
 */

export type FitErrorStyle = 'kube-scheduler' | 'volcano';

/** The reasons node `n` rejects `pod`, in filter order (empty when the pod fits). */
export function nodeReasons(host: MemberSchedulerHost, pod: number, n: number, style: FitErrorStyle): string[] {
  const w = host.world;
  const t = host.template(pod);
  if (w.nodeCordoned[n]) return ['node(s) were unschedulable'];
  if (!w.nodeReady[n]) return ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }'];
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
  for (let n = nodeStart; n < nodeEnd; n++) for (const r of nodeReasons(host, pod, n, style)) counts.set(r, (counts.get(r) ?? 0) + 1);
  // Go's sort.Strings over "<count> <reason>": byte order (JavaScript's default sort on ASCII).
  const histogram = [...counts].map(([r, c]) => `${c} ${r}`).sort();
  const head = style === 'volcano' ? `0/${nodeEnd - nodeStart} nodes are unavailable` : `0/${nodeEnd - nodeStart} nodes are available`;
  return histogram.length ? `${head}: ${histogram.join(', ')}.` : `${head}.`;
}
