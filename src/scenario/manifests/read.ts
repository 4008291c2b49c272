import { dirname, resolve } from 'node:path';
import type { DistributionSpec } from '../../kernel/index.js';
import { admitPlacement } from '../admission.js';
import { durationSpec } from '../distributions.js';
import { ScenarioError, sourcePosition } from '../errors.js';
import { validateAgainst } from '../json-schema.js';
import { policyExtras } from '../policies.js';
import { template, type TemplateContext } from '../pod-template.js';
import { scenarioSchema } from '../schema.js';
import { displayPath, parseYamlText, readYamlFile, type PathElement, type YamlSource } from '../source.js';
import type { ClusterAffinity, ClusterSpec, DeploymentSpec, OverridePolicySpec, Placement, PolicySpec, Scenario, VolcanoQueueSpec, WorkloadSpec } from '../types.js';
import { parseBytes, parseCpuMillis, parseDuration, parseMemoryMiB, parseQuantity } from '../units.js';
import { queueFromObj } from '../volcano-queues.js';
import {
  deploymentSchema, jobSchema, kuratorApplicationSchema, kuratorFleetSchema, manifestRoot, overridePolicySchema, propagationPolicySchema, volcanoJobSchema, volcanoQueueManifestSchema,
} from './schemas.js';

/**
 * Included manifests (`include:` files): Kubernetes Deployments and Jobs, Karmada
 * PropagationPolicies, ClusterPropagationPolicies and OverridePolicies, Kurator Fleets and
 * Applications, PriorityClasses, Volcano Queues and Jobs, read as `kubectl apply` would take them.
 * What they add to the scenario goes into a ManifestSink; kinds fleetsim does not model are listed
 * in `ignored`.
 */

type Obj = Record<string, unknown>;

function requestsOf(src: YamlSource, containers: Obj[], path: PathElement[]): { cpuMillis: number; memoryMiB: number; gpus: number } {
  let cpu = 0;
  let mem = 0;
  let gpu = 0;
  containers.forEach((c, i) => {
    const r = (c.resources as Obj | undefined) ?? {};
    // Kubernetes defaults a container's requests to its limits when only limits are given.
    const req = { ...((r.limits as Obj | undefined) ?? {}), ...((r.requests as Obj | undefined) ?? {}) };
    const base = [...path, i, 'resources', r.requests && (r.requests as Obj).cpu !== undefined ? 'requests' : 'limits'];
    if (req.cpu !== undefined) {
      const v = parseCpuMillis(req.cpu);
      if (v === null) src.fail([...base, 'cpu'], 'a CPU quantity like "500m" or 2', req.cpu);
      cpu += v;
    }
    if (req.memory !== undefined) {
      const v = parseMemoryMiB(req.memory);
      if (v === null) src.fail([...path, i, 'resources', 'requests', 'memory'], 'a memory quantity like "512Mi"', req.memory);
      mem += v;
    }
    const g = req['nvidia.com/gpu'];
    if (g !== undefined) {
      const v = parseQuantity(g);
      if (v === null || !Number.isInteger(v)) src.fail([...path, i, 'resources', 'limits', 'nvidia.com/gpu'], 'a whole number of GPUs', g);
      gpu += v;
    }
  });
  return { cpuMillis: cpu, memoryMiB: mem, gpus: gpu };
}

function annotationDuration(src: YamlSource, ann: Record<string, string>, key: string, path: PathElement[]): number | null {
  if (ann[key] === undefined) return null;
  const d = parseDuration(ann[key]);
  if (d === null) src.fail([...path, 'metadata', 'annotations', key], 'a duration like "90s" or "10m"', ann[key]);
  return d;
}

/** What the included manifests add to the scenario. */
export interface ManifestSink {
  workloads: WorkloadSpec[];
  policies: PolicySpec[];
  overrides: OverridePolicySpec[];
  fleets: Scenario['fleets'];
  applications: { name: string; manifests: string; syncPolicies: { fleet: string; matchLabels: Record<string, string> }[]; src: YamlSource }[];
  queues: VolcanoQueueSpec[];
  priorityClasses: Record<string, number>;
  ignored: Scenario['ignoredManifests'];
}

