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
  f: { image: string; imageSize?: number | null; startup?: number | null; cpuMillis: number; memoryMiB: number; gpus: number; gpuMilli?: number; gpuModels?: string[]; priority: number },
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
  };
}
