import { UserError } from '../errors.js';
import type { ClusterSpec } from '../scenario/types.js';
import { dumpTime, readSource, type KeptObject, type Skipped, type SourceDump } from './dump.js';
import { readBinding, readKarmadaCluster, type ImportedBinding, type KarmadaCluster } from './karmada.js';
import { resolveLayout, type LayoutOptions } from './layout.js';
import { DEFAULT_GPU_RESOURCES, type ImportedNode } from './nodes.js';
import { groupPools, type ImportedPool } from './pools.js';
import { TERMINAL_PHASES, type ImportedPod } from './pods.js';
import { dumpHistory, openbHistory, type ClusterHistory } from './history.js';
import type { SimKubeReplay } from './simkube.js';
import { groupWorkloads, topOwner, type ImportedWorkload } from './workloads.js';

/**
 * The fleet as the dumps show it: member clusters with their node pools and running workloads,
 * the Karmada control plane's view (Cluster objects, ResourceBindings, policies), and everything
 * the importer left out or changed, with the reason. Pure data: `write.ts` turns it into a
 * scenario and its initial state, `table.ts` into the summary `fleetsim import` prints.
 */
export interface ImportedCluster extends Pick<ClusterSpec, 'name' | 'role' | 'region' | 'zones' | 'provider' | 'labels' | 'taints' | 'syncMode'> {
  scheduler: 'kube-scheduler' | 'volcano';
  pools: ImportedPool[];
  workloads: ImportedWorkload[];
  /** Every pod read (live and finished), for the history. */
  pods: ImportedPod[];
  files: string[];
  given: string[];
  /** Allocatable resources not modelled → how many nodes have them. */
  unmodelled: Map<string, number>;
  karmada: KarmadaCluster | null;
  /** Its recorded history: the dump's batch pods, and openb pod CSVs among its files. */
  history: ClusterHistory[];
  /** SimKube traces among its files, as workload events. */
  simkube: SimKubeReplay[];
}

export interface ImportedFleet {
  /** When the dump was taken (Unix seconds; NaN when nothing in it says). */
  takenAt: number;
  /** Members first (in name order), then the host. */
  clusters: ImportedCluster[];
  bindings: ImportedBinding[];
  /** Objects to include verbatim: policies, FederatedHPAs, Queues, PriorityClasses, Kurator objects, templates no binding places. */
  manifests: KeptObject[];
  /** Objects read and left out, with the reason. */
  skipped: Skipped[];
  /** Things the importer had to decide (a pod bound to a missing node waits Pending, ...). */
  notes: Skipped[];
  /** Files found and not read. */
  ignoredFiles: string[];
}

export interface FleetOptions extends LayoutOptions {
  /** Extended resources counted as GPUs, before nvidia.com/gpu and amd.com/gpu. */
  gpuResources?: string[];
}

const HOST_KINDS = new Set(['cluster.karmada.io/Cluster', 'work.karmada.io/ResourceBinding', 'work.karmada.io/ClusterResourceBinding', 'policy.karmada.io/PropagationPolicy', 'policy.karmada.io/ClusterPropagationPolicy']);
/** Kinds written verbatim into the scenario's manifests. */
const VERBATIM = new Set([
  'policy.karmada.io/PropagationPolicy', 'policy.karmada.io/ClusterPropagationPolicy', 'policy.karmada.io/OverridePolicy', 'policy.karmada.io/ClusterOverridePolicy',
  'autoscaling.karmada.io/FederatedHPA', 'scheduling.volcano.sh/Queue', 'scheduling.k8s.io/PriorityClass',
]);
/** Resource templates: in the Karmada host they are the fleet's workloads. */
const TEMPLATES = new Set(['apps/Deployment', 'batch/Job', 'batch.volcano.sh/Job', 'apps/StatefulSet']);

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const gk = (o: KeptObject): string => `${groupOf(o.apiVersion)}/${o.kind}`;

