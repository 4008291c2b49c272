import type { Taint } from '../scenario/types.js';
import { GPU_MODEL_LABELS, INSTANCE_TYPE_LABELS, REGION_LABELS, ZONE_LABELS, type ImportedNode } from './nodes.js';
import { sanitize } from './layout.js';

/**
 * A cluster's nodes grouped into node pools by what scheduling sees: allocatable cpu, memory and
 * pod slots, GPUs (count, model, memory), the labels that matter, taints and zone. Nodes that differ
 * in nothing of that are one pool, whatever their cloud node group; cordoned and NotReady nodes stay
 * in their pool, listed as such.
 *
 * The labels that matter: those any pod of the dump selects on (nodeSelector, node affinity,
 * topology keys), and the well-known ones a scheduler or a policy reads (zone, region, instance
 * type, architecture, OS, node role, the clouds' node-pool and capacity-type labels, GPU labels).
 * Labels unique to a node (its hostname, its id) split nothing unless a pod selects on them.
 */
export interface ImportedPool {
  name: string;
  nodes: ImportedNode[];
  cpuMillis: number;
  /** Allocatable memory in MiB, rounded down (a pool never offers more than the node has). */
  memoryMiB: number;
  pods: number;
  gpus: number;
  gpuModel: string;
  gpuMemoryMiB: number;
  labels: Record<string, string>;
  taints: Taint[];
  zone: string;
  cordoned: string[];
  notReady: string[];
}

export const WELL_KNOWN_LABELS = new Set<string>([
  ...ZONE_LABELS, ...REGION_LABELS, ...INSTANCE_TYPE_LABELS, ...GPU_MODEL_LABELS,
  'kubernetes.io/arch', 'kubernetes.io/os', 'beta.kubernetes.io/arch', 'beta.kubernetes.io/os', 'kubernetes.io/role',
  'nvidia.com/gpu.memory', 'nvidia.com/gpu.count', 'accelerator',
  'cloud.google.com/gke-nodepool', 'cloud.google.com/gke-spot', 'cloud.google.com/gke-preemptible', 'cloud.google.com/machine-family',
  'eks.amazonaws.com/nodegroup', 'eks.amazonaws.com/capacityType', 'alpha.eksctl.io/nodegroup-name',
  'agentpool', 'kubernetes.azure.com/agentpool', 'kubernetes.azure.com/mode', 'kubernetes.azure.com/scalesetpriority',
  'karpenter.sh/nodepool', 'karpenter.sh/capacity-type', 'node.kubernetes.io/lifecycle',
]);

/** Labels naming a node's cloud node group, tried in order for the pool's name. */
const POOL_NAME_LABELS = [
  'cloud.google.com/gke-nodepool', 'eks.amazonaws.com/nodegroup', 'alpha.eksctl.io/nodegroup-name', 'kubernetes.azure.com/agentpool',
  'agentpool', 'karpenter.sh/nodepool',
];

export function labelMatters(key: string, selected: ReadonlySet<string>): boolean {
  return selected.has(key) || WELL_KNOWN_LABELS.has(key) || key.startsWith('node-role.kubernetes.io/');
}

/** Group one cluster's nodes into pools; `selected` = label keys the cluster's pods select on. */
export function groupPools(nodes: readonly ImportedNode[], selected: ReadonlySet<string>): ImportedPool[] {
  const groups = new Map<string, ImportedPool>();
  for (const n of [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const labels: Record<string, string> = {};
    for (const k of Object.keys(n.labels).sort()) if (labelMatters(k, selected)) labels[k] = n.labels[k];
    const taints = [...n.taints].sort((a, b) => `${a.key}=${a.value ?? ''}:${a.effect}`.localeCompare(`${b.key}=${b.value ?? ''}:${b.effect}`));
    const memoryMiB = Math.floor(n.memoryBytes / 2 ** 20);
    const key = JSON.stringify([n.cpuMillis, memoryMiB, n.pods, n.gpus, n.gpuModel, n.gpuMemoryMiB, labels, taints, n.zone]);
    let g = groups.get(key);
    if (!g) {
      g = { name: '', nodes: [], cpuMillis: n.cpuMillis, memoryMiB, pods: n.pods, gpus: n.gpus, gpuModel: n.gpuModel, gpuMemoryMiB: n.gpuMemoryMiB, labels, taints, zone: n.zone, cordoned: [], notReady: [] };
      groups.set(key, g);
    }
    g.nodes.push(n);
    if (n.cordoned) g.cordoned.push(n.name);
    if (!n.ready) g.notReady.push(n.name);
  }
  const pools = [...groups.values()];
  nameP(pools);
  return pools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Pool names: the cloud node group (else a node role, else the instance type), then the zone and a number as needed. */
function nameP(pools: ImportedPool[]): void {
  const base = (p: ImportedPool): string => {
    const l = p.nodes[0].labels;
    for (const k of POOL_NAME_LABELS) if (l[k]) return sanitize(l[k]);
    const role = Object.keys(l).find((k) => k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length);
    if (role) return sanitize(role.slice('node-role.kubernetes.io/'.length));
    const it = INSTANCE_TYPE_LABELS.map((k) => l[k]).find(Boolean);
    return it ? sanitize(it) : 'nodes';
  };
  const bases = pools.map(base);
  const count = (b: string): number => bases.filter((x) => x === b).length;
  const withZone = pools.map((p, i) => (count(bases[i]) > 1 && p.zone ? sanitize(`${bases[i]}-${p.zone}`) : bases[i]));
  const used = new Map<string, number>();
  pools.forEach((p, i) => {
    const n = withZone[i];
    const k = (used.get(n) ?? 0) + 1;
    used.set(n, k);
    p.name = withZone.filter((x) => x === n).length > 1 ? `${n}-${k}` : n;
  });
}
