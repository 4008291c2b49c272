import type { NodeSelection } from '../scenario/types.js';
import type { OwnerObject } from './dump.js';
import { TERMINAL_PHASES, type ImportedPod, type OwnerRef } from './pods.js';

/**
 * A cluster's live pods grouped back into their workloads, through their controllers'
 * ownerReferences: ReplicaSet → Deployment, Job → CronJob, StatefulSet, DaemonSet, a Volcano Job
 * or PodGroup; a static pod's mirror stays on its node; a pod with no controller is a bare pod.
 * Pods of one workload that ask for different resources (a rollout half done) are one group per
 * shape, so every pod keeps exactly its own requests.
 *
 * How each group lives on in the simulation (`lifecycle`):
 * - `service`: N pods kept running anywhere (Deployment, ReplicaSet, StatefulSet, and other
 *   controllers: an unknown controller kind is taken as one, and said so);
 * - `per-node`: one pod on each of its nodes, back when the node is (DaemonSet, static pods);
 * - `batch`: pods run to completion, lost ones are recreated (Job, CronJob, Volcano Job, PodGroup);
 * - `bare`: a pod nobody replaces.
 */
export type Lifecycle = 'service' | 'per-node' | 'batch' | 'bare';

export interface ImportedWorkload {
  cluster: string;
  /** The top controller as the dump names it (e.g. Deployment, DaemonSet, CronJob, batch.volcano.sh/Job, Pod, StaticPod). */
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  /** The controller's own name (the workload's `name` may carry a `.2` for a second pod shape). */
  owner: string;
  lifecycle: Lifecycle;
  cpuMillis: number;
  memoryMiB: number;
  gpus: number;
  priority: number;
  image: string;
  /** Bound pods per node (Running, starting, or terminating: all hold their node). */
  bound: Map<string, number>;
  /** Pods waiting to be scheduled, and the oldest one's creation time (Unix s, NaN unknown). */
  pending: number;
  pendingSince: number;
  /** per-node: nodes a pending pod of it is pinned to. */
  pendingOn: string[];
  /** The live pods, for the checks (names, sources). */
  pods: ImportedPod[];
  /** Its pods that have finished (Succeeded or Failed), for its run times. */
  finished: ImportedPod[];
  /** batch: completions still to go, the gang size and the Volcano queue. */
  completions: number;
  minAvailable: number;
  queue: string;
  /** Set when a Karmada ResourceBinding places it (`namespace/name` of the binding). */
  binding: string;
  /** Where its pods may run (nodeSelector, node affinity, tolerations), or null. */
  nodeSelection: NodeSelection | null;
  /** Its pods' `schedulerName` (default-scheduler, volcano, ...). */
  schedulerName: string;
}

export interface GroupingNote {
  object: string;
  where: string;
  reason: string;
}

const PER_NODE = new Set(['DaemonSet', 'StaticPod', 'Node']);
const BATCH = new Set(['Job', 'CronJob', 'batch.volcano.sh/Job', 'PodGroup']);
const SERVICE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

/** The top controller of a pod, following owner links as far as the dump has the owners. */
export function topOwner(pod: ImportedPod, owners: ReadonlyMap<string, OwnerObject>): { kind: string; apiVersion: string; name: string; object: OwnerObject | null } {
  if (pod.mirror) return { kind: 'StaticPod', apiVersion: 'v1', name: pod.name, object: null };
  let ref: OwnerRef | null = pod.owner;
  if (!ref) {
    const pg = pod.podGroup ? owners.get(`${pod.namespace}/PodGroup/${pod.podGroup}`) : undefined;
    return pg ? { kind: 'PodGroup', apiVersion: pg.apiVersion, name: pg.name, object: pg } : { kind: 'Pod', apiVersion: 'v1', name: pod.name, object: null };
  }
  if (ref.kind === 'Node') return { kind: 'StaticPod', apiVersion: 'v1', name: pod.name, object: null };
  let object: OwnerObject | null = null;
  for (let hops = 0; hops < 8; hops++) {
    const o = owners.get(`${pod.namespace}/${ref.kind}/${ref.name}`);
    if (!o) {
      // Without the ReplicaSet objects: a Deployment's ReplicaSet (its pods carry pod-template-hash) is
      // named <deployment>-<hash>, the hash as the label has it or, before Kubernetes 1.11, its
      // SafeEncodeString form (k8s.io/apimachinery/pkg/util/rand: consonants and digits, no vowels).
      if (ref.kind === 'ReplicaSet' && pod.templateHash) {
        const suffix = ref.name.endsWith(`-${pod.templateHash}`) ? pod.templateHash.length + 1 : (/-[bcdfghjklmnpqrstvwxz2456789]{5,10}$/.exec(ref.name)?.[0].length ?? 0);
        if (suffix > 0 && suffix < ref.name.length) return { kind: 'Deployment', apiVersion: 'apps/v1', name: ref.name.slice(0, -suffix), object: null };
      }
      break;
    }
    object = o;
    if (!o.owner) break;
    ref = o.owner;
  }
  const kind = ref.apiVersion.startsWith('batch.volcano.sh/') && ref.kind === 'Job' ? 'batch.volcano.sh/Job' : ref.kind;
  return { kind, apiVersion: ref.apiVersion, name: ref.name, object: object && object.name === ref.name ? object : null };
}

export function lifecycleOf(kind: string): Lifecycle {
  if (PER_NODE.has(kind)) return 'per-node';
  if (BATCH.has(kind)) return 'batch';
  if (kind === 'Pod') return 'bare';
  return 'service';
}

