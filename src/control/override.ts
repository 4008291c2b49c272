import { clusterMatches } from '../placement/karmada/index.js';
import { selectorMatch } from '../placement/policy-match.js';
import { imageHost } from '../scenario/pod-template.js';
import type { ClusterSpec, ImageOverrider, PodTemplate, Scenario, WorkloadSpec } from '../scenario/types.js';
import { parseCpuMillis, parseMemoryMiB, parseQuantity } from '../scenario/units.js';

/**
 * Karmada's OverridePolicy / ClusterOverridePolicy (spec §9): applied per target cluster when a
 * Work is rendered; they never change where replicas go. ClusterOverridePolicies apply first, then
 * OverridePolicies of the workload's namespace, each group from the least to the most precise
 * selector (kind only, label selector, name), then by name, so the most specific wins.
 * fleetsim models what changes the simulation: the image (registry → pull source and its region,
 * repository, tag → a different image, possibly of another size) and the container's resource
 * requests (plaintext paths `/spec/template/spec/containers/N/resources/{requests,limits}/{cpu,memory,nvidia.com/gpu}`).
 * Other overriders (labels, annotations, args...) are accepted and have no effect here.
 */
export function renderTemplate(w: WorkloadSpec, cluster: ClusterSpec, scenario: Scenario): PodTemplate {
  const applicable = scenario.overridePolicies
    .map((p) => ({ p, precision: Math.max(0, ...p.resourceSelectors.map((s) => selectorMatch(s, w))) }))
    .filter(({ p, precision }) => precision > 0 && (p.kind === 'ClusterOverridePolicy' || p.namespace === w.namespace))
    .sort((a, b) => (a.p.kind === b.p.kind ? 0 : a.p.kind === 'ClusterOverridePolicy' ? -1 : 1) || a.precision - b.precision || (a.p.name < b.p.name ? -1 : a.p.name > b.p.name ? 1 : 0));
  if (applicable.length === 0) return w.template;
  let t: PodTemplate = { ...w.template };
  for (const { p } of applicable) {
    for (const rule of p.overrideRules) {
      if (rule.targetCluster && !clusterMatches(cluster, rule.targetCluster)) continue;
      for (const io of rule.overriders.imageOverrider ?? []) t = overrideImage(t, io, scenario);
      for (const pt of rule.overriders.plaintext ?? []) t = overridePlaintext(t, pt.path, pt.operator, pt.value);
    }
  }
  return t;
}

/** Split an image reference into registry, repository and tag (`docker.io` when no registry is named). */
export function parseImage(ref: string): { registry: string; repository: string; tag: string; explicitRegistry: boolean } {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const host = imageHost(base);
  const explicit = base.startsWith(host + '/');
  const rest = explicit ? base.slice(host.length + 1) : base;
  const colon = rest.lastIndexOf(':');
  const slash = rest.lastIndexOf('/');
  const hasTag = colon > slash;
  return { registry: host, repository: hasTag ? rest.slice(0, colon) : rest, tag: hasTag ? rest.slice(colon + 1) : '', explicitRegistry: explicit };
}

function overrideImage(t: PodTemplate, io: ImageOverrider, scenario: Scenario): PodTemplate {
  const img = parseImage(t.image);
  const v = io.value ?? '';
  const key = io.component === 'Registry' ? 'registry' : io.component === 'Repository' ? 'repository' : 'tag';
  if (io.operator === 'replace') img[key] = v;
  else if (io.operator === 'add') img[key] = img[key] + v;
  else img[key] = '';
  if (key === 'registry') img.explicitRegistry = img.registry !== '';
  const ref = `${img.explicitRegistry ? img.registry + '/' : ''}${img.repository}${img.tag ? ':' + img.tag : ''}`;
  const host = imageHost(ref);
  const reg = scenario.registries.find((r) => r.host === host);
  const known = scenario.images.find((im) => im.image === ref);
  return {
    ...t,
    image: ref,
    registryRegion: reg?.region ?? scenario.defaults.registryRegion,
    imageSizeBytes: known?.sizeBytes ?? t.imageSizeBytes,
  };
}

const RESOURCE_PATH = /^\/spec\/template\/spec\/containers\/\d+\/resources\/(requests|limits)\/(cpu|memory|nvidia\.com~1gpu)$/;

function overridePlaintext(t: PodTemplate, path: string, op: 'add' | 'remove' | 'replace', value: unknown): PodTemplate {
  const m = RESOURCE_PATH.exec(path);
  if (!m) return t;
  const res = m[2];
  if (res === 'cpu') {
    const v = op === 'remove' ? 0 : parseCpuMillis(value);
    return v === null ? t : { ...t, cpuMillis: v };
  }
  if (res === 'memory') {
    const v = op === 'remove' ? 0 : parseMemoryMiB(value);
    return v === null ? t : { ...t, memoryMiB: v };
  }
  const g = op === 'remove' ? 0 : parseQuantity(value);
  return g === null || !Number.isInteger(g) ? t : { ...t, gpus: g, gpuMilli: g > 0 ? 1000 : 0 };
}
