import type { DistributionSpec } from '../../kernel/index.js';
import { labelSelectorMatches } from '../../placement/karmada/label-selector.js';
import { durationSpec } from '../distributions.js';
import { validateAgainst } from '../json-schema.js';
import { podShape, template, type TemplateContext } from '../pod-template.js';
import { scenarioSchema } from '../schema.js';
import { parseYamlText, type PathElement, type YamlSource } from '../source.js';
import type { PriorityRef } from '../priority-classes.js';
import type { InputNote, PodDisruptionBudgetSpec, PolicySpec, PodTemplate, PriorityClassSpec, Scenario, VolcanoQueueSpec, WorkloadSpec, OverridePolicySpec } from '../types.js';
import { parseBytes, parseDuration } from '../units.js';

/**
 * What the manifest readers share: the sink they add to, the reader table's entry type, and the
 * pod-template pieces every workload kind reads the same way (requests, annotations, names, run
 * times, the fields fleetsim does not model).
 */

export type Obj = Record<string, unknown>;

/** A FederatedHPA or CronFederatedHPA manifest, resolved against the workloads once every file is read. */
export interface ManifestAutoscaler {
  kind: 'FederatedHPA' | 'CronFederatedHPA';
  object: Obj;
  src: YamlSource;
}

/** What the included manifests add to the scenario. */
export interface ManifestSink {
  workloads: WorkloadSpec[];
  policies: PolicySpec[];
  overrides: OverridePolicySpec[];
  fleets: Scenario['fleets'];
  /** Kurator Applications (read by kurator.ts, resolved once every Fleet is read) and Kurator cluster objects' labels. */
  applications: { src: YamlSource; source: string }[];
  kuratorClusters: { kind: string; name: string; labels: Record<string, string>; source: string }[];
  queues: VolcanoQueueSpec[];
  priorityClasses: Record<string, PriorityClassSpec>;
  /** Pod templates' priority fields, resolved once every PriorityClass is known (priority-classes.ts). */
  priorityRefs: PriorityRef[];
  pdbs: PodDisruptionBudgetSpec[];
  autoscalers: ManifestAutoscaler[];
  ignored: Scenario['ignoredManifests'];
  /** Objects read by the readers, by `apiVersion kind`. */
  kinds: Record<string, number>;
  notes: InputNote[];
  /** Checks that need every file read first (an override against the workloads it selects). */
  afterRead: (() => void)[];
  /** Where each workload and policy was written, for errors found once everything is read. */
  located: Map<object, Located>;
}

/** A workload's or policy's document, with the paths of its name and of its spec fields. */
export interface Located {
  m: YamlSource;
  name: PathElement[];
  spec: PathElement[];
}

/** An empty sink that adds to these lists (the loader's, or an Application's own). */
export function newSink(into: Partial<ManifestSink> = {}): ManifestSink {
  return {
    workloads: [],
    policies: [],
    overrides: [],
    fleets: [],
    applications: [],
    kuratorClusters: [],
    queues: [],
    priorityClasses: {},
    priorityRefs: [],
    pdbs: [],
    autoscalers: [],
    ignored: [],
    kinds: {},
    notes: [],
    afterRead: [],
    located: new Map(),
    ...into,
  };
}

/**
 * One kind's reader: `accepts` looks at apiVersion and kind (group = apiVersion's group), `read`
 * validates the object against the kind's schema and adds what it means to the sink.
 */
