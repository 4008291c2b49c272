import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { displayPath } from '../scenario/source.js';
import { readOpenbNodes, readOpenbPods, type OpenbPod } from '../trace/openb.js';
import type { DumpSource } from './layout.js';
import { readNode, type ImportedNode } from './nodes.js';
import { controllerOf, readPod, timeOf, type ImportedPod, type OwnerRef } from './pods.js';
import { readDumpFile, type DumpItem } from './read/objects.js';
import { isSimKubeTrace, replaySimKube, type SimKubeReplay } from './simkube.js';

/**
 * One source's objects (a member cluster's folder, or the Karmada host's), sorted by what the
 * importer does with them: Nodes and Pods are reduced to records; the pods' controllers are kept
 * as owner links; Karmada, Volcano and Kurator objects and PriorityClasses are kept whole, to be
 * written verbatim; every other object is skipped, with the reason.
 */
export interface SourceDump {
  source: DumpSource;
  nodes: ImportedNode[];
  pods: ImportedPod[];
  /** openb pod CSVs (history) and SimKube traces found among its files. */
  openbPods: { file: string; pods: OpenbPod[] }[];
  simkube: SimKubeReplay[];
  /** Controllers, by `namespace/Kind/name`. */
  owners: Map<string, OwnerObject>;
  /** Objects kept whole (policies, bindings, queues, ...), in file order. */
  objects: KeptObject[];
  skipped: Skipped[];
}

export interface OwnerObject {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  owner: OwnerRef | null;
  /** Desired pods (spec.replicas, a Job's parallelism), if the object says. */
  replicas: number | null;
  /** A Job's completions and succeeded pods so far. */
  completions: number | null;
  succeeded: number;
  /** A PodGroup's minMember and queue; a Volcano Job's minAvailable and queue. */
  minMember: number | null;
  queue: string;
  source: string;
}

export interface KeptObject {
  value: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  source: string;
}

