import { statSync } from 'node:fs';
import { readJsonItems } from '../import/read/json-items.js';
import type { DumpItem } from '../import/read/item.js';
import { admitPlacement } from './admission.js';
import { durationSpec } from './distributions.js';
import { ScenarioError } from './errors.js';
import { check, type JsonSchema } from './json-schema.js';
import { template, type TemplateContext } from './pod-template.js';
import { scenarioSchema } from './schema.js';
import type { InitialClusterPods, InitialPlacement, InputNote, NodeSelection, Placement, PodTemplate, Scenario, WorkloadSpec } from './types.js';
import { parseCpuMillis, parseMemoryMiB } from './units.js';

/**
 * An imported initial state (`initialState:`): the fleet's workloads as they stood when the dump
 * was taken, so that a run continues the fleet instead of building it from empty.
 *
 * The file is what `fleetsim import` writes: JSON, `{"apiVersion": "fleetsim/v1", "kind":
 * "InitialState", "items": [...]}`, one item per workload (and per note of the importer's). It is
 * read item by item (a fleet of 200,000 pods is a large file) and checked like the scenario: every
 * mistake is located at its file, line, column and field.
 *
 * A workload item:
 *
 * ```json
 * {"kind": "Workload", "controller": "Deployment", "apiVersion": "apps/v1", "namespace": "shop",
 *  "name": "web", "lifecycle": "service", "image": "nginx:1.27", "priority": 0,
 *  "resources": {"cpu": "250m", "memory": "256Mi", "gpu": 0},
 *  "binding": {"name": "web-deployment", "namespace": "shop", "replicas": 6, "policy": "web-spread"},
 *  "clusters": [{"name": "gke", "replicas": 3, "pods": {"gke-node-1": 2, "gke-node-2": 1}},
 *               {"name": "aks", "replicas": 3, "pods": {"aks-node-0": 2}, "pending": 1, "pendingFor": 40}]}
 * ```
 *
 * `lifecycle` (service, per-node, batch, bare) says how its controller keeps it (see
 * InitialPlacement); a batch workload also has `completions`, `minAvailable`, `queue` and a
 * `duration` (its pods' run time, as a Job's in the scenario). Without `binding` it has one cluster
 * and is that member's own workload. A note item: `{"kind": "Note", "object", "where", "reason"}`.
 */

type Obj = Record<string, unknown>;

const cpu: JsonSchema = { type: ['number', 'string'], format: 'cpu' };
const memory: JsonSchema = { type: ['number', 'string'], format: 'memory' };
const str: JsonSchema = { type: 'string', minLength: 1 };
const nonNegInt: JsonSchema = { type: 'integer', minimum: 0 };
const resources: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu, memory, gpu: nonNegInt },
};

const workloadItem: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'controller', 'namespace', 'name', 'lifecycle', 'resources', 'clusters'],
  properties: {
    kind: { const: 'Workload' },
    controller: str,
    apiVersion: str,
    namespace: str,
    name: str,
    lifecycle: { enum: ['service', 'per-node', 'batch', 'bare'] },
    image: str,
    resources,
    priority: { type: 'integer' },
    schedulerName: { ...str, description: "the pods' spec.schedulerName (default default-scheduler)" },
    nodeSelection: {
      type: 'object',
      additionalProperties: false,
      description: "where the pods may run: the pod spec's nodeSelector, required node affinity terms, tolerations",
      properties: {
        nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
        nodeSelectorTerms: { type: ['array', 'null'], items: { type: 'object' } },
        tolerations: { type: 'array', items: { type: 'object' } },
      },
    },
    completions: { type: 'integer', minimum: 1 },
    minAvailable: { type: 'integer', minimum: 1 },
    queue: str,
    duration: { oneOf: [{ type: ['number', 'string'], format: 'duration' }, { $ref: '#/$defs/distribution' }] },
    binding: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'replicas'],
      properties: { name: str, namespace: { type: 'string' }, replicas: nonNegInt, policy: str, placement: { $ref: '#/$defs/placement' } },
    },
    clusters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: str,
          replicas: nonNegInt,
          pods: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
          pending: nonNegInt,
          pendingFor: { type: 'number', minimum: 0 },
          pendingOn: { type: 'array', items: str },
          resources,
        },
      },
    },
  },
};

const noteItem: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'object', 'reason'],
  properties: { kind: { const: 'Note' }, object: { type: 'string' }, where: { type: 'string' }, reason: { type: 'string' } },
};

const ROOT: JsonSchema = { $defs: scenarioSchema.$defs };

export interface InitialStateRead {
  workloads: WorkloadSpec[];
  pods: number;
  notes: NonNullable<Scenario['initialState']>['notes'];
}

/**
 * Read an initial-state file against the scenario's clusters (every cluster a member, every node one
 * of its pools'). `display` names the file in messages.
 */
