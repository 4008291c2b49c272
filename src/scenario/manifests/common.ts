import type { DistributionSpec } from '../../kernel/index.js';
import { durationSpec } from '../distributions.js';
import { validateAgainst } from '../json-schema.js';
import { template, type TemplateContext } from '../pod-template.js';
import { scenarioSchema } from '../schema.js';
import { parseYamlText, type PathElement, type YamlSource } from '../source.js';
import type { PolicySpec, Scenario, VolcanoQueueSpec, WorkloadSpec, OverridePolicySpec } from '../types.js';
import { parseBytes, parseCpuMillis, parseDuration, parseMemoryMiB, parseQuantity } from '../units.js';

/**
 * What the manifest readers share: the sink they add to, the reader table's entry type, and the
 * pod-template pieces every workload kind reads the same way (requests, annotations, names).
 */

export type Obj = Record<string, unknown>;

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

/**
 * One kind's reader: `accepts` looks at apiVersion and kind (group = apiVersion's group), `read`
 * validates the object against the kind's schema and adds what it means to the sink.
 */
export interface ManifestReader {
  accepts(apiVersion: string, group: string, kind: string): boolean;
  read(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void;
}

/** A pod template's requests summed over its containers (limits fill in absent requests): cpu millicores, memory MiB, nvidia.com/gpu. */
export function requestsOf(src: YamlSource, containers: Obj[], path: PathElement[]): { cpuMillis: number; memoryMiB: number; gpus: number } {
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

export function annotationDuration(src: YamlSource, ann: Record<string, string>, key: string, path: PathElement[]): number | null {
  if (ann[key] === undefined) return null;
  const d = parseDuration(ann[key]);
  if (d === null) src.fail([...path, 'metadata', 'annotations', key], 'a duration like "90s" or "10m"', ann[key]);
  return d;
}

/** What a Deployment or Job manifest gives every workload: names, labels, arrival and pod template. */
export function manifestBase(m: YamlSource, meta: Obj, ann: Record<string, string>, podSpec: Obj, containers: Obj[], ctx: TemplateContext, source: string) {
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
export function runTimeAnnotation(m: YamlSource, ann: Record<string, string>, ctx: TemplateContext): DistributionSpec {
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

export function imageSizeAnnotation(m: YamlSource, ann: Record<string, string>): number {
  const b = parseBytes(ann['fleetsim.io/image-size']);
  if (b === null) m.fail(['metadata', 'annotations', 'fleetsim.io/image-size'], 'a size like "150Mi"', ann['fleetsim.io/image-size']);
  return b;
}

export function parts(o: Obj): { meta: Obj; spec: Obj; podSpec: Obj; ann: Record<string, string> } {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const tpl = spec.template as Obj;
  const podSpec = tpl.spec as Obj;
  const ann = { ...((((tpl.metadata as Obj | undefined) ?? {}).annotations as Record<string, string> | undefined) ?? {}), ...((meta.annotations as Record<string, string> | undefined) ?? {}) };
  return { meta, spec, podSpec, ann };
}

