import type { DistributionSpec } from '../kernel/index.js';
import type { ImportedCluster, ImportedFleet } from './fleet.js';
import type { ImportedBinding } from './karmada.js';
import { TERMINAL_PHASES } from './pods.js';
import type { ImportedWorkload } from './workloads.js';

/**
 * The initial state's items (scenario/initial-state.ts reads them back): one per workload running
 * at the dump, in cluster, namespace, kind, name order, and one per note.
 */

type Item = Record<string, unknown>;

/** Run-time samples kept in an empirical distribution: its quantiles, so a scenario stays readable. */
const MAX_SAMPLES = 100;

export function stateItems(fleet: ImportedFleet, manifestPolicies: ReadonlySet<string>): { items: Item[]; notes: Item[] } {
  const items: Item[] = [];
  const notes: Item[] = [];
  const byBinding = new Map<string, { cluster: ImportedCluster; w: ImportedWorkload }[]>();
  for (const c of fleet.clusters) {
    for (const w of c.workloads) {
      if (w.binding) {
        const list = byBinding.get(w.binding) ?? [];
        list.push({ cluster: c, w });
        byBinding.set(w.binding, list);
        continue;
      }
      items.push(ownItem(c, w, fleet.takenAt, notes));
    }
  }
  for (const b of fleet.bindings) items.push(bindingItem(b, byBinding.get(`${b.namespace}/${b.name}`) ?? [], fleet, manifestPolicies, notes));
  return { items, notes };
}

const resources = (cpuMillis: number, memoryMiB: number, gpus: number): Item => ({ cpu: `${cpuMillis}m`, memory: `${memoryMiB}Mi`, ...(gpus ? { gpu: gpus } : {}) });