/**
 * Group a cluster's live pods (not Succeeded or Failed). `nodes` are the cluster's node names: a
 * pod bound to a node not in the dump waits Pending (its controller would recreate it), with a note.
 */
export function groupWorkloads(
  cluster: string,
  pods: readonly ImportedPod[],
  owners: ReadonlyMap<string, OwnerObject>,
  nodes: ReadonlySet<string>,
): { workloads: ImportedWorkload[]; notes: GroupingNote[] } {
  const notes: GroupingNote[] = [];
  const groups = new Map<string, ImportedWorkload>();
  const unknownKinds = new Set<string>();
  const finished = new Map<string, ImportedPod[]>();
  for (const p of pods) {
    const top = topOwner(p, owners);
    if (TERMINAL_PHASES.has(p.phase)) {
      const k = `${p.namespace}/${top.kind}/${top.name}`;
      const list = finished.get(k) ?? [];
      list.push(p);
      finished.set(k, list);
      continue;
    }
    const lifecycle = lifecycleOf(top.kind);
    if (lifecycle === 'service' && !SERVICE.has(top.kind) && !unknownKinds.has(top.kind)) {
      unknownKinds.add(top.kind);
      notes.push({ object: `${top.apiVersion}/${top.kind}`, where: p.source, reason: `controller kind ${top.kind} is taken as keeping its pods running (as a ReplicaSet does)` });
    }
    // Bare pods of one shape in a namespace are one group; controllers group by owner and shape.
    const ownerName = lifecycle === 'bare' ? '' : top.name;
    const key = JSON.stringify([p.namespace, top.kind, ownerName, p.cpuMillis, p.memoryMiB, p.gpus, p.priority, p.nodeSelection, p.schedulerName]);
    let w = groups.get(key);
    if (!w) {
      const job = top.object;
      w = {
        cluster,
        kind: top.kind,
        apiVersion: top.apiVersion,
        namespace: p.namespace,
        name: lifecycle === 'bare' ? p.name : top.name,
        owner: lifecycle === 'bare' ? p.name : top.name,
        lifecycle,
        cpuMillis: p.cpuMillis,
        memoryMiB: p.memoryMiB,
        gpus: p.gpus,
        priority: p.priority,
        image: p.image,
        bound: new Map(),
        pending: 0,
        pendingSince: NaN,
        pendingOn: [],
        pods: [],
        finished: [],
        completions: job?.completions != null ? Math.max(0, job.completions - job.succeeded) : 0,
        minAvailable: job?.minMember ?? 0,
        queue: job?.queue ?? '',
        binding: '',
        nodeSelection: p.nodeSelection,
        schedulerName: p.schedulerName,
      };
      groups.set(key, w);
    }
    w.pods.push(p);
    let node = p.node;
    if (node !== null && !nodes.has(node)) {
      notes.push({ object: `v1/Pod ${p.namespace}/${p.name}`, where: p.source, reason: `bound to node ${node}, which is not in the dump: it waits Pending at t = 0` });
      node = null;
    }
    if (node !== null) w.bound.set(node, (w.bound.get(node) ?? 0) + 1);
    else if (lifecycle === 'per-node' && p.pinnedNode && nodes.has(p.pinnedNode)) w.pendingOn.push(p.pinnedNode);
    else {
      w.pending++;
      if (!(p.created >= w.pendingSince)) w.pendingSince = p.created;
    }
  }
  const workloads = nameShapes([...groups.values()]);
  for (const w of workloads) {
    const live = w.pods.length;
    w.finished = finished.get(`${w.namespace}/${w.kind}/${w.owner}`) ?? [];
    if (w.lifecycle === 'batch') {
      w.completions = Math.max(live, w.completions);
      w.minAvailable = Math.min(Math.max(1, w.minAvailable), live);
    }
    // A per-node workload's pending pod without a node to go to has nowhere to be.
    if (w.lifecycle === 'per-node' && w.pending > 0) {
      notes.push({ object: `${w.apiVersion}/${w.kind} ${w.namespace}/${w.owner}`, where: w.pods[0].source, reason: `${w.pending} pending pod(s) name no node: they wait in the queue like bare pods` });
    }
  }
  return { workloads, notes };
}

/**
 * Name the groups: the largest group of a controller keeps its name, the others get `.2`, `.3`
 * (largest first); a group of bare pods is named after its pod, or `<ns>-pods-<k>` when it has several.
 * Ordered by namespace, kind, name for a deterministic state file.
 */
function nameShapes(groups: ImportedWorkload[]): ImportedWorkload[] {
  const byOwner = new Map<string, ImportedWorkload[]>();
  for (const g of groups) {
    const k = g.lifecycle === 'bare' ? `${g.namespace}/Pod/` : `${g.namespace}/${g.kind}/${g.owner}`;
    const list = byOwner.get(k) ?? [];
    list.push(g);
    byOwner.set(k, list);
  }
  for (const [, list] of byOwner) {
    list.sort((a, b) => b.pods.length - a.pods.length || a.cpuMillis - b.cpuMillis || a.memoryMiB - b.memoryMiB || a.gpus - b.gpus || a.priority - b.priority);
    list.forEach((g, i) => {
      if (g.lifecycle === 'bare') g.name = g.pods.length === 1 ? g.pods[0].name : `${g.namespace}-pods-${i + 1}`;
      else if (i > 0) g.name = `${g.owner}.${i + 1}`;
    });
  }
  return groups.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