export interface ManifestReader {
  accepts(apiVersion: string, group: string, kind: string): boolean;
  read(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void;
}

export function annotationDuration(src: YamlSource, ann: Record<string, string>, key: string, path: PathElement[]): number | null {
  if (ann[key] === undefined) return null;
  const d = parseDuration(ann[key]);
  if (d === null) src.fail([...path, 'metadata', 'annotations', key], 'a duration like "90s" or "10m"', ann[key]);
  return d;
}

export function imageSizeAnnotation(m: YamlSource, ann: Record<string, string>): number {
  const b = parseBytes(ann['fleetsim.io/image-size']);
  if (b === null) m.fail(['metadata', 'annotations', 'fleetsim.io/image-size'], 'a size like "150Mi"', ann['fleetsim.io/image-size']);
  return b;
}

/** The pod template of a manifest's pod spec at `podPath`, completed from the scenario and the fleetsim.io annotations. */
export function podTemplateOf(m: YamlSource, o: Obj, podPath: PathElement[], ann: Record<string, string>, ctx: TemplateContext): PodTemplate {
  const podSpec = at(o, podPath) as Obj;
  const shape = podShape(podSpec, podPath, (path, expected, found) => m.fail(path, expected, found));
  return template(ctx, {
    ...shape,
    imageSize: ann['fleetsim.io/image-size'] === undefined ? null : imageSizeAnnotation(m, ann),
    startup: annotationDuration(m, ann, 'fleetsim.io/startup', []),
    priority: (podSpec.priority as number | undefined) ?? 0,
  });
}

/** The value at a path of a plain object (undefined where it runs out). */
export function at(o: unknown, path: readonly PathElement[]): unknown {
  let v = o;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** Names, labels, arrival and the kept manifest: what every workload read from a manifest starts with. */
export function manifestBase(m: YamlSource, o: Obj, podPath: PathElement[], ann: Record<string, string>, ctx: TemplateContext, source: string) {
  const meta = o.metadata as Obj;
  return {
    name: meta.name as string,
    namespace: (meta.namespace as string | undefined) ?? 'default',
    labels: (meta.labels as Record<string, string> | undefined) ?? {},
    arrival: annotationDuration(m, ann, 'fleetsim.io/at', []) ?? 0,
    template: podTemplateOf(m, o, podPath, ann, ctx),
    manifest: { object: o, podPath },
    policy: null,
    placement: null,
    kurator: null,
    source,
  };
}

/** The object's annotations over its pod template's (the object's win). */
export function annotationsOf(o: Obj, templatePath: PathElement[] | null): Record<string, string> {
  const own = (((o.metadata as Obj | undefined) ?? {}).annotations as Record<string, string> | undefined) ?? {};
  const tpl = templatePath ? ((((at(o, templatePath) as Obj | undefined)?.metadata as Obj | undefined) ?? {}).annotations as Record<string, string> | undefined) : undefined;
  return { ...(tpl ?? {}), ...own };
}

/** `Deployment default/web`: how notes name an object. */
export function objectName(kind: string, namespace: string | null, name: string): string {
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

export function note(sink: ManifestSink, m: YamlSource, path: PathElement[], object: string, text: string): void {
  const pos = m.at(path);
  sink.notes.push({ source: `${pos.file}:${pos.line}`, object, text });
}

/**
 * The built-in run time of a Job's pods when neither the manifest (`fleetsim.io/duration`) nor a
 * `defaults.jobDuration` rule gives one: 10 minutes (README, "Real manifests").
 */
export const DEFAULT_JOB_DURATION: DistributionSpec = { kind: 'constant', value: 600 };

/**
 * A Job's pod run time. A manifest never says how long its pods run: the annotation
 * `fleetsim.io/duration` (a duration like "10m", or a distribution in flow YAML like
 * "{kind: exponential, mean: 600}") wins; else the first `defaults.jobDuration` rule whose
 * apiVersion, kind and label selector match; else DEFAULT_JOB_DURATION. A note names the Job and
 * the rule when it fell back. Shared by every Job kind's reader (batch/v1, Volcano, CronJob, Pod).
 */
export function jobRunTime(
  m: YamlSource,
  ann: Record<string, string>,
  ctx: TemplateContext,
  job: { apiVersion: string; kind: string; namespace: string; name: string; labels: Record<string, string> },
  sink: ManifestSink,
): DistributionSpec {
  const path: PathElement[] = ['metadata', 'annotations', 'fleetsim.io/duration'];
  const text = ann['fleetsim.io/duration'];
  if (text !== undefined) {
    const d = parseDuration(text);
    if (d !== null) return { kind: 'constant', value: d };
    let parsed: unknown;
    try {
      parsed = parseYamlText(text, m.file)[0]?.value();
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      m.fail(path, 'a run time: a duration like "10m", or a distribution like "{kind: exponential, mean: 600}"', text);
    }
    validateAgainst(m, parsed, scenarioSchema.$defs!.distribution, scenarioSchema, path);
    return durationSpec(m, parsed, path, ctx.baseDir);
  }
  const rule = ctx.defaults.jobDuration.find(
    (r) => (!r.apiVersion || r.apiVersion === job.apiVersion) && (!r.kind || r.kind === job.kind) && (!r.selector || labelSelectorMatches(r.selector, job.labels)),
  );
  const duration = rule?.duration ?? DEFAULT_JOB_DURATION;
  const from = rule && rule.origin ? rule.origin : 'fleetsim\'s default; set defaults.jobDuration to change it';
  note(sink, m, [], objectName(job.kind, job.namespace, job.name), `no fleetsim.io/duration annotation: its pods run ${describeDuration(duration)} (${from})`);
  return duration;
}

/** `10m`, or `exponential (mean 600 s)`: a run time for notes. */
export function describeDuration(d: DistributionSpec): string {
  if (d.kind === 'constant') {
    const s = d.value;
    return s % 3600 === 0 && s > 0 ? `${s / 3600}h` : s % 60 === 0 && s > 0 ? `${s / 60}m` : `${s}s`;
  }
  const params = Object.entries(d)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? `${v.length} samples` : String(v)}`);
  return `${d.kind} (${params.join(', ')})`;
}

/**
 * Pod-spec fields that change where or when pods run but that fleetsim does not model. Modelled,
 * so not named: requests, the image, `nodeSelector`, required node affinity and `tolerations`
 * (kube-scheduler's NodeAffinity and TaintToleration filters, Volcano's predicates, the DaemonSet
 * controller, against the pools' labels and taints). Each present field is named in a note.
 */
const POD_FIELDS_NOT_MODELLED: Record<string, string> = {
  'affinity.podAffinity': 'pods are not placed by the other pods on a node or in a zone',
  'affinity.podAntiAffinity': 'pods are not placed by the other pods on a node or in a zone',
  'affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution': 'preferred node affinity does not score nodes',
  topologySpreadConstraints: 'pods are not spread over topology domains',
  nodeName: 'pods are placed by the member scheduler',
  schedulingGates: 'gated pods are scheduled as if ungated',
  hostNetwork: 'host ports are not counted',
  resourceClaims: 'dynamic resource allocation is not modelled',
  runtimeClassName: 'only spec.overhead, as written, is counted',
  activeDeadlineSeconds: 'pods are not killed at a deadline',
};

/** The fields of POD_FIELDS_NOT_MODELLED a pod spec sets (dotted paths), each with why it matters. */
export function podFieldsNotModelled(podSpec: Obj): [string, string][] {
  const out: [string, string][] = [];
  for (const [f, path, why] of NOT_MODELLED_PATHS) {
    const v = at(podSpec, path);
    if (f === 'hostNetwork' ? v === true : v !== undefined) out.push([f, why]);
  }
  return out;
}

/** POD_FIELDS_NOT_MODELLED with each path split once (the importer asks this of every pod of a dump). */
const NOT_MODELLED_PATHS = Object.entries(POD_FIELDS_NOT_MODELLED).map(([f, why]) => [f, f.split('.'), why] as const);

/** Resources fleetsim counts on nodes; others in requests or limits are named. */
const MODELLED_RESOURCES = new Set(['cpu', 'memory', 'nvidia.com/gpu']);

/**
 * Name the pod-spec fields at `podPath` that fleetsim does not model, in one note for the object:
 * placement constraints, extended resources, readiness timing. `except` are fields the kind models.
 */
export function notePodFields(sink: ManifestSink, m: YamlSource, o: Obj, podPath: PathElement[], object: string, except: string[] = []): void {
  const podSpec = (at(o, podPath) as Obj | undefined) ?? {};
  const fields: string[] = [];
  const reasons = new Set<string>();
  for (const [f, why] of podFieldsNotModelled(podSpec)) {
    if (except.includes(f)) continue;
    fields.push([...podPath, f].join('.'));
    reasons.add(why);
  }
  const other = new Set<string>();
  let probes = false;
  for (const list of ['containers', 'initContainers'] as const) {
    const cs = Array.isArray(podSpec[list]) ? (podSpec[list] as Obj[]) : [];
    for (const c of cs) {
      const res = (c?.resources as Obj | undefined) ?? {};
      for (const part of ['requests', 'limits']) for (const k of Object.keys((res[part] as Obj | undefined) ?? {})) if (!MODELLED_RESOURCES.has(k)) other.add(k);
      if (list === 'containers' && (c?.readinessProbe !== undefined || c?.startupProbe !== undefined)) probes = true;
    }
  }
  if (other.size) {
    fields.push(`resources ${[...other].sort().join(', ')}`);
    reasons.add('nodes have cpu, memory, pods and nvidia.com/gpu only');
  }
  if (probes) {
    fields.push('readiness and startup probes');
    reasons.add('a pod is Ready fleetsim.io/startup (default defaults.podStartup) after its image is pulled');
  }
  if (fields.length) note(sink, m, podPath, object, `not modelled: ${fields.join(', ')} (${[...reasons].join('; ')})`);
}
