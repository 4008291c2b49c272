import { parseCpuMillis, parseQuantity } from './units.js';

/**
 * A pod's effective resource requests as kube-scheduler computes them
 * (k8s.io/component-helpers/resource `PodRequests`, used by NodeResourcesFit and the kubelet's
 * admission):
 *
 * - a container's request of a resource defaults to its limit when only the limit is given (the
 *   API server's defaulting);
 * - regular containers run together: their requests add up;
 * - init containers run one at a time before them: the pod needs the largest of them; a
 *   restartable init container (a sidecar, `restartPolicy: Always`) keeps running, so it adds to
 *   the regular containers and to every init container that starts after it;
 * - `spec.overhead` (the RuntimeClass's) is added on top;
 * - pod-level `spec.resources.requests` (the PodLevelResources feature, beta and on by default
 *   since Kubernetes 1.34) replace the containers' sum for the resources they name (cpu, memory).
 *
 * Units: `cpu` in millicores (each quantity rounded up to a whole millicore, as Quantity's
 * MilliValue does), every other resource in its base unit (memory in bytes, GPUs as counts).
 */
export type ResourceList = Record<string, number>;

export type PathElement = string | number;

/** Called for a quantity Kubernetes would reject; must throw (a located error). */
export type QuantityProblem = (path: PathElement[], expected: string, found: unknown) => never;

type Obj = Record<string, unknown>;

const defaultProblem: QuantityProblem = (path, expected, found) => {
  throw new Error(`${path.join('.')}: expected ${expected}, found ${JSON.stringify(found)}`);
};

/** One resource quantity in fleetsim's units (cpu millicores, else base units), or null. */
export function quantityOf(resource: string, v: unknown): number | null {
  return resource === 'cpu' ? parseCpuMillis(v) : parseQuantity(v);
}

/**
 * A container's requests, limits filling in for requests that are absent. `path` is the
 * container's path (for errors: `...containers[1].resources.limits.memory`).
 */
export function containerRequests(c: Obj, path: PathElement[], problem: QuantityProblem = defaultProblem): ResourceList {
  const res = isObj(c.resources) ? c.resources : {};
  const out: ResourceList = {};
  for (const part of ['limits', 'requests'] as const) {
    const list = res[part];
    if (list === undefined || list === null) continue;
    if (!isObj(list)) problem([...path, 'resources', part], 'a map of resource quantities', list);
    for (const [name, raw] of Object.entries(list)) {
      const v = quantityOf(name, raw);
      if (v === null) problem([...path, 'resources', part, name], name === 'cpu' ? 'a CPU quantity like "500m" or 2' : 'a quantity like "512Mi", "1G" or 2', raw);
      // requests win over limits; limits only fill in what requests leave out.
      if (part === 'requests' || !(name in out)) out[name] = v;
    }
  }
  return out;
}

/** `PodRequests`: the pod spec's effective requests (see the module comment). `path` is the pod spec's path. */
export function podRequests(podSpec: Obj, path: PathElement[] = [], problem: QuantityProblem = defaultProblem): ResourceList {
  const reqs: ResourceList = {};
  listOf(podSpec.containers).forEach((c, i) => add(reqs, containerRequests(c, [...path, 'containers', i], problem)));
  const restartable: ResourceList = {};
  const initMax: ResourceList = {};
  listOf(podSpec.initContainers).forEach((c, i) => {
    let r = containerRequests(c, [...path, 'initContainers', i], problem);
    if (c.restartPolicy === 'Always') {
      add(reqs, r);
      add(restartable, r);
      r = { ...restartable };
    } else {
      r = { ...r };
      add(r, restartable);
    }
    max(initMax, r);
  });
  max(reqs, initMax);
  const podLevel = isObj(podSpec.resources) ? podSpec.resources : null;
  if (podLevel && (isObj(podLevel.requests) || isObj(podLevel.limits))) {
    const r = containerRequests({ resources: podLevel }, path, problem);
    for (const k of ['cpu', 'memory']) if (k in r) reqs[k] = r[k];
  }
  if (podSpec.overhead !== undefined && podSpec.overhead !== null) {
    if (!isObj(podSpec.overhead)) problem([...path, 'overhead'], 'a map of resource quantities', podSpec.overhead);
    const o: ResourceList = {};
    for (const [name, raw] of Object.entries(podSpec.overhead)) {
      const v = quantityOf(name, raw);
      if (v === null) problem([...path, 'overhead', name], 'a resource quantity', raw);
      o[name] = v;
    }
    add(reqs, o);
  }
  return reqs;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOf(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function add(into: ResourceList, r: ResourceList): void {
  for (const [k, v] of Object.entries(r)) into[k] = (into[k] ?? 0) + v;
}

function max(into: ResourceList, r: ResourceList): void {
  for (const [k, v] of Object.entries(r)) if (!(k in into) || v > into[k]) into[k] = v;
}