export function readManifest(m: YamlSource, ctx: TemplateContext, sink: ManifestSink): void {
  const { workloads, policies, ignored } = sink;
  const v = m.value();
  if (v === null || v === undefined) return;
  if (typeof v !== 'object' || Array.isArray(v)) m.fail([], 'a Kubernetes manifest (a map with apiVersion and kind)', v);
  const o = v as Obj;
  if (typeof o.apiVersion !== 'string') m.fail(['apiVersion'], 'a string like "apps/v1"', o.apiVersion);
  if (typeof o.kind !== 'string') m.fail(['kind'], 'a string like "Deployment"', o.kind);
  const group = o.apiVersion.split('/')[0];
  const pos = m.at([]);
  const source = `${pos.file}:${pos.line}`;
  const metaName = (o.metadata as Obj | undefined)?.name;

  if (o.kind === 'Deployment' && o.apiVersion === 'apps/v1') {
    validateAgainst(m, o, deploymentSchema, manifestRoot());
    const { meta, spec, podSpec, ann } = parts(o);
    const name = meta.name as string;
    const namespace = (meta.namespace as string | undefined) ?? 'default';
    const containers = podSpec.containers as Obj[];
    const dep: DeploymentSpec = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      uid: `${namespace}/Deployment/${name}`,
      ...manifestBase(m, meta, ann, podSpec, containers, ctx, source),
      replicas: (spec.replicas as number | undefined) ?? 1,
    };
    workloads.push(dep);
    return;
  }
  if (o.kind === 'Job' && o.apiVersion === 'batch/v1') {
    validateAgainst(m, o, jobSchema, manifestRoot());
    const { meta, spec, podSpec, ann } = parts(o);
    const name = meta.name as string;
    const namespace = (meta.namespace as string | undefined) ?? 'default';
    const containers = podSpec.containers as Obj[];
    const parallelism = (spec.parallelism as number | undefined) ?? 1;
    const completions = (spec.completions as number | undefined) ?? parallelism;
    const duration = runTimeAnnotation(m, ann, ctx);
    let minAvailable = 1;
    if (ann['fleetsim.io/min-available'] !== undefined) {
      minAvailable = Number(ann['fleetsim.io/min-available']);
      if (!Number.isInteger(minAvailable) || minAvailable < 1 || minAvailable > parallelism) {
        m.fail(['metadata', 'annotations', 'fleetsim.io/min-available'], `an integer from 1 to parallelism (${parallelism})`, ann['fleetsim.io/min-available']);
      }
    }
    workloads.push({
      kind: 'Job',
      apiVersion: 'batch/v1',
      uid: `${namespace}/Job/${name}`,
      ...manifestBase(m, meta, ann, podSpec, containers, ctx, source),
      parallelism,
      completions,
      minAvailable,
      duration,
      arrivals: null,
    });
    return;
  }
  if ((o.kind === 'PropagationPolicy' || o.kind === 'ClusterPropagationPolicy') && group === 'policy.karmada.io') {
    validateAgainst(m, o, propagationPolicySchema, manifestRoot());
    const meta = o.metadata as Obj;
    const spec = o.spec as Obj;
    policies.push({
      kind: o.kind,
      name: meta.name as string,
      namespace: o.kind === 'ClusterPropagationPolicy' ? '' : ((meta.namespace as string | undefined) ?? 'default'),
      priority: (spec.priority as number | undefined) ?? 0,
      resourceSelectors: spec.resourceSelectors as PolicySpec['resourceSelectors'],
      placement: admitPlacement((spec.placement as Placement | undefined) ?? {}),
      ...policyExtras(spec),
      source,
    });
    return;
  }
  if ((o.kind === 'OverridePolicy' || o.kind === 'ClusterOverridePolicy') && group === 'policy.karmada.io') {
    validateAgainst(m, o, overridePolicySchema, manifestRoot());
    const meta = o.metadata as Obj;
    const spec = o.spec as Obj;
    sink.overrides.push({
      kind: o.kind,
      name: meta.name as string,
      namespace: o.kind === 'ClusterOverridePolicy' ? '' : ((meta.namespace as string | undefined) ?? 'default'),
      resourceSelectors: (spec.resourceSelectors as PolicySpec['resourceSelectors'] | undefined) ?? [],
      overrideRules: ((spec.overrideRules as Obj[] | undefined) ?? []).map((r) => ({
        ...(r.targetCluster ? { targetCluster: r.targetCluster as ClusterAffinity } : {}),
        overriders: (r.overriders as OverridePolicySpec['overrideRules'][number]['overriders'] | undefined) ?? {},
      })),
      source,
    });
    return;
  }
  if (o.kind === 'Fleet' && group === 'fleet.kurator.dev') {
    validateAgainst(m, o, kuratorFleetSchema, manifestRoot());
    const meta = o.metadata as Obj;
    const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
    sink.fleets.push({
      name: meta.name as string,
      clusters: (((o.spec as Obj).clusters as Obj[] | undefined) ?? []).map((c) => c.name as string),
      karmada: ann['fleet.kurator.dev/controlplane'] === 'karmada',
      source,
    });
    return;
  }
  if (o.kind === 'Application' && group === 'apps.kurator.dev') {
    validateAgainst(m, o, kuratorApplicationSchema, manifestRoot());
    const meta = o.metadata as Obj;
    const spec = o.spec as Obj;
    const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
    const manifests = ann['fleetsim.io/manifests'];
    if (manifests === undefined) m.fail(['metadata', 'annotations', 'fleetsim.io/manifests'], "the file holding what the Application's source would deliver (annotation fleetsim.io/manifests: a YAML file, relative to this one)", undefined);
    const defaultDest = (spec.destination as Obj | undefined) ?? {};
    sink.applications.push({
      name: meta.name as string,
      manifests: resolve(dirname(resolve(m.file)), manifests),
      syncPolicies: ((spec.syncPolicies as Obj[] | undefined) ?? []).map((p) => {
        const d = (p.destination as Obj | undefined) ?? defaultDest;
        return { fleet: (d.fleet as string | undefined) ?? '', matchLabels: (((d.clusterSelector as Obj | undefined) ?? {}).matchLabels as Record<string, string> | undefined) ?? {} };
      }),
      src: m,
    });
    return;
  }
  if (o.kind === 'PriorityClass' && group === 'scheduling.k8s.io') {
    if (typeof o.value !== 'number' || !Number.isInteger(o.value)) m.fail(['value'], 'an integer priority value', o.value);
    const name = (o.metadata as Obj | undefined)?.name;
    if (typeof name !== 'string') m.fail(['metadata', 'name'], 'a name', name);
    sink.priorityClasses[name] = o.value;
    return;
  }
  if (o.kind === 'Queue' && group === 'scheduling.volcano.sh') {
    validateAgainst(m, o, volcanoQueueManifestSchema, manifestRoot());
    const spec = ((o.spec as Obj | undefined) ?? {}) as Obj;
    sink.queues.push(queueFromObj({ name: (o.metadata as Obj).name, ...spec }));
    return;
  }
  if (o.kind === 'Job' && group === 'batch.volcano.sh') {
    validateAgainst(m, o, volcanoJobSchema, manifestRoot());
    readVolcanoJob(m, o, ctx, sink, source);
    return;
  }
  ignored.push({ kind: `${o.apiVersion}/${o.kind}`, name: typeof metaName === 'string' ? metaName : '', file: m.file });
}