export interface Skipped {
  /** `apiVersion/Kind namespace/name`, or the file. */
  object: string;
  where: string;
  reason: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Controllers whose links group pods into workloads. */
const OWNER_KINDS = new Set([
  'apps/ReplicaSet', 'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet',
  'batch/Job', 'batch/CronJob',
  'batch.volcano.sh/Job', 'scheduling.volcano.sh/PodGroup', 'scheduling.x-k8s.io/PodGroup',
]);

/** API groups whose objects are written verbatim into the scenario's manifests (or read as fleet facts). */
const KEPT_GROUPS = new Set(['cluster.karmada.io', 'policy.karmada.io', 'work.karmada.io', 'autoscaling.karmada.io', 'scheduling.volcano.sh', 'fleet.kurator.dev', 'apps.kurator.dev', 'scheduling.k8s.io']);

/** Kinds read and deliberately not used, with the reason the table gives. */
const KNOWN_UNUSED: Record<string, string> = {
  'work.karmada.io/Work': 'Works are rendered from ResourceBindings; the bindings are imported',
  'v1/Event': 'events are not state',
};

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** Read every file of a source. Errors in a file are located ScenarioErrors (exit 2). */
export function readSource(source: DumpSource, gpuResources: readonly string[]): SourceDump {
  const out: SourceDump = { source, nodes: [], pods: [], openbPods: [], simkube: [], owners: new Map(), objects: [], skipped: [] };
  const seen = new Map<string, string>();
  for (const file of source.files) {
    if (extname(file).toLowerCase() === '.csv') {
      readOpenbCsv(out, file);
      continue;
    }
    readDumpFile(file, displayPath(file), (item) => {
      if (isSimKubeTrace(item.value)) out.simkube.push(replaySimKube(item, source.name));
      else take(out, item, gpuResources, seen);
    });
  }
  return out;
}

/**
 * An openb CSV (../shared/traces/openb-fgd-atc23): a node list gives the cluster's nodes (cpu,
 * memory, GPUs and model; the CSV has no pod slots: 110, Kubernetes' default), a pod list its
 * history. Told apart by their header.
 */
function readOpenbCsv(out: SourceDump, file: string): void {
  const header = readFileSync(file, 'utf8').slice(0, 512).split(/\r?\n/, 1)[0].split(',').map((h) => h.trim());
  const display = displayPath(file);
  if (header[0] === 'sn') {
    for (const n of readOpenbNodes(file)) {
      out.nodes.push({
        name: n.name,
        source: `${display}:${n.line}:1`,
        file,
        cpuMillis: n.cpuMilli,
        memoryBytes: n.memoryMib * 2 ** 20,
        pods: 110,
        gpus: n.gpuCount,
        gpuResource: n.gpuCount ? 'nvidia.com/gpu' : '',
        gpuModel: n.model,
        gpuMemoryMiB: 0,
        labels: {},
        taints: [],
        region: '',
        zone: '',
        instanceType: '',
        provider: '',
        cordoned: false,
        ready: true,
        unmodelled: [],
        heartbeat: NaN,
        pressure: [],
      });
    }
    return;
  }
  if (header.includes('cpu_milli') && header.includes('name')) {
    out.openbPods.push({ file, pods: readOpenbPods(file) });
    return;
  }
  out.skipped.push({ object: display, where: `${display}:1:1`, reason: 'a CSV that is neither an openb node list (sn,...) nor pod list (name,cpu_milli,...)' });
}

function take(out: SourceDump, item: DumpItem, gpuResources: readonly string[], seen: Map<string, string>): void {
  const v = item.value;
  if (v === null || v === undefined) return;
  if (!isObj(v)) {
    out.skipped.push({ object: item.pathOf([]) || item.file, where: item.where, reason: 'not a Kubernetes object (a map)' });
    return;
  }
  const meta = isObj(v.metadata) ? v.metadata : {};
  let kind = typeof v.kind === 'string' ? v.kind : '';
  let apiVersion = typeof v.apiVersion === 'string' ? v.apiVersion : '';
  if (kind === '') {
    // Archives that strip the type (Sonobuoy's bare arrays, OpenShift's insights archive) still
    // hold Nodes and Pods: their shape says which.
    const inferred = inferKind(v);
    if (!inferred) {
      out.skipped.push({ object: describe('', '', meta), where: item.where, reason: 'no kind, and its shape is not a Node\'s or a Pod\'s' });
      return;
    }
    kind = inferred;
    apiVersion = 'v1';
  }
  if (kind.endsWith('List') && Array.isArray(v.items) === false && (v.items === null || v.items === undefined)) return; // an empty List
  const group = groupOf(apiVersion);
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const key = `${group}/${kind}/${namespace}/${name}`;
  const first = seen.get(key);
  if (first !== undefined) {
    out.skipped.push({ object: describe(apiVersion, kind, meta), where: item.where, reason: `the same object as ${first} (the first is kept)` });
    return;
  }
  seen.set(key, item.where);
  if (kind === 'Node' && group === '') {
    out.nodes.push(readNode(item, gpuResources));
    return;
  }
  if (kind === 'Pod' && group === '') {
    out.pods.push(readPod(item, gpuResources));
    return;
  }
  const gk = `${group}/${kind}`;
  if (OWNER_KINDS.has(gk)) {
    out.owners.set(`${namespace || 'default'}/${kind}/${name}`, ownerObject(v, apiVersion, kind, namespace || 'default', name, item.where));
    // Templates in the Karmada host are the fleet's workloads: keep them whole too.
    out.objects.push({ value: v, apiVersion, kind, namespace, name, source: item.where });
    return;
  }
  if (KEPT_GROUPS.has(group)) {
    if (KNOWN_UNUSED[`${apiVersion}/${kind}`] !== undefined || KNOWN_UNUSED[`${group}/${kind}`] !== undefined) {
      out.skipped.push({ object: describe(apiVersion, kind, meta), where: item.where, reason: KNOWN_UNUSED[`${group}/${kind}`] ?? KNOWN_UNUSED[`${apiVersion}/${kind}`] });
      return;
    }
    out.objects.push({ value: v, apiVersion, kind, namespace, name, source: item.where });
    return;
  }
  out.skipped.push({ object: describe(apiVersion, kind, meta), where: item.where, reason: KNOWN_UNUSED[`${apiVersion}/${kind}`] || `${kind} is not modelled` });
}

function inferKind(v: Obj): 'Node' | 'Pod' | null {
  const spec = isObj(v.spec) ? v.spec : {};
  const status = isObj(v.status) ? v.status : {};
  if (Array.isArray(spec.containers)) return 'Pod';
  if (isObj(status.nodeInfo) || isObj(status.allocatable) || typeof spec.providerID === 'string' || typeof spec.podCIDR === 'string') return 'Node';
  return null;
}

export function describe(apiVersion: string, kind: string, meta: Obj): string {
  const ns = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  const name = typeof meta.name === 'string' ? meta.name : '(no name)';
  return `${apiVersion ? `${apiVersion}/` : ''}${kind || 'object'} ${ns}${name}`;
}

function ownerObject(v: Obj, apiVersion: string, kind: string, namespace: string, name: string, source: string): OwnerObject {
  const meta = isObj(v.metadata) ? v.metadata : {};
  const spec = isObj(v.spec) ? v.spec : {};
  const status = isObj(v.status) ? v.status : {};
  const int = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : null);
  let replicas: number | null = null;
  let completions: number | null = null;
  let minMember: number | null = null;
  let queue = '';
  if (kind === 'Job' && apiVersion.startsWith('batch/')) {
    replicas = int(spec.parallelism) ?? 1;
    completions = int(spec.completions);
  } else if (kind === 'Job') {
    // batch.volcano.sh Job: its tasks' replicas and its gang.
    replicas = (Array.isArray(spec.tasks) ? spec.tasks.filter(isObj) : []).reduce((s, t) => s + (int(t.replicas) ?? 1), 0);
    minMember = int(spec.minAvailable);
    queue = typeof spec.queue === 'string' ? spec.queue : '';
  } else if (kind === 'PodGroup') {
    minMember = int(spec.minMember);
    queue = typeof spec.queue === 'string' ? spec.queue : '';
  } else {
    replicas = int(spec.replicas);
  }
  return {
    kind,
    apiVersion,
    namespace,
    name,
    owner: controllerOf(meta),
    replicas,
    completions,
    succeeded: int(status.succeeded) ?? 0,
    minMember,
    queue,
    source,
  };
}

/** When the dump was taken: the newest time any object of it carries (creation, start, condition). */
export function dumpTime(pods: readonly ImportedPod[], nodes: readonly ImportedNode[]): number {
  let t = NaN;
  const see = (x: number): void => {
    if (!Number.isNaN(x) && (Number.isNaN(t) || x > t)) t = x;
  };
  for (const p of pods) {
    see(p.created);
    see(p.started);
    see(p.finished);
  }
  for (const n of nodes) see(n.heartbeat);
  return t;
}

export { timeOf };
