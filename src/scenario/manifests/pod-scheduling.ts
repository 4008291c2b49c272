import type { JsonSchema } from '../json-schema.js';
import { validateAgainst } from '../json-schema.js';
import { formatPath } from '../errors.js';
import type { TemplateContext } from '../pod-template.js';
import type { PriorityRef } from '../priority-classes.js';
import type { PathElement, YamlSource } from '../source.js';
import type { LabelSelector, PodTemplate, WorkloadSpec } from '../types.js';
import { note, objectName, type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { scenarioSchema } from '../schema.js';
import { manifestRoot, priorityClassSchema } from './schemas.js';

/**
 * Who schedules a pod and how it ranks: scheduling.k8s.io/v1 PriorityClass, policy/v1
 * PodDisruptionBudget, and the scheduling fields of every pod template (`priorityClassName`,
 * `priority`, `preemptionPolicy`, `schedulerName`, the `scheduling.volcano.sh/queue-name`
 * annotation, the pod labels PodDisruptionBudgets select).
 */

/** The Volcano queue annotation of a pod (volcano.sh/apis `QueueNameAnnotationKey`). */
export const VOLCANO_QUEUE_ANNOTATION = 'scheduling.volcano.sh/queue-name';

/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE_AT: Readonly<Record<string, readonly PathElement[]>> = {
  'apps/v1/Deployment': ['spec', 'template'],
  'apps/v1/ReplicaSet': ['spec', 'template'],
  'v1/ReplicationController': ['spec', 'template'],
  'apps/v1/StatefulSet': ['spec', 'template'],
  'apps/v1/DaemonSet': ['spec', 'template'],
  'batch/v1/Job': ['spec', 'template'],
  'batch/v1/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  'v1/Pod': [],
};

const podSchedulingSchema: JsonSchema = {
  type: 'object',
  properties: {
    metadata: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } }, annotations: { type: 'object', additionalProperties: { type: 'string' } } } },
    spec: {
      type: 'object',
      properties: {
        priorityClassName: { type: 'string' },
        priority: { type: 'integer' },
        preemptionPolicy: { enum: ['Never', 'PreemptLowerPriority'] },
        schedulerName: { type: 'string' },
      },
    },
  },
};

/** What a pod template says about its scheduling, read at `path` (the template: metadata + spec). */
export interface PodScheduling {
  schedulerName: string;
  queue: string | undefined;
  labels: Record<string, string>;
}

/**
 * Read the scheduling fields of the pod template at `path` and queue its priority for resolution
 * (`apply` receives it once every PriorityClass is known). `inherit` holds what a Volcano Job's
 * controller copies into its pods when their template says nothing: the job's scheduler, and its
 * class with where that is written.
 */
export function readPodScheduling(
  m: YamlSource,
  path: readonly PathElement[],
  sink: ManifestSink,
  apply: PriorityRef['apply'],
  inherit: { schedulerName?: string; priorityClassName?: { name: string; at: PathElement[] } } = {},
): PodScheduling {
  const tpl = (path.length === 0 ? m.value() : valueAt(m.value(), path)) as Obj | undefined;
  validateAgainst(m, tpl ?? {}, podSchedulingSchema, manifestRoot(), [...path]);
  const meta = ((tpl?.metadata as Obj | undefined) ?? {}) as Obj;
  const spec = ((tpl?.spec as Obj | undefined) ?? {}) as Obj;
  const own = spec.priorityClassName as string | undefined;
  sink.priorityRefs.push({
    className: own || inherit.priorityClassName?.name || '',
    priority: (spec.priority as number | undefined) ?? null,
    preemptionPolicy: (spec.preemptionPolicy as string | undefined) ?? null,
    where: (field) => {
      const at = field === 'priorityClassName' && !own && inherit.priorityClassName ? inherit.priorityClassName.at : [...path, 'spec', field];
      return { pos: m.at(at), path: formatPath(at) };
    },
    apply,
  });
  return {
    schedulerName: (spec.schedulerName as string | undefined) || inherit.schedulerName || 'default-scheduler',
    queue: ((meta.annotations as Record<string, string> | undefined) ?? {})[VOLCANO_QUEUE_ANNOTATION],
    labels: (meta.labels as Record<string, string> | undefined) ?? {},
  };
}

