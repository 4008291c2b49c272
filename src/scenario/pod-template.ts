import { containerRequests, podRequests, type PathElement, type QuantityProblem, type ResourceList } from './pod-requests.js';
import type { ManifestTemplate, NodeSelection, NodeSelectorTerm, PodTemplate, RegistrySpec, Scenario, Toleration, WorkloadSpec } from './types.js';

/** What a pod template is completed from: the scenario's registries, image sizes and defaults. */
export interface TemplateContext {
  registries: RegistrySpec[];
  images: { image: string; sizeBytes: number }[];
  defaults: Scenario['defaults'];
  baseDir: string;
}

/** The registry host of an image reference, as the container runtime reads it. */
export function imageHost(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

/** A PodTemplate from a workload's image and requests, completed from the scenario (pull source, image size, startup). */
export function template(
  ctx: TemplateContext,
  f: {
    image: string;
    imageSize?: number | null;
    startup?: number | null;
    cpuMillis: number;
    memoryMiB: number;
    gpus: number;
    gpuMilli?: number;
    gpuModels?: string[];
    priority: number;
    replicaRequest?: PodTemplate['replicaRequest'];
    nodeSelection?: NodeSelection;
  },
): PodTemplate {
  const host = imageHost(f.image);
  const reg = ctx.registries.find((r) => r.host === host);
  const known = ctx.images.find((im) => im.image === f.image);
  return {
    cpuMillis: f.cpuMillis,
    memoryMiB: f.memoryMiB,
    gpus: f.gpus,
    gpuMilli: f.gpus > 0 ? (f.gpuMilli ?? 1000) : 0,
    gpuModels: f.gpuModels ?? [],
    image: f.image,
    imageSizeBytes: f.imageSize ?? known?.sizeBytes ?? ctx.defaults.imageSizeBytes,
    registryRegion: reg?.region ?? ctx.defaults.registryRegion,
    startup: f.startup ?? ctx.defaults.podStartup,
    priority: f.priority,
    ...(f.replicaRequest ? { replicaRequest: f.replicaRequest } : {}),
    ...(f.nodeSelection ? { nodeSelection: f.nodeSelection } : {}),
  };
}

type Obj = Record<string, unknown>;

/**
 * What a pod spec (as a manifest writes it) asks of a node and of the registry: its effective
 * requests as kube-scheduler counts them (pod-requests.ts: limits fill in requests, the largest
 * init container, sidecars, overhead, pod-level requests), in fleetsim's units, and the image the
 * kubelet pulls (the first container's; fleetsim models one image per pod). `replicaRequest` is
 * set when Karmada's estimate of a replica differs (see PodTemplate.replicaRequest). `path` is
 * the pod spec's path, for `problem`.
 */
export interface PodShape {
  cpuMillis: number;
  memoryMiB: number;
  gpus: number;
  image: string;
  replicaRequest?: { cpuMillis: number; memoryMiB: number };
  /** Its nodeSelector, required node affinity and tolerations; absent when it says none of them. */
  nodeSelection?: NodeSelection;
}

export function podShape(podSpec: Obj, path: PathElement[], problem: QuantityProblem): PodShape {
  const r = podRequests(podSpec, path, problem);
  for (const list of ['containers', 'initContainers'] as const) {
    const cs = Array.isArray(podSpec[list]) ? (podSpec[list] as Obj[]) : [];
    cs.forEach((c, i) => {
      const g = containerRequests(c, [...path, list, i], problem)['nvidia.com/gpu'];
      if (g !== undefined && !Number.isInteger(g)) {
        const res = (c.resources ?? {}) as Obj;
        const part = ((res.requests ?? {}) as Obj)['nvidia.com/gpu'] !== undefined ? 'requests' : 'limits';
        problem([...path, list, i, 'resources', part, 'nvidia.com/gpu'], 'a whole number of GPUs', ((res[part] ?? {}) as Obj)['nvidia.com/gpu']);
      }
    });
  }
  const karmada = karmadaReplicaRequest(podSpec, path, problem);
  const shape: PodShape = {
    cpuMillis: r.cpu ?? 0,
    memoryMiB: mib(r.memory ?? 0),
    gpus: r['nvidia.com/gpu'] ?? 0,
    image: firstImage(podSpec),
  };
  const est = { cpuMillis: karmada.cpu ?? 0, memoryMiB: mib(karmada.memory ?? 0) };
  if (est.cpuMillis !== shape.cpuMillis || est.memoryMiB !== shape.memoryMiB) shape.replicaRequest = est;
  const sel = podNodeSelection(podSpec);
  if (sel) shape.nodeSelection = sel;
  return shape;
}

/**
 * A pod spec's node selection as kube-scheduler's NodeAffinity and TaintToleration filters read
 * it (nodeSelector, required node affinity, tolerations); undefined when it has none of them.
 */
export function podNodeSelection(podSpec: Obj): NodeSelection | undefined {
  const required = (((podSpec.affinity as Obj | undefined)?.nodeAffinity as Obj | undefined)?.requiredDuringSchedulingIgnoredDuringExecution as Obj | undefined) ?? null;
  const nodeSelector = (podSpec.nodeSelector as Record<string, string> | undefined) ?? {};
  const tolerations = (podSpec.tolerations as Toleration[] | undefined) ?? [];
  if (!required && Object.keys(nodeSelector).length === 0 && tolerations.length === 0) return undefined;
  return {
    nodeSelector,
    nodeSelectorTerms: required
      ? ((required.nodeSelectorTerms as Obj[] | undefined) ?? []).map((t) => ({
          matchExpressions: (t.matchExpressions as NodeSelectorTerm['matchExpressions'] | undefined) ?? [],
          matchFields: (t.matchFields as NodeSelectorTerm['matchFields'] | undefined) ?? [],
        }))
      : null,
    tolerations,
  };
}

/** Bytes → MiB, rounded up (as the scenario's own memory quantities are). */
function mib(bytes: number): number {
  return Math.ceil(bytes / 2 ** 20 - 1e-9);
}

function firstImage(podSpec: Obj): string {
  const c = Array.isArray(podSpec.containers) ? (podSpec.containers[0] as Obj | undefined) : undefined;
  return typeof c?.image === 'string' ? c.image : '';
}

/**
 * Karmada's `GenerateReplicaRequirements` request (karmada pkg/util/resource.go
 * `AddPodTemplateRequest` and `AddPodRequest`): limits fill in requests, the containers add up,
 * then each resource is raised to any init container's (sidecars are not added), then overhead.
 */
function karmadaReplicaRequest(podSpec: Obj, path: PathElement[], problem: QuantityProblem): ResourceList {
  const out: ResourceList = {};
  const list = (k: string): Obj[] => (Array.isArray(podSpec[k]) ? (podSpec[k] as Obj[]) : []);
  list('containers').forEach((c, i) => {
    for (const [k, v] of Object.entries(containerRequests(c, [...path, 'containers', i], problem))) out[k] = (out[k] ?? 0) + v;
  });
  list('initContainers').forEach((c, i) => {
    for (const [k, v] of Object.entries(containerRequests(c, [...path, 'initContainers', i], problem))) if (!(k in out) || v > out[k]) out[k] = v;
  });
  const overhead = podSpec.overhead;
  if (overhead && typeof overhead === 'object' && !Array.isArray(overhead)) {
    for (const [k, v] of Object.entries(containerRequests({ resources: { requests: overhead } }, [...path, 'overhead'], problem))) out[k] = (out[k] ?? 0) + v;
  }
  return out;
}

/**
 * A pod template read again from a pod spec that Karmada's overriders changed: the requests and
 * the image come from the spec (the image's pull source and size resolved as for any workload,
 * the base's size kept while the image is the base's); what a manifest cannot say (startup,
 * priority, GPU sharing and models) stays the base's.
 */
export function rederiveTemplate(base: PodTemplate, podSpec: Obj, ctx: Omit<TemplateContext, 'baseDir'>): PodTemplate {
  const shape = podShape(podSpec, [], (path, expected, found) => {
    throw new Error(`pod spec ${path.join('.')}: expected ${expected}, found ${JSON.stringify(found)}`);
  });
  const sameImage = shape.image === base.image;
  const t = template({ ...ctx, baseDir: '' }, {
    ...shape,
    imageSize: sameImage ? base.imageSizeBytes : (ctx.images.find((im) => im.image === shape.image)?.sizeBytes ?? base.imageSizeBytes),
    startup: base.startup,
    gpuMilli: base.gpuMilli || undefined,
    gpuModels: base.gpuModels,
    priority: base.priority,
  });
  // Who schedules the pods and how they rank stay as admitted (an override of the scheduler name is read).
  if (base.preemptionPolicy) t.preemptionPolicy = base.preemptionPolicy;
  const scheduler = typeof podSpec.schedulerName === 'string' && podSpec.schedulerName ? podSpec.schedulerName : base.schedulerName;
  if (scheduler !== undefined) t.schedulerName = scheduler;
  return sameImage ? { ...t, registryRegion: base.registryRegion } : t;
}

/**
 * The workload's manifest; for one written in the scenario, the Deployment or Job a user would
 * write for it (one container with its image and requests, and the node selection an imported
 * workload carries), so that Karmada's overrides apply to every workload alike.
 */
export function manifestOf(w: WorkloadSpec): ManifestTemplate {
  if (w.manifest) return w.manifest;
  const t = w.template;
  const requests: Record<string, string | number> = { cpu: `${t.cpuMillis}m`, memory: `${t.memoryMiB}Mi` };
  if (t.gpus) requests['nvidia.com/gpu'] = t.gpus;
  const sel = t.nodeSelection;
  const pod = {
    containers: [{ name: w.name, image: t.image, resources: { requests } }],
    ...(sel && Object.keys(sel.nodeSelector).length ? { nodeSelector: sel.nodeSelector } : {}),
    ...(sel?.nodeSelectorTerms ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: sel.nodeSelectorTerms } } } } : {}),
    ...(sel?.tolerations.length ? { tolerations: sel.tolerations } : {}),
  };
  const spec = w.kind === 'Deployment' ? { replicas: w.replicas, template: { spec: pod } } : { parallelism: w.parallelism, completions: w.completions, template: { spec: pod } };
  return {
    object: { apiVersion: w.apiVersion, kind: w.kind, metadata: { name: w.name, namespace: w.namespace, labels: w.labels }, spec },
    podPath: ['spec', 'template', 'spec'],
  };
}