/**
 * Kurator (spec/kurator.md §2–3): a Fleet labels its clusters `fleet.kurator.dev/fleet-name`; with
 * the annotation `fleet.kurator.dev/controlplane: karmada` only its clusters are joined to Karmada
 * (the others are left out of the scenario's Karmada: their role becomes host-like, taking nothing
 * from Karmada). An Application broadcasts full copies of its workloads to every cluster of the
 * destination fleet whose labels match the sync policy's clusterSelector (readiness unchecked; no
 * division, no failover). Its Git/Helm/OCI source cannot be fetched here: the annotation
 * `fleetsim.io/manifests` names the file with what that source would deliver.
 */
export function applyKurator(sink: ManifestSink, clusters: ClusterSpec[], ctx: TemplateContext): void {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  for (const f of sink.fleets) {
    for (const c of f.clusters) {
      const spec = byName.get(c);
      if (!spec) throw new ScenarioError(sourcePosition(f.source), 'spec.clusters', `the name of a cluster in the scenario's fleet.clusters (${[...byName.keys()].join(', ')})`, `"${c}"`);
      spec.labels = { ...spec.labels, 'fleet.kurator.dev/fleet-name': f.name };
    }
  }
  const karmadaFleets = sink.fleets.filter((f) => f.karmada);
  if (karmadaFleets.length > 0) {
    const joined = new Set(karmadaFleets.flatMap((f) => f.clusters));
    for (const c of clusters) if (c.role === 'member' && !joined.has(c.name)) c.karmadaMember = false;
  }
  for (const app of sink.applications) {
    const targets = new Set<string>();
    app.syncPolicies.forEach((p, i) => {
      const fleet = sink.fleets.find((f) => f.name === p.fleet);
      if (!fleet) app.src.fail(['spec', 'syncPolicies', i, 'destination', 'fleet'], `the name of a Kurator Fleet (${sink.fleets.map((f) => f.name).join(', ') || 'none included'})`, p.fleet);
      for (const c of fleet.clusters) {
        const labels = byName.get(c)!.labels;
        if (Object.entries(p.matchLabels).every(([k, v]) => labels[k] === v)) targets.add(c);
      }
    });
    let docs: YamlSource[];
    try {
      docs = readYamlFile(app.manifests, displayPath(app.manifests));
    } catch (e) {
      if (e instanceof ScenarioError && e.expected === 'a readable YAML file') app.src.fail(['metadata', 'annotations', 'fleetsim.io/manifests'], 'a readable YAML file (relative to the Application\'s file)', `${e.found}`, { rawFound: true });
      throw e;
    }
    const own: ManifestSink = { ...sink, workloads: [], policies: [], overrides: [], applications: [] };
    for (const d of docs) readManifest(d, ctx, own);
    const clusterList = [...targets].sort();
    for (const w of own.workloads) sink.workloads.push({ ...w, kurator: { application: app.name, clusters: clusterList } });
  }
}