function valueAt(v: unknown, path: readonly PathElement[]): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** The pod priority a template's `apply` sets (the template object is the workload's own until the scenario is built). */
export function setPriority(t: PodTemplate): PriorityRef['apply'] {
  return (priority, preemptionPolicy) => {
    t.priority = priority;
    if (preemptionPolicy === 'Never') t.preemptionPolicy = 'Never';
  };
}

/**
 * The scheduling fields of the workloads one manifest of a kind with a pod template just added
 * (the readers in kubernetes.ts build them; this adds who schedules their pods and how they rank).
 */
export function addPodScheduling(m: YamlSource, o: Obj, added: readonly WorkloadSpec[], sink: ManifestSink): void {
  const at = POD_TEMPLATE_AT[`${o.apiVersion as string}/${o.kind as string}`];
  if (!at) return;
  for (const w of added) {
    const s = readPodScheduling(m, at, sink, setPriority(w.template));
    w.template.schedulerName = s.schedulerName;
    if (s.queue !== undefined) w.queue = s.queue;
    w.podLabels = Object.keys(s.labels).length ? s.labels : w.labels;
  }
}

/** scheduling.k8s.io/v1 PriorityClass: value, globalDefault, preemptionPolicy. */
function readPriorityClass(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
  validateAgainst(m, o, priorityClassSchema, manifestRoot());
  const name = (o.metadata as Obj).name as string;
  sink.priorityClasses[name] = {
    value: o.value as number,
    globalDefault: (o.globalDefault as boolean | undefined) ?? false,
    preemptionPolicy: (o.preemptionPolicy as 'Never' | 'PreemptLowerPriority' | undefined) ?? 'PreemptLowerPriority',
  };
}

const intOrPercent: JsonSchema = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+%$' }] };

const pdbSchema: JsonSchema = {
  type: 'object',
  required: ['metadata', 'spec'],
  properties: {
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string', minLength: 1 } } },
    spec: {
      type: 'object',
      // The scenario schema's label selector (as a resource selector's).
      properties: { minAvailable: intOrPercent, maxUnavailable: intOrPercent, selector: scenarioSchema.$defs!.resourceSelector.properties!.labelSelector },
    },
  },
};

/** policy/v1 PodDisruptionBudget: taken to exist in every member cluster, as a PodDisruptionBudget propagated with its workload would. */
function readPodDisruptionBudget(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, pdbSchema, manifestRoot());
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    m.fail(['spec', 'maxUnavailable'], 'minAvailable or maxUnavailable, not both (the API server rejects a PodDisruptionBudget with both)', spec.maxUnavailable);
  }
  sink.pdbs.push({
    name: meta.name as string,
    namespace: (meta.namespace as string | undefined) ?? 'default',
    selector: (spec.selector as LabelSelector | undefined) ?? {},
    ...(spec.minAvailable !== undefined ? { minAvailable: spec.minAvailable as number | string } : {}),
    ...(spec.maxUnavailable !== undefined ? { maxUnavailable: spec.maxUnavailable as number | string } : {}),
    source,
  });
  note(sink, m, ['spec'], objectName('PodDisruptionBudget', (meta.namespace as string | undefined) ?? 'default', meta.name as string), 'only kube-scheduler\'s preemption respects it: drains, failover and Volcano\'s evictions do not (taken to exist in every member)');
}

export const podSchedulingReaders: ManifestReader[] = [
  { accepts: (_v, g, k) => k === 'PriorityClass' && g === 'scheduling.k8s.io', read: readPriorityClass },
  { accepts: (v, _g, k) => k === 'PodDisruptionBudget' && v === 'policy/v1', read: readPodDisruptionBudget },
];
