import { validateAgainst, type JsonSchema } from '../json-schema.js';
import type { TemplateContext } from '../pod-template.js';
import type { YamlSource } from '../source.js';
import { at, note, objectName, type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { manifestRoot, metadata } from './schemas.js';

/**
 * Volcano's PodGroup (scheduling.volcano.sh/v1beta1) made by hand: pods join it with the
 * annotation `scheduling.k8s.io/group-name` (volcano.sh/apis `KubeGroupNameAnnotationKey`). Its
 * queue becomes the queue of the workloads whose pods name it; its `minMember` becomes a Job's
 * gang (at most its parallelism). What fleetsim cannot follow is named: a gang over a
 * Deployment's pods (they are scheduled one by one here), `minResources`, a PodGroup no pod names.
 */

/** The pod annotation that puts a pod into a PodGroup. */
export const GROUP_NAME_ANNOTATION = 'scheduling.k8s.io/group-name';

const podGroupSchema: JsonSchema = {
  type: 'object',
  required: ['metadata'],
  properties: {
    metadata,
    spec: {
      type: 'object',
      properties: { minMember: { type: 'integer', minimum: 0 }, queue: { type: 'string', minLength: 1 }, priorityClassName: { type: 'string' }, minResources: { type: 'object' } },
    },
  },
};

function readPodGroup(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
  validateAgainst(m, o, podGroupSchema, manifestRoot());
  const meta = o.metadata as Obj;
  const spec = (o.spec as Obj | undefined) ?? {};
  const name = meta.name as string;
  const namespace = (meta.namespace as string | undefined) ?? 'default';
  const minMember = (spec.minMember as number | undefined) ?? 1;
  const label = objectName('PodGroup', namespace, name);
  if (spec.minResources !== undefined) note(sink, m, ['spec', 'minResources'], label, "not modelled: spec.minResources (Volcano's enqueue admits the group by its pods' requests here)");
  sink.afterRead.push(() => {
    const members = sink.workloads.filter((w) => {
      if (w.namespace !== namespace || !w.manifest) return false;
      const tpl = at(w.manifest.object, w.manifest.podPath.slice(0, -1)) as Obj | undefined;
      const ann = ((tpl?.metadata as Obj | undefined)?.annotations as Record<string, string> | undefined) ?? {};
      return ann[GROUP_NAME_ANNOTATION] === name;
    });
    if (members.length === 0) note(sink, m, ['metadata', 'name'], label, `no pod of the inputs names it (annotation ${GROUP_NAME_ANNOTATION}): it schedules nothing`);
    for (const w of members) {
      if (spec.queue !== undefined && w.queue === undefined) w.queue = spec.queue as string;
      if (w.kind === 'Job') w.minAvailable = Math.max(1, Math.min(minMember, w.parallelism));
      else if (minMember > 1) note(sink, m, ['spec', 'minMember'], label, `the gang of ${minMember} over ${objectName(w.resourceKind ?? w.kind, w.namespace, w.name)}'s pods is not modelled (its pods are scheduled one by one)`);
    }
  });
}

export const podGroupReaders: ManifestReader[] = [{ accepts: (_v, g, k) => k === 'PodGroup' && g === 'scheduling.volcano.sh', read: readPodGroup }];
