import { validateAgainst } from '../json-schema.js';
import { template, type TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import { queueFromObj } from '../volcano-queues.js';
import { annotationDuration, requestsOf, runTimeAnnotation, type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { manifestRoot, volcanoJobSchema, volcanoQueueManifestSchema } from './schemas.js';

/** Volcano: scheduling.volcano.sh Queue, batch.volcano.sh Job. */

/** Queue (scheduling.volcano.sh/v1beta1): exists in every Volcano member. */
function readQueue(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
  validateAgainst(m, o, volcanoQueueManifestSchema, manifestRoot());
  const spec = ((o.spec as Obj | undefined) ?? {}) as Obj;
  sink.queues.push(queueFromObj({ name: (o.metadata as Obj).name, ...spec }));
}

/**
 * A Volcano Job (`batch.volcano.sh/v1alpha1`): its tasks become one Job workload when they ask for
 * the same resources (replicas summed, gang = `minAvailable`); tasks that differ become one Job
 * workload each, with the task's `minAvailable` (or its replicas) as its own gang — fleetsim models
 * one pod template per workload, so a mixed gang (e.g. ps + workers) is approximated per task.
 * Run time: annotation `fleetsim.io/duration`, as for batch/v1 Jobs.
 */
function readVolcanoJob(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const name = meta.name as string;
  const namespace = (meta.namespace as string | undefined) ?? 'default';
  const ann = (meta.annotations as Record<string, string> | undefined) ?? {};
  const duration = runTimeAnnotation(m, ann, ctx);
  const tasks = spec.tasks as Obj[];
  const parts = tasks.map((t, i) => {
    const tpl = t.template as Obj;
    const podSpec = tpl.spec as Obj;
    const containers = podSpec.containers as Obj[];
    const req = requestsOf(m, containers, ['spec', 'tasks', i, 'template', 'spec', 'containers']);
    return { name: (t.name as string | undefined) ?? `task${i}`, replicas: (t.replicas as number | undefined) ?? 1, minAvailable: t.minAvailable as number | undefined, image: containers[0].image as string, req, priority: (podSpec.priority as number | undefined) ?? 0 };
  });
  const total = parts.reduce((s, p) => s + p.replicas, 0);
  const minAvailable = (spec.minAvailable as number | undefined) ?? total;
  if (minAvailable > total) m.fail(['spec', 'minAvailable'], `an integer <= the tasks' replicas (${total})`, minAvailable);
  const same = parts.every((p) => JSON.stringify(p.req) === JSON.stringify(parts[0].req) && p.image === parts[0].image);
  const groups = same ? [{ ...parts[0], name, replicas: total, minAvailable }] : parts.map((p) => ({ ...p, name: `${name}-${p.name}`, minAvailable: p.minAvailable ?? p.replicas }));
  for (const g of groups) {
    sink.workloads.push({
      kind: 'Job',
      apiVersion: 'batch.volcano.sh/v1alpha1',
      name: g.name,
      namespace,
      uid: `${namespace}/vcjob/${g.name}`,
      labels: (meta.labels as Record<string, string> | undefined) ?? {},
      arrival: annotationDuration(m, ann, 'fleetsim.io/at', []) ?? 0,
      template: template(ctx, { image: g.image, imageSize: null, startup: annotationDuration(m, ann, 'fleetsim.io/startup', []), ...g.req, priority: g.priority }),
      policy: null,
      placement: null,
      kurator: null,
      source,
      parallelism: g.replicas,
      completions: g.replicas,
      minAvailable: Math.max(1, Math.min(g.minAvailable ?? g.replicas, g.replicas)),
      ...(spec.queue ? { queue: spec.queue as string } : {}),
      duration,
      arrivals: null,
    });
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