export function readInitialState(file: string, display: string, clusters: Scenario['fleet']['clusters'], ctx: TemplateContext): InitialStateRead {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError({ file: display, line: 1, col: 1 }, '', 'the initial state written by fleetsim import (a JSON file)', code === 'ENOENT' ? 'no such file' : `an unreadable file (${code ?? (e as Error).message})`);
  }
  const nodesOf = new Map<string, Set<string>>();
  for (const c of clusters) {
    if (c.role !== 'member') continue;
    const names = new Set<string>();
    for (const p of c.nodePools) {
      if (p.nodes) for (const n of p.nodes) names.add(n);
      else for (let k = 0; k < p.count; k++) names.add(`${c.name}-${p.name}-${k}`);
    }
    nodesOf.set(c.name, names);
  }
  const out: InitialStateRead = { workloads: [], pods: 0, notes: [] };
  const seen = new Map<string, string>();
  readJsonItems(file, display, (item) => {
    const v = item.value as Obj;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) item.fail([], 'a Workload or Note item', v);
    if (v.kind === 'Note') {
      const bad = check(v, noteItem, ROOT);
      if (bad) item.fail(bad.path, bad.expected, bad.found, bad);
      out.notes.push({ object: v.object as string, where: (v.where as string | undefined) ?? '', reason: v.reason as string });
      return;
    }
    const bad = check(v, workloadItem, ROOT);
    if (bad) item.fail(bad.path, bad.expected, bad.found, bad);
    const w = workloadOf(item, v, nodesOf, ctx);
    const first = seen.get(w.uid);
    if (first) item.fail(['name'], `a workload not already in the state (${first} is ${w.namespace}/${w.name} too)`, w.name);
    seen.set(w.uid, item.where);
    for (const c of w.initial!.clusters) out.pods += c.bound.reduce((s, [, n]) => s + n, 0) + c.pending + c.pendingOn.length;
    out.workloads.push(w);
  });
  return out;
}

/** Notes listed one by one up to this many; beyond, one line per kind of object and reason. */
const NOTES_ONE_BY_ONE = 50;