export function importFleet(opts: FleetOptions): ImportedFleet {
  const gpuResources = [...(opts.gpuResources ?? []), ...DEFAULT_GPU_RESOURCES.filter((r) => !(opts.gpuResources ?? []).includes(r))];
  const layout = resolveLayout(opts);
  const dumps = layout.sources.map((s) => readSource(s, gpuResources));
  const skipped: Skipped[] = dumps.flatMap((d) => d.skipped);
  const notes: Skipped[] = [];

  // The host: named so (--host), or a folder holding Karmada's own objects and no pods (its nodes, if dumped, are the host's).
  const isHost = (d: SourceDump): boolean => d.source.role === 'host' || (d.source.role === 'unknown' && d.objects.some((o) => HOST_KINDS.has(gk(o))) && d.pods.length === 0);
  const hostDumps = dumps.filter(isHost);
  const memberDumps = dumps.filter((d) => !isHost(d));
  const kept = dumps.flatMap((d) => d.objects.map((o) => ({ o, host: isHost(d) })));

  const karmadaClusters = new Map<string, KarmadaCluster>();
  for (const { o } of kept) if (gk(o) === 'cluster.karmada.io/Cluster') karmadaClusters.set(o.name, readKarmadaCluster(o));

  const clusters: ImportedCluster[] = [];
  for (const d of memberDumps) {
    if (d.nodes.length === 0) {
      if (d.pods.length > 0) throw new UserError(`${d.source.given.join(', ')}: expected the Nodes of cluster ${d.source.name} beside its ${d.pods.length} Pods (kubectl get nodes -o json), found none`);
      if (d.simkube.length > 0 || d.openbPods.length > 0) throw new UserError(`${d.source.given.join(', ')}: expected the Nodes of cluster ${d.source.name} beside its recorded history (kubectl get nodes -o json, or an openb node CSV), found none`);
      if (d.objects.length === 0 && d.source.files.length > 0) notes.push({ object: `cluster ${d.source.name}`, where: d.source.given.join(', '), reason: 'no Nodes or Pods in its files: not a cluster' });
      continue;
    }
      clusters.push(memberCluster(d, karmadaClusters.get(d.source.name) ?? null, notes));
  }
  if (clusters.length === 0) {
    throw new UserError(`${[...opts.paths, ...opts.clusters].join(', ') || 'the dump'}: expected the Nodes of at least one member cluster (kubectl get nodes -o json), found none`);
  }
  clusters.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [name, k] of karmadaClusters) {
    if (!clusters.some((c) => c.name === name)) notes.push({ object: `cluster.karmada.io/Cluster ${name}`, where: k.source, reason: 'a member Karmada knows, with no dump of its nodes: left out' });
  }

  // Karmada's placement of each workload it propagates.
  const bindings: ImportedBinding[] = [];
  for (const { o } of kept) {
    if (gk(o) !== 'work.karmada.io/ResourceBinding' && gk(o) !== 'work.karmada.io/ClusterResourceBinding') continue;
    const b = readBinding(o, skipped, gpuResources);
    if (!b) continue;
    bindings.push(b);
    for (const t of b.clusters) {
      const c = clusters.find((x) => x.name === t.name);
      if (!c) {
        notes.push({ object: `${o.apiVersion}/${o.kind} ${b.namespace}/${b.name}`, where: b.source, reason: `${t.replicas} replica(s) on ${t.name}, which has no dump: left out` });
        continue;
      }
      for (const w of c.workloads) {
        if (w.namespace === b.resource.namespace && w.owner === b.resource.name && w.kind === b.resource.kind) w.binding = `${b.namespace}/${b.name}`;
      }
    }
  }
  const bound = (o: KeptObject): boolean => bindings.some((b) => b.resource.kind === o.kind && b.resource.namespace === (o.namespace || 'default') && b.resource.name === o.name);

  // What goes into the scenario verbatim.
  const manifests: KeptObject[] = [];
  const priorityClasses = new Map<string, KeptObject>();
  for (const { o, host } of kept) {
    const k = gk(o);
    if (k === 'scheduling.k8s.io/PriorityClass') {
      const first = priorityClasses.get(o.name);
      if (!first) priorityClasses.set(o.name, o);
      else if (first.value.value !== o.value.value) notes.push({ object: `PriorityClass ${o.name}`, where: o.source, reason: `value ${String(o.value.value)} differs from ${String(first.value.value)} at ${first.source}: the first is kept` });
      continue;
    }
    if (VERBATIM.has(k)) {
      if (k === 'scheduling.volcano.sh/Queue' && manifests.some((m) => gk(m) === k && m.name === o.name)) continue;
      manifests.push(o);
      continue;
    }
    if (TEMPLATES.has(k) && host) {
      if (bound(o)) skipped.push({ object: `${o.apiVersion}/${o.kind} ${o.namespace}/${o.name}`, where: o.source, reason: 'its ResourceBinding is imported: it starts where Karmada placed it' });
      else manifests.push(o);
      continue;
    }
    if (HOST_KINDS.has(k) || k.startsWith('apps/') || k.startsWith('batch') || k.startsWith('scheduling.') || k === 'cluster.karmada.io/Cluster') continue;
    if (k.endsWith('kurator.dev/Fleet') || k.endsWith('kurator.dev/Application')) {
      manifests.push(o);
      continue;
    }
    skipped.push({ object: `${o.apiVersion}/${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`, where: o.source, reason: `${o.kind} is not modelled` });
  }
  manifests.unshift(...priorityClasses.values());

  const host = hostCluster(hostDumps, clusters, notes);
  const hostPods = hostDumps.reduce((s, d) => s + d.pods.length, 0);
  if (hostPods) notes.push({ object: `${hostPods} Pods of the Karmada host`, where: hostDumps.map((d) => d.source.given.join(', ')).join(', '), reason: 'the host takes no workloads in fleetsim: its own pods (Karmada\'s components) are not imported' });
  const takenAt = Math.max(...dumps.map((d) => dumpTime(d.pods, d.nodes)).filter((t) => !Number.isNaN(t)), -Infinity);
  return {
    takenAt: takenAt === -Infinity ? NaN : takenAt,
    clusters: [...clusters, host],
    bindings,
    manifests,
    skipped,
    notes,
    ignoredFiles: layout.ignoredFiles,
  };
}