function pods(w: ImportedWorkload): Item {
  const out: Item = {};
  for (const [node, n] of [...w.bound].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[node] = n;
  return out;
}

function pendingFields(w: ImportedWorkload, takenAt: number): Item {
  if (w.pending === 0) return {};
  const waited = Number.isNaN(w.pendingSince) || Number.isNaN(takenAt) ? 0 : Math.max(0, Math.round(takenAt - w.pendingSince));
  return { pending: w.pending, ...(waited ? { pendingFor: waited } : {}) };
}

/** A member's own workload: created in its cluster only. */
function ownItem(c: ImportedCluster, w: ImportedWorkload, takenAt: number, notes: Item[]): Item {
  const live = w.pods.length;
  return {
    kind: 'Workload',
    controller: w.kind,
    apiVersion: w.apiVersion || 'v1',
    namespace: w.namespace,
    name: w.name,
    lifecycle: w.lifecycle,
    ...(w.image ? { image: w.image } : {}),
    resources: resources(w.cpuMillis, w.memoryMiB, w.gpus),
    ...(w.priority ? { priority: w.priority } : {}),
    ...(w.nodeSelection ? { nodeSelection: w.nodeSelection } : {}),
    ...(w.schedulerName !== 'default-scheduler' ? { schedulerName: w.schedulerName } : {}),
    ...(w.lifecycle === 'batch' ? batchFields(w, takenAt, notes) : {}),
    clusters: [
      {
        name: c.name,
        replicas: live,
        pods: pods(w),
        ...pendingFields(w, takenAt),
        ...(w.pendingOn.length ? { pendingOn: [...w.pendingOn].sort() } : {}),
      },
    ],
  };
}

/** A Job's remaining completions, gang, queue, and its pods' run time as the dump can tell it. */
function batchFields(w: ImportedWorkload, takenAt: number, notes: Item[]): Item {
  return {
    completions: Math.max(w.completions, w.pods.length),
    ...(w.minAvailable > 1 ? { minAvailable: w.minAvailable } : {}),
    ...(w.queue ? { queue: w.queue } : {}),
    duration: runTimeOf(w, takenAt, notes),
  };
}

/**
 * The run time of a Job's pods: the run times of its finished pods in the dump (Succeeded, with
 * start and finish times); else how long its running pods have run so far (in a steady state, the
 * age of the jobs running and the time they still have to run have the same distribution, so a
 * pod drawing its run time afresh at t = 0 from their ages ends as the real ones would); else one
 * hour, said in a note.
 */
function runTimeOf(w: ImportedWorkload, takenAt: number, notes: Item[]): DistributionSpec | number {
  let samples = w.finished.filter((p) => p.phase === 'Succeeded').map((p) => p.finished - p.started).filter((d) => Number.isFinite(d) && d >= 0);
  if (samples.length === 0 && !Number.isNaN(takenAt)) samples = w.pods.filter((p) => !TERMINAL_PHASES.has(p.phase)).map((p) => takenAt - p.started).filter((d) => Number.isFinite(d) && d >= 0);
  if (samples.length === 0) {
    notes.push({ kind: 'Note', object: `${w.apiVersion}/${w.kind} ${w.namespace}/${w.owner}`, where: w.pods[0]?.source ?? '', reason: 'no start or finish times to learn its run time from: its pods run 1h' });
    return 3600;
  }
  return empiricalOf(samples);
}

/** At most MAX_SAMPLES evenly spaced order statistics of the samples (all of them when fewer). */
export function empiricalOf(samples: number[]): DistributionSpec {
  const s = [...samples].sort((a, b) => a - b);
  const keep = s.length <= MAX_SAMPLES ? s : Array.from({ length: MAX_SAMPLES }, (_, i) => s[Math.round((i * (s.length - 1)) / (MAX_SAMPLES - 1))]);
  return { kind: 'empirical', samples: keep.map((x) => Math.round(x * 1000) / 1000) };
}

/** A workload Karmada propagates: its binding's placement and each member's copy. */
function bindingItem(b: ImportedBinding, copies: { cluster: ImportedCluster; w: ImportedWorkload }[], fleet: ImportedFleet, policies: ReadonlySet<string>, notes: Item[]): Item {
  const policyKey = b.policy ? `${b.policy.kind}/${b.policy.namespace}/${b.policy.name}` : '';
  const binding: Item = { name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}), replicas: b.replicas };
  if (b.policy && policies.has(policyKey)) binding.policy = b.policy.name;
  else if (b.placement) binding.placement = b.placement;
  else notes.push({ kind: 'Note', object: `work.karmada.io/${b.kind} ${b.namespace}/${b.name}`, where: b.source, reason: 'no policy in the dump and no spec.placement: it stays where it is, Karmada does not reschedule it' });
  const image = copies.find((x) => x.w.image)?.w.image ?? '';
  const clusters: Item[] = [];
  for (const t of b.clusters) {
    const c = fleet.clusters.find((x) => x.name === t.name && x.role === 'member');
    if (!c) continue;
    const here = copies.filter((x) => x.cluster === c).map((x) => x.w);
    const main = here.reduce<ImportedWorkload | null>((m, w) => (!m || w.pods.length > m.pods.length ? w : m), null);
    const bound = new Map<string, number>();
    let pending = 0;
    let since = NaN;
    for (const w of here) {
      for (const [node, n] of w.bound) bound.set(node, (bound.get(node) ?? 0) + n);
      pending += w.pending;
      if (!(w.pendingSince >= since)) since = w.pendingSince;
      if (w !== main) notes.push({ kind: 'Note', object: `${w.apiVersion}/${w.kind} ${w.namespace}/${w.owner} in ${c.name}`, where: w.pods[0].source, reason: `${w.pods.length} pod(s) of another shape taken with the shape of the other ${main!.pods.length}` });
    }
    const entry: Item = { name: c.name, replicas: t.replicas, pods: Object.fromEntries([...bound].sort((a, b) => (a[0] < b[0] ? -1 : 1))) };
    Object.assign(entry, pendingFields({ pending, pendingSince: since } as ImportedWorkload, fleet.takenAt));
    if (main && (main.cpuMillis !== b.cpuMillis || main.memoryMiB !== b.memoryMiB || main.gpus !== b.gpus)) entry.resources = resources(main.cpuMillis, main.memoryMiB, main.gpus);
    if (!main && t.replicas > 0) notes.push({ kind: 'Note', object: `work.karmada.io/${b.kind} ${b.namespace}/${b.name}`, where: b.source, reason: `no pods of ${b.resource.kind} ${b.resource.namespace}/${b.resource.name} in ${c.name}'s dump: its ${t.replicas} replica(s) there are created at t = 0` });
    clusters.push(entry);
  }
  const batch = b.resource.kind === 'Job';
  const first = copies[0];
  return {
    kind: 'Workload',
    controller: b.resource.kind,
    apiVersion: b.resource.apiVersion || (batch ? 'batch/v1' : 'apps/v1'),
    namespace: b.resource.namespace || 'default',
    name: b.resource.name,
    lifecycle: batch ? 'batch' : 'service',
    ...(image ? { image } : {}),
    resources: resources(b.cpuMillis, b.memoryMiB, b.gpus),
    ...(first?.w.priority ? { priority: first.w.priority } : {}),
    ...(first?.w.nodeSelection ? { nodeSelection: first.w.nodeSelection } : {}),
    ...(first && first.w.schedulerName !== 'default-scheduler' ? { schedulerName: first.w.schedulerName } : {}),
    ...(batch ? (first ? batchFields(first.w, fleet.takenAt, notes) : { duration: 3600 }) : {}),
    binding,
    clusters,
  };
}