/** The importer's notes as the inputs' notes (InputNote), grouped when there are many. */
export function initialStateNotes(notes: InitialStateRead['notes'], file: string): InputNote[] {
  if (notes.length <= NOTES_ONE_BY_ONE) return notes.map((n) => ({ source: n.where || file, object: n.object, text: n.reason }));
  const groups = new Map<string, InitialStateRead['notes']>();
  for (const n of notes) {
    const key = `${n.object.split(' ')[0]}\u0000${n.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups.values()].map((g) => ({
    source: g[0].where || file,
    object: g.length === 1 ? g[0].object : `${g.length} × ${g[0].object.split(' ')[0]}`,
    text: g.length === 1 ? g[0].reason : `${g[0].reason} (${g.slice(0, 3).map((n) => n.object.split(' ').slice(1).join(' ')).join(', ')}${g.length > 3 ? ', ...' : ''}; all in ${file})`,
  }));
}

function workloadOf(item: DumpItem, v: Obj, nodesOf: Map<string, Set<string>>, ctx: TemplateContext): WorkloadSpec {
  const lifecycle = v.lifecycle as InitialPlacement['lifecycle'];
  const binding = v.binding as Obj | undefined;
  const rawClusters = v.clusters as Obj[];
  if (!binding && rawClusters.length !== 1) item.fail(['clusters'], "one cluster (a workload with no binding is that member's own)", rawClusters);
  const tpl = (res: Obj, path: (string | number)[]): PodTemplate =>
    template(ctx, {
      image: (v.image as string | undefined) ?? 'registry.k8s.io/pause:3.9',
      cpuMillis: res.cpu === undefined ? 0 : parseCpuMillis(res.cpu) ?? item.fail([...path, 'cpu'], 'a CPU quantity', res.cpu),
      memoryMiB: res.memory === undefined ? 0 : parseMemoryMiB(res.memory) ?? item.fail([...path, 'memory'], 'a memory quantity', res.memory),
      gpus: (res.gpu as number | undefined) ?? 0,
      priority: (v.priority as number | undefined) ?? 0,
    });
  const sel = v.nodeSelection as Partial<NodeSelection> | undefined;
  const nodeSelection: NodeSelection | undefined = sel && { nodeSelector: sel.nodeSelector ?? {}, nodeSelectorTerms: sel.nodeSelectorTerms ?? null, tolerations: sel.tolerations ?? [] };
  const schedulerName = v.schedulerName as string | undefined;
  const withSelection = (t: PodTemplate): PodTemplate => ({ ...t, ...(nodeSelection ? { nodeSelection } : {}), ...(schedulerName ? { schedulerName } : {}) });
  const base = withSelection(tpl(v.resources as Obj, ['resources']));
  let live = 0;
  const clusters: InitialClusterPods[] = rawClusters.map((c, i) => {
    const twice = rawClusters.findIndex((x) => x.name === c.name);
    if (twice < i) item.fail(['clusters', i, 'name'], `a cluster not listed before (clusters[${twice}] is ${c.name as string})`, c.name);
    const names = nodesOf.get(c.name as string);
    if (!names) item.fail(['clusters', i, 'name'], `a member cluster of the scenario (${[...nodesOf.keys()].join(', ')})`, c.name);
    const bound: [string, number][] = [];
    for (const [node, n] of Object.entries((c.pods as Record<string, number> | undefined) ?? {})) {
      if (!names.has(node)) item.fail(['clusters', i, 'pods', node], `a node of cluster ${c.name as string} (one of its node pools' nodes)`, `node "${node}"`, { rawFound: true });
      bound.push([node, n]);
    }
    const pendingOn = (c.pendingOn as string[] | undefined) ?? [];
    pendingOn.forEach((node, k) => {
      if (!names.has(node)) item.fail(['clusters', i, 'pendingOn', k], `a node of cluster ${c.name as string}`, node);
    });
    if (pendingOn.length > 0 && lifecycle !== 'per-node') item.fail(['clusters', i, 'pendingOn'], 'pendingOn only for a per-node workload', pendingOn);
    const pending = (c.pending as number | undefined) ?? 0;
    const pods = bound.reduce((s, [, n]) => s + n, 0) + pending + pendingOn.length;
    live += pods;
    if (binding && c.replicas === undefined) item.fail(['clusters', i], 'replicas: the binding\'s replicas in this cluster (spec.clusters)', c);
    return {
      cluster: c.name as string,
      replicas: (c.replicas as number | undefined) ?? pods,
      bound,
      pending,
      pendingFor: (c.pendingFor as number | undefined) ?? 0,
      pendingOn,
      ...(c.resources ? { template: withSelection(tpl(c.resources as Obj, ['clusters', i, 'resources'])) } : {}),
    };
  });
  const namespace = v.namespace as string;
  const name = v.name as string;
  const controller = v.controller as string;
  const own = binding ? null : clusters[0].cluster;
  const pos = { file: item.file, line: item.line };
  const placement = binding?.placement ? admitPlacement(binding.placement as Placement) : null;
  const common = {
    name,
    namespace,
    uid: own ? `${own}/${namespace}/${controller}/${name}` : `${namespace}/${controller}/${name}`,
    apiVersion: (v.apiVersion as string | undefined) ?? 'apps/v1',
    labels: {},
    arrival: 0,
    template: base,
    policy: (binding?.policy as string | undefined) ?? null,
    placement,
    kurator: null,
    initial: { controller, lifecycle, binding: binding ? `${(binding.namespace as string | undefined) || namespace}/${binding.name as string}` : null, clusters },
    source: `${pos.file}:${pos.line}`,
  };
  if (binding?.policy !== undefined && placement) item.fail(['binding', 'placement'], 'either policy or placement, not both', 'both');
  if (lifecycle === 'per-node') {
    // The DaemonSet controller keeps one pod on each node it ran on (or waited for): its node
    // affinity names them, and it tolerates what it already ran under.
    const nodes = [...new Set(clusters.flatMap((c) => [...c.bound.map(([n]) => n), ...c.pendingOn]))].sort();
    const daemon: NodeSelection = { nodeSelector: {}, nodeSelectorTerms: [{ matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: nodes }] }], tolerations: [{ operator: 'Exists' }] };
    return { kind: 'Deployment', ...common, resourceKind: controller === 'StaticPod' ? 'Pod' : controller, replicas: 0, controller: 'daemon', daemon };
  }
  if (lifecycle !== 'batch') {
    const replicas = binding ? (binding.replicas as number) : clusters[0].replicas;
    const how = lifecycle === 'bare' ? { controller: 'bare' as const } : controller === 'StatefulSet' ? { controller: 'ordered' as const } : {};
    return { kind: 'Deployment', ...common, ...(controller !== 'Deployment' ? { resourceKind: controller === 'Pod' ? 'Pod' : controller } : {}), replicas, ...how };
  }
  if (v.duration === undefined) item.fail(['duration'], "the run time of the Job's pods (a duration or a distribution)", undefined);
  const parallelism = Math.max(1, binding ? (binding.replicas as number) : live);
  const completions = Math.max(parallelism, (v.completions as number | undefined) ?? parallelism);
  const minAvailable = Math.min((v.minAvailable as number | undefined) ?? 1, parallelism);
  return {
    kind: 'Job',
    ...common,
    apiVersion: (v.apiVersion as string | undefined) ?? 'batch/v1',
    parallelism,
    completions,
    minAvailable,
    duration: durationSpec(item, v.duration, ['duration'], ctx.baseDir),
    ...(v.queue !== undefined ? { queue: v.queue as string } : {}),
    arrivals: null,
  };
}