function memberCluster(d: SourceDump, k: KarmadaCluster | null, notes: Skipped[]): ImportedCluster {
  const name = d.source.name;
  const selected = new Set<string>();
  for (const p of d.pods) for (const key of p.nodeLabelKeys) selected.add(key);
  const pools = groupPools(d.nodes, selected);
  const names = new Set(d.nodes.map((n) => n.name));
  const { workloads, notes: wn } = groupWorkloads(name, d.pods, d.owners, names);
  notes.push(...wn, ...d.simkube.flatMap((t) => t.notes), ...overcommitted(d.nodes, workloads), ...notModelled(name, d));
  const unmodelled = new Map<string, number>();
  for (const n of d.nodes) for (const r of n.unmodelled) unmodelled.set(r, (unmodelled.get(r) ?? 0) + 1);
  const takenAt = dumpTime(d.pods, d.nodes);
  const history: ClusterHistory[] = [];
  const fromDump = dumpHistory(d.pods, (p) => topOwner(p, d.owners), takenAt);
  if (fromDump.length) history.push({ cluster: name, clock: 'unix', pods: fromDump, sources: d.source.given });
  for (const o of d.openbPods) history.push({ cluster: name, clock: 'trace', pods: openbHistory(o.pods), sources: [o.file] });
  const region = k?.region || mostCommon(d.nodes.map((n) => n.region)) || '';
  const zones = k?.zones.length ? k.zones : [...new Set(d.nodes.map((n) => n.zone).filter(Boolean))].sort();
  const volcano = d.pods.some((p) => p.schedulerName === 'volcano') || d.objects.some((o) => groupOf(o.apiVersion) === 'scheduling.volcano.sh');
  if (!region) notes.push({ object: `cluster ${name}`, where: d.source.given.join(', '), reason: 'no region in its nodes\' labels (topology.kubernetes.io/region) or Karmada Cluster: region "unknown"' });
  return {
    name,
    role: 'member',
    region: region || 'unknown',
    zones,
    provider: k?.provider || mostCommon(d.nodes.map((n) => n.provider)) || '',
    labels: k?.labels ?? {},
    taints: k?.taints ?? [],
    syncMode: k?.syncMode ?? 'Push',
    scheduler: volcano ? 'volcano' : 'kube-scheduler',
    pools,
    workloads,
    pods: d.pods,
    files: d.source.files,
    given: d.source.given,
    unmodelled,
    karmada: k,
    history,
    simkube: d.simkube,
  };
}

/** The Karmada host: its own nodes when the host folder has them, else a host with no nodes in the members' most common region. */
function hostCluster(hostDumps: SourceDump[], members: ImportedCluster[], notes: Skipped[]): ImportedCluster {
  const nodes = hostDumps.flatMap((d) => d.nodes);
  let name = 'karmada-host';
  for (let i = 2; members.some((m) => m.name === name); i++) name = `karmada-host-${i}`;
  const region = mostCommon(nodes.map((n) => n.region)) || mostCommon(members.map((m) => m.region)) || 'unknown';
  if (nodes.length === 0) notes.push({ object: `cluster ${name}`, where: hostDumps.map((d) => d.source.given.join(', ')).join(', ') || '(no host folder)', reason: `the Karmada control plane's cluster is not in the dump: a host with no nodes in ${region}, the members' most common region` });
  return {
    name,
    role: 'host',
    region,
    zones: [...new Set(nodes.map((n) => n.zone).filter(Boolean))].sort(),
    provider: mostCommon(nodes.map((n) => n.provider)),
    labels: {},
    taints: [],
    syncMode: 'Push',
    scheduler: 'kube-scheduler',
    pools: groupPools(nodes, new Set()),
    workloads: [],
    pods: [],
    files: hostDumps.flatMap((d) => d.source.files),
    given: hostDumps.flatMap((d) => d.source.given),
    unmodelled: new Map(),
    karmada: null,
    history: [],
    simkube: [],
  };
}

