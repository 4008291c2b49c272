import { podRequests, type PathElement } from '../scenario/pod-requests.js';
import { podFieldsNotModelled } from '../scenario/manifests/common.js';
import { podNodeSelection } from '../scenario/pod-template.js';
import type { NodeSelection } from '../scenario/types.js';
import type { DumpItem } from './read/objects.js';
import { stringMap } from './nodes.js';

/**
 * A Pod of a dump, reduced to what the warm start and the history need: where it runs (or that it
 * waits), its effective requests exactly as kube-scheduler computes them (scenario/pod-requests.ts),
 * its priority, its controller, and its times.
 */
export interface ImportedPod {
  namespace: string;
  name: string;
  /** `file:line:col` of the object. */
  source: string;
  /** `spec.nodeName`, or null while it waits to be scheduled. */
  node: string | null;
  phase: string;
  cpuMillis: number;
  /** Memory request in MiB, rounded up (fleetsim's unit), and in bytes as written. */
  memoryMiB: number;
  memoryBytes: number;
  gpus: number;
  /** Requested resources fleetsim does not model (non-zero), e.g. `ephemeral-storage`. */
  unmodelled: string[];
  priority: number;
  /** The controlling owner (`ownerReferences` with `controller: true`, else the first), or null. */
  owner: OwnerRef | null;
  /** A static pod's mirror (annotation `kubernetes.io/config.mirror`): the kubelet runs it, pinned to its node. */
  mirror: boolean;
  /** Volcano/coscheduling PodGroup (annotation `scheduling.k8s.io/group-name`, label `scheduling.x-k8s.io/pod-group`). */
  podGroup: string;
  schedulerName: string;
  /** The node a DaemonSet's pending pod is pinned to (its `metadata.name` node affinity), or ''. */
  pinnedNode: string;
  image: string;
  qosClass: string;
  /** Unix seconds; NaN when the dump does not say. */
  created: number;
  started: number;
  finished: number;
  /** Being deleted (`metadata.deletionTimestamp`): it still holds its node until it is gone. */
  terminating: boolean;
  /** Label keys its node selection refers to (nodeSelector, node affinity, topology keys). */
  nodeLabelKeys: string[];
  /** The `pod-template-hash` label (a Deployment's ReplicaSet is named `<deployment>-<hash>`). */
  templateHash: string;
  /** Where it may run (nodeSelector, required node affinity, tolerations), or null when anywhere untainted. */
  nodeSelection: NodeSelection | null;
  /** Fields of its spec that fleetsim does not model (pod affinity, spread constraints, preferred node affinity, host network...), each with why. */
  unmodelledRules: string[];
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pods in these phases hold nothing: kube-scheduler and the kubelet ignore them. */
export const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

export function timeOf(v: unknown): number {
  if (typeof v !== 'string' || v === '') return NaN;
  const t = Date.parse(v);
  return Number.isNaN(t) ? NaN : t / 1000;
}

/** The controlling owner reference of an object, or null. */
export function controllerOf(meta: Obj): OwnerRef | null {
  const refs = Array.isArray(meta.ownerReferences) ? meta.ownerReferences.filter(isObj) : [];
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return null;
  return { apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : '', kind: ref.kind, name: ref.name };
}

/** Read one Pod. A quantity Kubernetes would reject, or a fractional GPU count, is a located error. */
export function readPod(item: DumpItem, gpuResources: readonly string[]): ImportedPod {
  const o = item.value as Obj;
  const meta = isObj(o.metadata) ? o.metadata : {};
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  if (typeof meta.name !== 'string' || meta.name === '') item.fail(['metadata', 'name'], 'the pod\'s name', meta.name);
  if (!Array.isArray(spec.containers)) item.fail(['spec', 'containers'], 'the pod\'s containers (a list)', spec.containers);
  const problem = (path: PathElement[], expected: string, found: unknown): never => item.fail(path, expected, found);
  const req = podRequests(spec, ['spec'], problem);
  let gpus = 0;
  for (const r of gpuResources) {
    const v = req[r];
    if (v === undefined) continue;
    if (!Number.isInteger(v)) item.fail(whereRequested(spec, r), `a whole number of ${r} (Kubernetes rejects a fractional extended resource)`, v);
    gpus += v;
  }
  const unmodelled = Object.keys(req).filter((k) => k !== 'cpu' && k !== 'memory' && !gpuResources.includes(k) && req[k] > 0);
  const ann = stringMap(meta.annotations);
  const labels = stringMap(meta.labels);
  const containers = spec.containers.filter(isObj);
  const finished = Math.max(
    ...[...listOf(status.containerStatuses), ...listOf(status.initContainerStatuses)].map((c) => timeOf(isObj(c.state) && isObj(c.state.terminated) ? c.state.terminated.finishedAt : undefined)).filter((t) => !Number.isNaN(t)),
    -Infinity,
  );
  const memoryBytes = req.memory ?? 0;
  return {
    namespace: typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default',
    name: meta.name,
    source: item.where,
    node: typeof spec.nodeName === 'string' && spec.nodeName !== '' ? spec.nodeName : null,
    phase: typeof status.phase === 'string' ? status.phase : 'Unknown',
    cpuMillis: req.cpu ?? 0,
    memoryMiB: Math.ceil(memoryBytes / 2 ** 20 - 1e-9),
    memoryBytes,
    gpus,
    unmodelled,
    priority: typeof spec.priority === 'number' && Number.isInteger(spec.priority) ? spec.priority : 0,
    owner: controllerOf(meta),
    mirror: ann['kubernetes.io/config.mirror'] !== undefined,
    podGroup: ann['scheduling.k8s.io/group-name'] ?? labels['scheduling.x-k8s.io/pod-group'] ?? '',
    schedulerName: typeof spec.schedulerName === 'string' ? spec.schedulerName : 'default-scheduler',
    pinnedNode: pinnedNodeOf(spec),
    image: typeof containers[0]?.image === 'string' ? (containers[0].image as string) : '',
    qosClass: typeof status.qosClass === 'string' ? status.qosClass : '',
    created: timeOf(meta.creationTimestamp),
    started: timeOf(status.startTime),
    finished: finished === -Infinity ? NaN : finished,
    terminating: typeof meta.deletionTimestamp === 'string',
    nodeLabelKeys: nodeLabelKeysOf(spec),
    templateHash: labels['pod-template-hash'] ?? '',
    nodeSelection: selectionOf(spec),
    unmodelledRules: unmodelledRulesOf(spec),
  };
}

/**
 * The pod's node selection as the member scheduler reads it; the node-condition tolerations every
 * pod gets (not-ready, unreachable: the DefaultTolerationSeconds admission plugin's) are left out,
 * as fleetsim's nodes carry no such taints. Null when nothing is left.
 */
function selectionOf(spec: Obj): NodeSelection | null {
  const sel = podNodeSelection(spec);
  if (!sel) return null;
  const tolerations = (Array.isArray(sel.tolerations) ? sel.tolerations : []).filter((t: unknown) => isObj(t) && !CONDITION_TAINTS.has(t.key as string));
  if (Object.keys(isObj(sel.nodeSelector) ? sel.nodeSelector : {}).length === 0 && sel.nodeSelectorTerms === null && tolerations.length === 0) return null;
  return { nodeSelector: isObj(sel.nodeSelector) ? (sel.nodeSelector as Record<string, string>) : {}, nodeSelectorTerms: sel.nodeSelectorTerms, tolerations };
}

/** What its spec sets that fleetsim does not model, as a manifest's note names it; its nodeName is where the warm start binds it. */
function unmodelledRulesOf(spec: Obj): string[] {
  return podFieldsNotModelled(spec)
    .filter(([f]) => f !== 'nodeName')
    .map(([f, why]) => `${f} (${why})`);
}

const CONDITION_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

function listOf(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** The path of the container request that gave a resource (for the message about it). */
function whereRequested(spec: Obj, resource: string): PathElement[] {
  for (const part of ['containers', 'initContainers'] as const) {
    const list = listOf(spec[part]);
    for (let i = 0; i < list.length; i++) {
      const r = isObj(list[i].resources) ? (list[i].resources as Obj) : {};
      for (const k of ['requests', 'limits'] as const) if (isObj(r[k]) && (r[k] as Obj)[resource] !== undefined) return ['spec', part, i, 'resources', k, resource];
    }
  }
  return ['spec'];
}

/** A DaemonSet pod is pinned by a required node affinity on `metadata.name` (the DaemonSet controller sets it). */
function pinnedNodeOf(spec: Obj): string {
  const terms = (((spec.affinity as Obj | undefined)?.nodeAffinity as Obj | undefined)?.requiredDuringSchedulingIgnoredDuringExecution as Obj | undefined)?.nodeSelectorTerms;
  for (const t of listOf(terms)) {
    for (const f of listOf(t.matchFields)) {
      if (f.key === 'metadata.name' && f.operator === 'In' && Array.isArray(f.values) && f.values.length === 1 && typeof f.values[0] === 'string') return f.values[0];
    }
  }
  return '';
}

/** Node label keys a pod's placement reads: nodeSelector, node affinity expressions, topology keys. */
function nodeLabelKeysOf(spec: Obj): string[] {
  const keys = new Set<string>(Object.keys(isObj(spec.nodeSelector) ? spec.nodeSelector : {}));
  const aff = isObj(spec.affinity) ? spec.affinity : {};
  const na = isObj(aff.nodeAffinity) ? aff.nodeAffinity : {};
  const req = isObj(na.requiredDuringSchedulingIgnoredDuringExecution) ? na.requiredDuringSchedulingIgnoredDuringExecution : {};
  for (const t of listOf(req.nodeSelectorTerms)) for (const e of listOf(t.matchExpressions)) if (typeof e.key === 'string') keys.add(e.key);
  for (const p of listOf(na.preferredDuringSchedulingIgnoredDuringExecution)) {
    for (const e of listOf(isObj(p.preference) ? p.preference.matchExpressions : [])) if (typeof e.key === 'string') keys.add(e.key);
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = isObj(aff[kind]) ? (aff[kind] as Obj) : {};
    for (const t of listOf(a.requiredDuringSchedulingIgnoredDuringExecution)) if (typeof t.topologyKey === 'string') keys.add(t.topologyKey);
    for (const w of listOf(a.preferredDuringSchedulingIgnoredDuringExecution)) {
      const t = isObj(w.podAffinityTerm) ? w.podAffinityTerm : {};
      if (typeof t.topologyKey === 'string') keys.add(t.topologyKey);
    }
  }
  for (const c of listOf(spec.topologySpreadConstraints)) if (typeof c.topologyKey === 'string') keys.add(c.topologyKey);
  return [...keys];
}
