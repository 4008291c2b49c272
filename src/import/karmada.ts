import { podRequests } from '../scenario/pod-requests.js';
import type { ClusterSpec, Taint } from '../scenario/types.js';
import type { KeptObject, Skipped } from './dump.js';
import { stringMap } from './nodes.js';

/**
 * What the Karmada control plane's objects say about the fleet: each member's `Cluster` object
 * (region, zones, provider, labels, taints, sync mode; `pkg/apis/cluster/v1alpha1/types.go`) and
 * each ResourceBinding's current placement (`spec.clusters`, per-replica requests, the claiming
 * policy; `pkg/apis/work/v1alpha2/binding_types.go`, policy annotations from
 * `pkg/apis/policy/v1alpha1/well_known_constants.go`).
 */
/** What a Cluster object says of a member: the scenario cluster's own fields. */
export type KarmadaCluster = Pick<ClusterSpec, 'name' | 'region' | 'zones' | 'provider' | 'labels' | 'taints' | 'syncMode'> & { source: string };

export interface ImportedBinding {
  kind: 'ResourceBinding' | 'ClusterResourceBinding';
  namespace: string;
  name: string;
  resource: { apiVersion: string; kind: string; namespace: string; name: string };
  replicas: number;
  cpuMillis: number;
  memoryMiB: number;
  gpus: number;
  priorityClassName: string;
  /** The policy that claimed the template, from the binding's annotations (or labels, before v1.10). */
  policy: { kind: 'PropagationPolicy' | 'ClusterPropagationPolicy'; namespace: string; name: string } | null;
  placement: Record<string, unknown> | null;
  clusters: { name: string; replicas: number }[];
  source: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readKarmadaCluster(o: KeptObject): KarmadaCluster {
  const meta = isObj(o.value.metadata) ? o.value.metadata : {};
  const spec = isObj(o.value.spec) ? o.value.spec : {};
  const zones = Array.isArray(spec.zones) ? spec.zones.filter((z): z is string => typeof z === 'string') : typeof spec.zone === 'string' && spec.zone ? [spec.zone] : [];
  const taints = (Array.isArray(spec.taints) ? spec.taints.filter(isObj) : [])
    .filter((t) => typeof t.key === 'string' && (t.effect === 'NoSchedule' || t.effect === 'PreferNoSchedule' || t.effect === 'NoExecute'))
    .map((t) => ({ key: t.key as string, ...(typeof t.value === 'string' && t.value ? { value: t.value } : {}), effect: t.effect as Taint['effect'] }));
  return {
    name: o.name,
    region: typeof spec.region === 'string' ? spec.region : '',
    zones,
    provider: typeof spec.provider === 'string' ? spec.provider : '',
    labels: stringMap(meta.labels),
    taints,
    syncMode: spec.syncMode === 'Pull' ? 'Pull' : 'Push',
    source: o.source,
  };
}

/** A ResourceBinding (or ClusterResourceBinding); null, with a skip note, when it places nothing fleetsim models. */
export function readBinding(o: KeptObject, skipped: Skipped[], gpuResources: readonly string[]): ImportedBinding | null {
  const meta = isObj(o.value.metadata) ? o.value.metadata : {};
  const spec = isObj(o.value.spec) ? o.value.spec : {};
  const res = isObj(spec.resource) ? spec.resource : {};
  const object = `${o.apiVersion}/${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  if (Array.isArray(spec.components) && spec.components.length > 0) {
    skipped.push({ object, where: o.source, reason: 'a multi-template workload (spec.components) is not modelled' });
    return null;
  }
  const kind = typeof res.kind === 'string' ? res.kind : '';
  if (kind !== 'Deployment' && kind !== 'Job' && kind !== 'StatefulSet') {
    skipped.push({ object, where: o.source, reason: kind ? `it places a ${kind}, which holds no pods fleetsim models` : 'no spec.resource' });
    return null;
  }
  const rr = isObj(spec.replicaRequirements) ? spec.replicaRequirements : {};
  let req: Record<string, number> = {};
  try {
    req = isObj(rr.resourceRequest) ? podRequests({ containers: [{ resources: { requests: rr.resourceRequest } }] }) : {};
  } catch {
    skipped.push({ object, where: o.source, reason: 'spec.replicaRequirements.resourceRequest holds a quantity Kubernetes would reject' });
    return null;
  }
  const ann = { ...stringMap(meta.labels), ...stringMap(meta.annotations) };
  const ppName = ann['propagationpolicy.karmada.io/name'];
  const cppName = ann['clusterpropagationpolicy.karmada.io/name'];
  const policy = ppName
    ? { kind: 'PropagationPolicy' as const, namespace: ann['propagationpolicy.karmada.io/namespace'] ?? o.namespace, name: ppName }
    : cppName
      ? { kind: 'ClusterPropagationPolicy' as const, namespace: '', name: cppName }
      : null;
  const clusters = (Array.isArray(spec.clusters) ? spec.clusters.filter(isObj) : [])
    .filter((c) => typeof c.name === 'string')
    .map((c) => ({ name: c.name as string, replicas: typeof c.replicas === 'number' && c.replicas > 0 ? c.replicas : 0 }));
  if (Array.isArray(spec.gracefulEvictionTasks) && spec.gracefulEvictionTasks.length > 0) {
    skipped.push({ object: `${object} spec.gracefulEvictionTasks`, where: o.source, reason: 'evictions in progress are not carried over: the evicted clusters\' copies are gone at t = 0' });
  }
  return {
    kind: o.kind === 'ClusterResourceBinding' ? 'ClusterResourceBinding' : 'ResourceBinding',
    namespace: o.namespace,
    name: o.name,
    resource: { apiVersion: typeof res.apiVersion === 'string' ? res.apiVersion : '', kind, namespace: typeof res.namespace === 'string' ? res.namespace : o.namespace, name: typeof res.name === 'string' ? res.name : '' },
    replicas: typeof spec.replicas === 'number' ? spec.replicas : 0,
    cpuMillis: req.cpu ?? 0,
    memoryMiB: Math.ceil((req.memory ?? 0) / 2 ** 20 - 1e-9),
    gpus: gpuResources.reduce((n, r) => n + (req[r] ?? 0), 0),
    priorityClassName: typeof rr.priorityClassName === 'string' ? rr.priorityClassName : '',
    policy,
    placement: isObj(spec.placement) ? spec.placement : null,
    clusters,
    source: o.source,
  };
}
