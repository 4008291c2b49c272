import { validateAgainst } from '../json-schema.js';
import { podShape, template as makeTemplate, type TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import { queueFromObj } from '../volcano-queues.js';
import type { JobSpec, LifecyclePolicy, TaskTemplate } from '../types.js';
import { annotationDuration, jobRunTime, note, notePodFields, objectName, type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { readPodScheduling, setPriority } from './pod-scheduling.js';
import { manifestRoot, volcanoJobSchema, volcanoQueueManifestSchema } from './schemas.js';

/** Volcano: scheduling.volcano.sh Queue, batch.volcano.sh Job. */

/** Queue (scheduling.volcano.sh/v1beta1): exists in every Volcano member. */
function readQueue(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
  validateAgainst(m, o, volcanoQueueManifestSchema, manifestRoot());
  const spec = ((o.spec as Obj | undefined) ?? {}) as Obj;
  sink.queues.push(queueFromObj({ name: (o.metadata as Obj).name, ...spec }));
}

/**
 * A Volcano Job (`batch.volcano.sh/v1alpha1`): one workload of several pod templates, one per
 * task (`tasks`), with Volcano's defaults (the mutating webhook, mutate_job.go): queue "default",
 * schedulerName "volcano", a task's minAvailable its replicas, the job's minAvailable the sum of
 * the tasks'. The job is one PodGroup: the job-level gang (`minAvailable` across the tasks) with
 * each task's `minAvailable` as its minTaskMember, `dependsOn` between tasks, the PodGroup
 * priority from `spec.priorityClassName`, each pod's from its template's class or else the
 * job's. What the validating webhook checks is kept for the member that creates the job
 * (batch/volcano/admission.ts). Run time: annotation `fleetsim.io/duration`, else
 * `defaults.jobDuration`, as for batch/v1 Jobs.
 */
function readVolcanoJob(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const name = meta.name as string;
  const namespace = (meta.namespace as string | undefined) ?? 'default';
  const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
  const labels = (meta.labels as Record<string, string> | undefined) ?? {};
  const duration = jobRunTime(m, ann, ctx, { apiVersion: o.apiVersion as string, kind: 'Job', namespace, name, labels }, sink);
  const schedulerName = (spec.schedulerName as string | undefined) || 'volcano';
  const jobClass = spec.priorityClassName ? { name: spec.priorityClassName as string, at: ['spec', 'priorityClassName'] } : undefined;
  const startup = annotationDuration(m, ann, 'fleetsim.io/startup', []);
  const tasks: TaskTemplate[] = (spec.tasks as Obj[]).map((t, i) => {
    const podSpec = (t.template as Obj).spec as Obj;
    const shape = podShape(podSpec, ['spec', 'tasks', i, 'template', 'spec'], (path, expected, found) => m.fail(path, expected, found));
    const template = makeTemplate(ctx, { ...shape, imageSize: null, startup, priority: (podSpec.priority as number | undefined) ?? 0 });
    const pod = readPodScheduling(m, ['spec', 'tasks', i, 'template'], sink, setPriority(template), { schedulerName, ...(jobClass ? { priorityClassName: jobClass } : {}) });
    template.schedulerName = pod.schedulerName;
    const dep = t.dependsOn as { name?: string[]; iteration?: string } | undefined;
    return {
      // The mutating webhook names an unnamed task "default<index>".
      name: (t.name as string | undefined) || `default${i}`,
      replicas: (t.replicas as number | undefined) ?? 1,
      minAvailable: (t.minAvailable as number | undefined) ?? null,
      template,
      dependsOn: dep?.name?.length ? { names: dep.name, any: dep.iteration === 'any' } : null,
    };
  });
  const total = tasks.reduce((n, t) => n + t.replicas, 0);
  const written = (spec.minAvailable as number | undefined) ?? 0;
  const minAvailable = written > 0 ? written : tasks.reduce((n, t) => n + (t.minAvailable ?? t.replicas), 0);
  const queue = (spec.queue as string | undefined) || 'default';
  const job: JobSpec = {
    kind: 'Job',
    apiVersion: 'batch.volcano.sh/v1alpha1',
    name,
    namespace,
    uid: `${namespace}/vcjob/${name}`,
    labels,
    arrival: annotationDuration(m, ann, 'fleetsim.io/at', []) ?? 0,
    template: tasks[0].template,
    tasks,
    // Overrides patch the manifest; each task's pod template is read from its own path (control/override.ts).
    manifest: { object: o, podPath: ['spec', 'tasks', 0, 'template', 'spec'] },
    policy: null,
    placement: null,
    kurator: null,
    source,
    parallelism: total,
    completions: total,
    // A job asking for more than it has is refused by the member's webhook; the gang is bounded here.
    minAvailable: Math.max(1, Math.min(minAvailable, total)),
    queue,
    duration,
    arrivals: null,
    volcanoJob: {
      name,
      queue,
      minAvailable: written,
      tasks: (spec.tasks as Obj[]).map((t, i) => ({
        name: tasks[i].name,
        replicas: tasks[i].replicas,
        minAvailable: tasks[i].minAvailable,
        policies: (t.policies as LifecyclePolicy[] | undefined) ?? [],
        dependsOn: tasks[i].dependsOn?.names ?? [],
      })),
      policies: (spec.policies as LifecyclePolicy[] | undefined) ?? [],
      plugins: Object.fromEntries(Object.entries((spec.plugins as Obj | undefined) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : []])),
    },
  };
  // The PodGroup's priority: its class (the job's), else the default priority.
  sink.priorityRefs.push({
    className: jobClass?.name ?? '',
    priority: null,
    preemptionPolicy: null,
    where: () => ({ pos: m.at(['spec', 'priorityClassName']), path: 'spec.priorityClassName' }),
    apply: (value) => {
      job.podGroupPriority = value;
    },
  });
  sink.workloads.push(job);
  const object = objectName('Job', namespace, name);
  (spec.tasks as Obj[]).forEach((_t, i) => notePodFields(sink, m, o, ['spec', 'tasks', i, 'template', 'spec'], object));
  noteJobFields(sink, m, spec, object);
}

/** Volcano Job fields that change nothing fleetsim simulates (its pods never fail, no services run). */
const JOB_FIELDS_NOT_MODELLED = ['policies', 'plugins', 'volumes', 'maxRetry', 'ttlSecondsAfterFinished', 'minSuccess', 'runningEstimate', 'networkTopology'];
const TASK_FIELDS_NOT_MODELLED = ['policies', 'maxRetry', 'topologyPolicy', 'partitionPolicy'];

function noteJobFields(sink: ManifestSink, m: YamlSource, spec: Obj, object: string): void {
  const fields = JOB_FIELDS_NOT_MODELLED.filter((f) => spec[f] !== undefined).map((f) => `spec.${f}`);
  (spec.tasks as Obj[]).forEach((t, i) => {
    for (const f of TASK_FIELDS_NOT_MODELLED) if (t[f] !== undefined) fields.push(`spec.tasks[${i}].${f}`);
  });
  if (fields.length) {
    note(sink, m, ['spec'], object, `not modelled: ${fields.join(', ')} (pods never fail, restart or run services here; Volcano's webhook still checks the policies and plugins)`);
  }
}

/** Job (batch.volcano.sh/v1alpha1). */
function readVolcanoJobManifest(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, volcanoJobSchema, manifestRoot());
  readVolcanoJob(m, o, ctx, sink, source);
}

export const volcanoReaders: ManifestReader[] = [
  { accepts: (_v, g, k) => k === 'Queue' && g === 'scheduling.volcano.sh', read: readQueue },
  { accepts: (_v, g, k) => k === 'Job' && g === 'batch.volcano.sh', read: readVolcanoJobManifest },
];
