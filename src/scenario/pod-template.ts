import { containerRequests, podRequests, type PathElement, type QuantityProblem, type ResourceList } from './pod-requests.js';
import type { PodTemplate, RegistrySpec, Scenario } from './types.js';

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
  return shape;
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
