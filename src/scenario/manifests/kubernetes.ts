import type { DeploymentSpec } from '../types.js';
import { validateAgainst } from '../json-schema.js';
import type { TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import { manifestBase, parts, runTimeAnnotation, type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { deploymentSchema, jobSchema, manifestRoot } from './schemas.js';

/** Kubernetes workloads: apps/v1 Deployment, batch/v1 Job, scheduling.k8s.io/v1 PriorityClass. */

/** apps/v1 Deployment: one Deployment workload. */
function readDeployment(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
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
  sink.workloads.push(dep);
}

/** batch/v1 Job: parallelism, completions; run time and gang size from annotations. */
function readJob(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
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
  sink.workloads.push({
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
}

/** scheduling.k8s.io/v1 PriorityClass: its value, by name (for schedulePriority). */
function readPriorityClass(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
  if (typeof o.value !== 'number' || !Number.isInteger(o.value)) m.fail(['value'], 'an integer priority value', o.value);
  const name = (o.metadata as Obj | undefined)?.name;
  if (typeof name !== 'string') m.fail(['metadata', 'name'], 'a name', name);
  sink.priorityClasses[name] = o.value;
}

export const kubernetesReaders: ManifestReader[] = [
  { accepts: (v, _g, k) => k === 'Deployment' && v === 'apps/v1', read: readDeployment },
  { accepts: (v, _g, k) => k === 'Job' && v === 'batch/v1', read: readJob },
  { accepts: (_v, g, k) => k === 'PriorityClass' && g === 'scheduling.k8s.io', read: readPriorityClass },
];