/**
 * A Volcano Job (`batch.volcano.sh/v1alpha1`): its tasks become one Job workload when they ask for
 * the same resources (replicas summed, gang = `minAvailable`); tasks that differ become one Job
 * workload each, with the task's `minAvailable` (or its replicas) as its own gang — fleetsim models
 * one pod template per workload, so a mixed gang (e.g. ps + workers) is approximated per task.
 * Run time: annotation `fleetsim.io/duration`, as for batch/v1 Jobs.
 */
function readVolcanoJob(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const name = meta.name as string;
  const namespace = (meta.namespace as string | undefined) ?? 'default';
  const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
  const duration = runTimeAnnotation(m, ann, ctx);
  const tasks = spec.tasks as Obj[];
  const parts = tasks.map((t, i) => {
    const tpl = t.template as Obj;
    const podSpec = tpl.spec as Obj;
    const containers = podSpec.containers as Obj[];
    const req = requestsOf(m, containers, ['spec', 'tasks', i, 'template', 'spec', 'containers']);
    return { name: (t.name as string | undefined) ?? `task${i}`, replicas: (t.replicas as number | undefined) ?? 1, minAvailable: t.minAvailable as number | undefined, image: containers[0].image as string, req, priority: (podSpec.priority as number | undefined) ?? 0 };
  });
  const total = parts.reduce((s, p) => s + p.replicas, 0);
  const minAvailable = (spec.minAvailable as number | undefined) ?? total;
  if (minAvailable > total) m.fail(['spec', 'minAvailable'], `an integer <= the tasks' replicas (${total})`, minAvailable);
  const same = parts.every((p) => JSON.stringify(p.req) === JSON.stringify(parts[0].req) && p.image === parts[0].image);
  const groups = same ? [{ ...parts[0], name, replicas: total, minAvailable }] : parts.map((p) => ({ ...p, name: `${name}-${p.name}`, minAvailable: p.minAvailable ?? p.replicas }));
  for (const g of groups) {
    sink.workloads.push({
      kind: 'Job',
      apiVersion: 'batch.volcano.sh/v1alpha1',
      name: g.name,
      namespace,
      uid: `${namespace}/vcjob/${g.name}`,
      labels: (meta.labels as Record<string, string> | undefined) ?? {},
      arrival: annotationDuration(m, ann, 'fleetsim.io/at', []) ?? 0,
      template: template(ctx, { image: g.image, imageSize: null, startup: annotationDuration(m, ann, 'fleetsim.io/startup', []), ...g.req, priority: g.priority }),
      policy: null,
      placement: null,
      kurator: null,
      source,
      parallelism: g.replicas,
      completions: g.replicas,
      minAvailable: Math.max(1, Math.min(g.minAvailable ?? g.replicas, g.replicas)),
      ...(spec.queue ? { queue: spec.queue as string } : {}),
      duration,
      arrivals: null,
    });
  }
}

