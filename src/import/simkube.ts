import type { Skipped } from './dump.js';
import type { DumpItem } from './read/objects.js';
import { applyable } from './applyable.js';

/**
 * A SimKube trace (acrlabs/simkube, docs/ref/trace-files.md; version 2, as JSON): `events[]` of
 * `{ts, applied_objs, deleted_objs}` recorded from a real cluster, replayed as workload events in
 * the cluster whose dump holds it, t = 0 at the first event:
 *
 * - an object's first apply creates it: its manifest, verbatim, with `fleetsim.io/at` set to the
 *   offset (the manifest readers take it from there: Deployments, Jobs, ...);
 * - a later apply that changes a Deployment's `spec.replicas` is a scale (`actions:`); one that
 *   changes its pod template is named, not applied (fleetsim keeps one template per workload);
 * - a delete scales a Deployment to 0 (other kinds: named);
 * - a PropagationPolicy per namespace (`simkube-<cluster>`) keeps the trace's workloads in that
 *   cluster, where they were recorded.
 *
 * `pod_lifecycles` (per owner, the pods' start and end times) needs msgpack's tuple keys, which JSON
 * cannot hold; a non-empty one is named, not read.
 */
export interface SimKubeReplay {
  manifests: { value: Record<string, unknown>; source: string }[];
  actions: Record<string, unknown>[];
  policies: Record<string, unknown>[];
  notes: Skipped[];
  /** Objects created, scales, seconds covered. */
  created: number;
  span: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Is this dump object a SimKube trace (version and events, no kind)? */
export function isSimKubeTrace(v: unknown): boolean {
  return isObj(v) && v.kind === undefined && typeof v.version === 'number' && Array.isArray(v.events);
}

export function replaySimKube(item: DumpItem, cluster: string): SimKubeReplay {
  const v = item.value as Obj;
  if (v.version !== 2) item.fail(['version'], 'a SimKube trace of version 2', v.version);
  const events = (v.events as unknown[]).map((e, i) => {
    if (!isObj(e) || typeof e.ts !== 'number') item.fail(['events', i, 'ts'], 'a Unix timestamp (seconds)', isObj(e) ? e.ts : e);
    return { i, e };
  });
  const out: SimKubeReplay = { manifests: [], actions: [], policies: [], notes: [], created: 0, span: 0 };
  if (events.length === 0) return out;
  const t0 = events[0].e.ts as number;
  const last = new Map<string, { replicas: unknown; template: string; kind: string; deleted: boolean }>();
  const namespaces = new Map<string, { apiVersion: string; kind: string; name: string }[]>();
  const noted = new Set<string>();
  for (const { i, e } of events) {
    const at = (e.ts as number) - t0;
    if (at < 0) item.fail(['events', i, 'ts'], `a time at or after the first event's (${t0})`, e.ts);
    out.span = Math.max(out.span, at);
    for (const [list, deleted] of [[e.applied_objs, false], [e.deleted_objs, true]] as const) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) item.fail(['events', i, deleted ? 'deleted_objs' : 'applied_objs'], 'a list of Kubernetes objects', list);
      list.forEach((o, k) => {
        const path = ['events', i, deleted ? 'deleted_objs' : 'applied_objs', k];
        if (!isObj(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || !isObj(o.metadata) || typeof o.metadata.name !== 'string') {
          item.fail(path, 'a Kubernetes object with apiVersion, kind and metadata.name', o);
        }
        const meta = o.metadata as Obj;
        const ns = typeof meta.namespace === 'string' ? meta.namespace : 'default';
        const key = `${o.apiVersion as string}/${o.kind as string}/${ns}/${meta.name as string}`;
        const spec = isObj(o.spec) ? o.spec : {};
        const prev = last.get(key);
        const where = `${item.file}:${item.line}:${item.col} (${item.pathOf(path)})`;
        const ref = `${o.apiVersion as string}/${o.kind as string} ${ns}/${meta.name as string}`;
        const scale = (replicas: number): void => {
          out.actions.push({ at: `${at}s`, scale: { workload: `${ns}/${meta.name as string}`, replicas } });
        };
        if (deleted) {
          if (!prev || prev.deleted) return;
          prev.deleted = true;
          if (o.kind === 'Deployment') scale(0);
          else out.notes.push({ object: ref, where, reason: `deleted at ${at}s: not modelled for a ${o.kind as string} (it keeps running)` });
          return;
        }
        const template = JSON.stringify(spec.template ?? null);
        if (!prev) {
          const value = applyable(o);
          const m = value.metadata as Obj;
          m.annotations = { ...((m.annotations as Record<string, string> | undefined) ?? {}), 'fleetsim.io/at': `${at}s` };
          out.manifests.push({ value, source: where });
          out.created++;
          last.set(key, { replicas: spec.replicas, template, kind: o.kind as string, deleted: false });
          const list = namespaces.get(ns) ?? [];
          list.push({ apiVersion: o.apiVersion as string, kind: o.kind as string, name: meta.name as string });
          namespaces.set(ns, list);
          return;
        }
        if (prev.deleted) {
          prev.deleted = false;
          if (o.kind === 'Deployment') scale(typeof spec.replicas === 'number' ? spec.replicas : 1);
        } else if (o.kind === 'Deployment' && spec.replicas !== prev.replicas && typeof spec.replicas === 'number') scale(spec.replicas);
        if (template !== prev.template && !noted.has(key)) {
          noted.add(key);
          out.notes.push({ object: ref, where, reason: `its pod template changes at ${at}s: fleetsim keeps the first one` });
        }
        prev.replicas = spec.replicas;
        prev.template = template;
      });
    }
  }
  for (const [ns, refs] of [...namespaces].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out.policies.push({
      name: `simkube-${cluster}`,
      namespace: ns,
      resourceSelectors: refs.map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, name: r.name })),
      placement: { clusterAffinity: { clusterNames: [cluster] }, replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' } },
    });
  }
  const lifecycles = v.pod_lifecycles;
  if (isObj(lifecycles) && Object.keys(lifecycles).length > 0) {
    out.notes.push({ object: 'SimKube pod_lifecycles', where: item.where, reason: 'pod start and end times keyed by (owner, hash) tuples are not read from JSON' });
  }
  return out;
}
