import { parseCpuMillis, parseQuantity } from '../scenario/units.js';
import type { Taint } from '../scenario/types.js';
import type { DumpItem } from './read/objects.js';

/**
 * A Node of a dump, reduced to what scheduling sees: allocatable cpu, memory, pod slots and GPUs,
 * labels, taints, zone and region, and whether it is cordoned or NotReady.
 */
export interface ImportedNode {
  name: string;
  /** `file:line:col` of the object. */
  source: string;
  file: string;
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
  gpus: number;
  /** The extended resource the GPUs were counted from ('' without GPUs). */
  gpuResource: string;
  gpuModel: string;
  /** Memory of one GPU (MiB) from `nvidia.com/gpu.memory`, 0 when no label says it. */
  gpuMemoryMiB: number;
  labels: Record<string, string>;
  taints: Taint[];
  region: string;
  zone: string;
  instanceType: string;
  /** From `spec.providerID` (`aws:///...` → aws), '' when absent. */
  provider: string;
  /** `spec.unschedulable` (kubectl cordon). */
  cordoned: boolean;
  /** The Ready condition is True. */
  ready: boolean;
  /** Allocatable resources fleetsim does not model (non-zero), e.g. `ephemeral-storage`, `hugepages-2Mi`. */
  unmodelled: string[];
  /** The newest heartbeat of its conditions (Unix seconds, NaN if none): close to when the dump was taken. */
  heartbeat: number;
  /** Pressure conditions that are True (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable): not modelled. */
  pressure: string[];
}

/** The GPU resources counted by default; `--gpu-resource` adds more (they are tried first). */
export const DEFAULT_GPU_RESOURCES = ['nvidia.com/gpu', 'amd.com/gpu'] as const;

/** Resources every node has that fleetsim's model covers; anything else non-zero is named as not modelled. */
const MODELLED = new Set(['cpu', 'memory', 'pods']);

/** Where the GPU model is found, most specific first; the instance type is the fallback. */
export const GPU_MODEL_LABELS = [
  'nvidia.com/gpu.product',
  'alibabacloud.com/gpu-card-model',
  'amd.com/gpu.product-name',
  'cloud.google.com/gke-accelerator',
  'k8s.amazonaws.com/accelerator',
] as const;

export const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'] as const;
export const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'] as const;
export const INSTANCE_TYPE_LABELS = ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function firstLabel(labels: Record<string, string>, keys: readonly string[]): string {
  for (const k of keys) if (labels[k]) return labels[k];
  return '';
}

/** Read one Node object. A quantity Kubernetes would reject is a located error. */
export function readNode(item: DumpItem, gpuResources: readonly string[]): ImportedNode {
  const o = item.value as Obj;
  const meta = isObj(o.metadata) ? o.metadata : {};
  const name = meta.name;
  if (typeof name !== 'string' || name === '') item.fail(['metadata', 'name'], 'the node\'s name', name);
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const field = isObj(status.allocatable) ? 'allocatable' : 'capacity';
  const alloc = isObj(status[field]) ? (status[field] as Obj) : null;
  if (!alloc) item.fail(['status', 'allocatable'], 'the node\'s allocatable resources (status.allocatable)', status.allocatable);
  const quantity = (res: string, parse: (v: unknown) => number | null, what: string): number => {
    const raw = alloc[res];
    if (raw === undefined) return 0;
    const v = parse(raw);
    if (v === null) item.fail(['status', field, res], what, raw);
    return v;
  };
  const cpuMillis = quantity('cpu', parseCpuMillis, 'a CPU quantity like "3920m" or 4');
  const memoryBytes = quantity('memory', parseQuantity, 'a memory quantity like "16331420Ki"');
  const pods = quantity('pods', parseQuantity, 'a whole number of pods');
  if (!Number.isInteger(pods)) item.fail(['status', field, 'pods'], 'a whole number of pods', alloc.pods);
  let gpus = 0;
  let gpuResource = '';
  for (const r of gpuResources) {
    if (alloc[r] === undefined) continue;
    const v = quantity(r, parseQuantity, 'a whole number of GPUs');
    if (!Number.isInteger(v)) item.fail(['status', field, r], 'a whole number of GPUs (an extended resource is an integer)', alloc[r]);
    if (v > 0 && gpus === 0) {
      gpus = v;
      gpuResource = r;
    }
  }
  const unmodelled: string[] = [];
  for (const [k, v] of Object.entries(alloc)) {
    if (MODELLED.has(k) || gpuResources.includes(k)) continue;
    const q = parseQuantity(v);
    if (q === null) item.fail(['status', field, k], 'a resource quantity', v);
    if (q > 0) unmodelled.push(k);
  }
  const labels = stringMap(meta.labels);
  const instanceType = firstLabel(labels, INSTANCE_TYPE_LABELS);
  const gpuMemLabel = Number(labels['nvidia.com/gpu.memory']);
  return {
    name,
    source: item.where,
    file: item.file,
    cpuMillis,
    memoryBytes,
    pods,
    gpus,
    gpuResource,
    gpuModel: gpus > 0 ? firstLabel(labels, GPU_MODEL_LABELS) || instanceType || gpuResource : '',
    gpuMemoryMiB: gpus > 0 && Number.isFinite(gpuMemLabel) && gpuMemLabel > 0 ? Math.floor(gpuMemLabel) : 0,
    labels,
    taints: readTaints(item, spec.taints),
    region: firstLabel(labels, REGION_LABELS),
    zone: firstLabel(labels, ZONE_LABELS),
    instanceType,
    provider: typeof spec.providerID === 'string' ? (/^([a-z0-9-]+):\/\//.exec(spec.providerID)?.[1] ?? '') : '',
    cordoned: spec.unschedulable === true,
    ready: isReady(status.conditions),
    unmodelled,
    heartbeat: newestHeartbeat(status.conditions),
    pressure: (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => isObj(c) && c.status === 'True' && PRESSURE.has(c.type as string)).map((c) => (c as Obj).type as string),
  };
}

function readTaints(item: DumpItem, raw: unknown): Taint[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) item.fail(['spec', 'taints'], 'a list of taints', raw);
  return raw.map((t, i) => {
    if (!isObj(t) || typeof t.key !== 'string' || t.key === '') item.fail(['spec', 'taints', i, 'key'], 'a taint key', isObj(t) ? t.key : t);
    if (t.effect !== 'NoSchedule' && t.effect !== 'PreferNoSchedule' && t.effect !== 'NoExecute') {
      item.fail(['spec', 'taints', i, 'effect'], 'NoSchedule, PreferNoSchedule or NoExecute', t.effect);
    }
    return { key: t.key, ...(typeof t.value === 'string' && t.value !== '' ? { value: t.value } : {}), effect: t.effect };
  });
}

const PRESSURE = new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']);

/** The Ready condition is True (a node without conditions counts as Ready: a hand-written or kwok node). */
function isReady(conditions: unknown): boolean {
  if (!Array.isArray(conditions) || conditions.length === 0) return true;
  const ready = conditions.find((c) => isObj(c) && c.type === 'Ready') as Obj | undefined;
  return ready ? ready.status === 'True' : true;
}

function newestHeartbeat(conditions: unknown): number {
  let t = NaN;
  for (const c of Array.isArray(conditions) ? conditions : []) {
    const x = isObj(c) && typeof c.lastHeartbeatTime === 'string' ? Date.parse(c.lastHeartbeatTime) / 1000 : NaN;
    if (!Number.isNaN(x) && !(x <= t)) t = x;
  }
  return t;
}

export function stringMap(v: unknown): Record<string, string> {
  if (!isObj(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : String(x);
  return out;
}