/** What a Deployment or Job manifest gives every workload: names, labels, arrival and pod template. */
function manifestBase(m: YamlSource, meta: Obj, ann: Record<string, string>, podSpec: Obj, containers: Obj[], ctx: TemplateContext, source: string) {
  return {
    name: meta.name as string,
    namespace: (meta.namespace as string | undefined) ?? 'default',
    labels: (meta.labels as Record<string, string> | undefined) ?? {},
    arrival: annotationDuration(m, ann, 'fleetsim.io/at', []) ?? 0,
    template: template(ctx, {
      image: containers[0].image as string,
      imageSize: ann['fleetsim.io/image-size'] === undefined ? null : imageSizeAnnotation(m, ann),
      startup: annotationDuration(m, ann, 'fleetsim.io/startup', []),
      ...requestsOf(m, containers, ['spec', 'template', 'spec', 'containers']),
      priority: (podSpec.priority as number | undefined) ?? 0,
    }),
    policy: null,
    placement: null,
    kurator: null,
    source,
  };
}

/**
 * A Job's pod run time from the annotation `fleetsim.io/duration`: a duration ("10m") or a
 * distribution in flow YAML ("{kind: exponential, mean: 600}").
 */
function runTimeAnnotation(m: YamlSource, ann: Record<string, string>, ctx: TemplateContext): DistributionSpec {
  const path: PathElement[] = ['metadata', 'annotations', 'fleetsim.io/duration'];
  const text = ann['fleetsim.io/duration'];
  if (text === undefined) m.fail(path, 'a run time for the Job\'s pods (annotation fleetsim.io/duration, e.g. "10m" or {kind: exponential, mean: 600})', undefined);
  const d = parseDuration(text);
  if (d !== null) return { kind: 'constant', value: d };
  let parsed: unknown;
  try {
    parsed = parseYamlText(text, m.file)[0]?.value();
  } catch {
    parsed = undefined;
  }
  validateAgainst(m, parsed, scenarioSchema.$defs!.distribution, scenarioSchema, path);
  return durationSpec(m, parsed, path, ctx.baseDir);
}

function imageSizeAnnotation(m: YamlSource, ann: Record<string, string>): number {
  const b = parseBytes(ann['fleetsim.io/image-size']);
  if (b === null) m.fail(['metadata', 'annotations', 'fleetsim.io/image-size'], 'a size like "150Mi"', ann['fleetsim.io/image-size']);
  return b;
}

function parts(o: Obj): { meta: Obj; spec: Obj; podSpec: Obj; ann: Record<string, string> } {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const tpl = spec.template as Obj;
  const podSpec = tpl.spec as Obj;
  const ann = { ...((((tpl.metadata as Obj | undefined) ?? {}).annotations as Record<string, string> | undefined) ?? {}), ...((meta.annotations as Record<string, string> | undefined) ?? {}) };
  return { meta, spec, podSpec, ann };
}