/**
 * Nodes whose bound pods ask for more than they have (allocatable shrank under them: a device
 * plugin that lost GPUs, a kubelet reserving more): kept so, as in the dump, and said once each.
 */
function overcommitted(nodes: readonly ImportedNode[], workloads: readonly ImportedWorkload[]): Skipped[] {
  const used = new Map<string, { cpu: number; memory: number; gpus: number; pods: number }>();
  for (const w of workloads) {
    for (const [node, n] of w.bound) {
      const u = used.get(node) ?? { cpu: 0, memory: 0, gpus: 0, pods: 0 };
      u.cpu += n * w.cpuMillis;
      u.memory += n * w.memoryMiB;
      u.gpus += n * w.gpus;
      u.pods += n;
      used.set(node, u);
    }
  }
  const out: Skipped[] = [];
  for (const node of nodes) {
    const u = used.get(node.name);
    if (!u) continue;
    const over = [
      u.cpu > node.cpuMillis ? `cpu ${u.cpu}m of ${node.cpuMillis}m` : '',
      u.memory > Math.floor(node.memoryBytes / 2 ** 20) ? `memory ${u.memory}Mi of ${Math.floor(node.memoryBytes / 2 ** 20)}Mi` : '',
      u.gpus > node.gpus ? `GPUs ${u.gpus} of ${node.gpus}` : '',
      u.pods > node.pods ? `pods ${u.pods} of ${node.pods}` : '',
    ].filter(Boolean);
    if (over.length) out.push({ object: `v1/Node ${node.name}`, where: node.source, reason: `its pods ask for more than it has (${over.join(', ')}): it stays so at t = 0, as in the dump, and takes nothing more` });
  }
  return out;
}

/** One note per thing a cluster's nodes or pods carry that fleetsim does not model, with how many have it. */
function notModelled(cluster: string, d: SourceDump): Skipped[] {
  const count = (into: Map<string, { n: number; where: string }>, key: string, where: string): void => {
    const e = into.get(key);
    if (e) e.n++;
    else into.set(key, { n: 1, where });
  };
  const nodes = new Map<string, { n: number; where: string }>();
  for (const n of d.nodes) for (const c of n.pressure) count(nodes, c, n.source);
  const pods = new Map<string, { n: number; where: string }>();
  const live = d.pods.filter((p) => !TERMINAL_PHASES.has(p.phase));
  for (const p of live) for (const r of p.unmodelled) count(pods, `requests of ${r} (nodes have cpu, memory, pods and GPUs only)`, p.source);
  for (const p of live) for (const r of p.unmodelledRules) count(pods, r, p.source);
  const allocatable = new Map<string, { n: number; where: string }>();
  for (const n of d.nodes) for (const r of n.unmodelled) count(allocatable, r, n.source);
  const withOther = d.nodes.filter((n) => n.unmodelled.length > 0);
  return [
    ...(withOther.length
      ? [{ object: `${some(withOther.length, 'Node')} of ${cluster}`, where: withOther[0].source, reason: `allocatable not modelled: ${[...allocatable].map(([r, e]) => `${r} (${e.n})`).join(', ')} (nodes have cpu, memory, pods and GPUs only)` }]
      : []),
    ...[...nodes].map(([c, e]) => ({ object: `${some(e.n, 'Node')} of ${cluster}`, where: e.where, reason: `${c}=True is not modelled (the node takes pods as any other)` })),
    ...[...pods].map(([what, e]) => ({ object: `${some(e.n, 'Pod')} of ${cluster}`, where: e.where, reason: `not modelled: ${what}` })),
  ];
}

/** `1 Node`, `3 Nodes`. */
function some(n: number, kind: string): string {
  return `${n} ${kind}${n === 1 ? '' : 's'}`;
}

function mostCommon(values: string[]): string {
  const count = new Map<string, number>();
  for (const v of values) if (v) count.set(v, (count.get(v) ?? 0) + 1);
  let best = '';
  let n = 0;
  for (const [v, c] of [...count].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (c > n) [best, n] = [v, c];
  return best;
}
