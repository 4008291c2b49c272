/** Volcano `TaskInfo` (api/pod_info.go): one pod of a job, as the session sees it. */
import type { NodeSelectorTerm, TaskSpec, TaskStatus, Toleration } from './types.js';
import type { JobInfo } from './job.js';

/** Statuses whose tasks hold node resources as "allocated" (Volcano `AllocatedStatus`). */
export function isAllocatedStatus(s: TaskStatus): boolean {
  return s === 'Allocated' || s === 'Binding' || s === 'Bound' || s === 'Running';
}

/** Tasks that count as scheduled for the PodGroup phase (spec §1). */
export function isScheduledStatus(s: TaskStatus): boolean {
  return s === 'Running' || s === 'Bound' || s === 'Failed' || s === 'Succeeded' || s === 'Releasing';
}

export function isCompletedStatus(s: TaskStatus): boolean {
  return s === 'Succeeded' || s === 'Failed';
}

/** Statuses a preempt/reclaim victim may have (Volcano `PreemptableStatus`). */
export function isPreemptableStatus(s: TaskStatus): boolean {
  return s === 'Running' || s === 'Bound';
}

/** Statuses whose task occupies its node (terminated and unplaced tasks do not). */
export function occupiesNode(s: TaskStatus): boolean {
  return s !== 'Pending' && s !== 'Succeeded' && s !== 'Failed';
}

/**
 * The pod-name index Volcano's default task order uses (`helpers.CompareTask`): the last
 * `-`-separated part when the name has at least three parts and that part is an integer.
 */
export function podIndex(name: string): number | null {
  const parts = name.split('-');
  if (parts.length < 3) return null;
  const last = parts[parts.length - 1];
  // strconv.Atoi: optional sign, decimal digits only.
  if (!/^[+-]?\d+$/.test(last)) return null;
  const n = Number(last);
  return Number.isSafeInteger(n) ? n : null;
}

export class TaskInfo {
  /** Volcano task UID as in the vectors: `namespace-name`. */
  readonly uid: string;
  /** `namespace/name`, the key used in every output. */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly job: JobInfo;
  /** Request including the implicit `pods: 1`. */
  readonly resreq: Float64Array;
  /** No request besides `pods` (Volcano `BestEffort` / `InitResreq.IsEmpty()`). */
  readonly bestEffort: boolean;
  readonly role: string;
  readonly priority: number;
  readonly preemptable: boolean;
  readonly preemptionPolicy: 'Never' | 'PreemptLowerPriority';
  readonly priorityClassName: string;
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  readonly nodeSelectorTerms: readonly NodeSelectorTerm[] | undefined;
  readonly tolerations: readonly Toleration[];
  readonly schedulingGated: boolean;
  readonly gpuIndex: readonly number[] | undefined;
  readonly creationTime: number;
  readonly podIndex: number | null;
  status: TaskStatus;
  nodeName: string | null;

  constructor(job: JobInfo, spec: TaskSpec, resreq: Float64Array, bestEffort: boolean) {
    this.job = job;
    this.name = spec.name;
    this.namespace = job.namespace;
    this.uid = `${job.namespace}-${spec.name}`;
    this.key = `${job.namespace}/${spec.name}`;
    this.resreq = resreq;
    this.bestEffort = bestEffort;
    this.role = spec.role ?? '';
    this.priority = spec.priority ?? 1;
    this.preemptable = spec.preemptable ?? true;
    this.preemptionPolicy = spec.preemptionPolicy ?? 'PreemptLowerPriority';
    this.priorityClassName = spec.priorityClassName ?? '';
    this.nodeSelector = spec.nodeSelector;
    this.nodeSelectorTerms = spec.nodeSelectorTerms;
    this.tolerations = spec.tolerations ?? [];
    this.schedulingGated = spec.schedulingGated ?? false;
    this.gpuIndex = spec.gpuIndex;
    this.creationTime = spec.creationTime ?? 0;
    this.podIndex = podIndex(spec.name);
    this.status = spec.status ?? 'Pending';
    this.nodeName = spec.node ?? null;
  }
}

/** Volcano's fallback task order: pod-name index, then creation time, then UID. */
export function compareTaskDefault(l: TaskInfo, r: TaskInfo): boolean {
  const li = l.podIndex;
  const ri = r.podIndex;
  if (li === null || ri === null || li === ri) {
    if (l.creationTime === r.creationTime) return l.uid < r.uid;
    return l.creationTime < r.creationTime;
  }
  return li < ri;
}
