import { CronSyntaxError, parseCronSchedule } from '../../batch/cron-schedule.js';
import type { AutoscalerSpec, CronAutoscalerSpec, HpaMetric, TrafficScenario } from '../../traffic/spec.js';
import { federatedHpa as federatedHpaSpec } from '../../traffic/scenario-blocks.js';
import { validateAgainst, type JsonSchema } from '../json-schema.js';
import type { TemplateContext } from '../pod-template.js';
import type { PathElement, YamlSource } from '../source.js';
import { parseQuantity } from '../units.js';
import type { WorkloadSpec } from '../types.js';
import { note, objectName, type ManifestReader, type ManifestSink, type Obj } from './common.js';
import { manifestRoot, metadata } from './schemas.js';

/**
 * Karmada's autoscaling.karmada.io/v1alpha1 FederatedHPA and CronFederatedHPA manifests, onto the
 * scenario's `autoscalers:` model (traffic/spec.ts): a FederatedHPA's metrics are read from the
 * traffic model (CPU utilisation of the serving replicas, and a Pods metric as the requests per
 * second each pod serves); a CronFederatedHPA's rules set the target's replicas, or a
 * FederatedHPA's bounds, at their cron times (control/cron-hpa-controller.ts). Targets are
 * resolved once every file is read.
 */

const targetRef: JsonSchema = { type: 'object', required: ['kind', 'name'], properties: { apiVersion: { type: 'string' }, kind: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } } };

const federatedHpaSchema: JsonSchema = {
  type: 'object',
  required: ['metadata', 'spec'],
  properties: {
    metadata,
    spec: {
      type: 'object',
      required: ['scaleTargetRef', 'maxReplicas'],
      properties: {
        scaleTargetRef: targetRef,
        minReplicas: { type: 'integer', minimum: 1 },
        maxReplicas: { type: 'integer', minimum: 1 },
        metrics: { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } },
        behavior: {
          type: 'object',
          properties: Object.fromEntries(
            ['scaleUp', 'scaleDown'].map((d) => [
              d,
              {
                type: 'object',
                properties: {
                  stabilizationWindowSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
                  selectPolicy: { enum: ['Max', 'Min', 'Disabled'] },
                  policies: { type: 'array', items: { type: 'object', required: ['type', 'value', 'periodSeconds'], properties: { type: { enum: ['Pods', 'Percent'] }, value: { type: 'integer', minimum: 1 }, periodSeconds: { type: 'integer', minimum: 1, maximum: 1800 } } } },
                },
              },
            ]),
          ),
        },
      },
    },
  },
};

const cronFederatedHpaSchema: JsonSchema = {
  type: 'object',
  required: ['metadata', 'spec'],
  properties: {
    metadata,
    spec: {
      type: 'object',
      required: ['scaleTargetRef', 'rules'],
      properties: {
        scaleTargetRef: targetRef,
        rules: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['name', 'schedule'],
            properties: {
              name: { type: 'string', minLength: 1 },
              schedule: { type: 'string', minLength: 1 },
              timeZone: { type: 'string', minLength: 1 },
              suspend: { type: 'boolean' },
              targetReplicas: { type: 'integer', minimum: 0 },
              targetMinReplicas: { type: 'integer', minimum: 1 },
              targetMaxReplicas: { type: 'integer', minimum: 1 },
            },
          },
        },
      },
    },
  },
};

function readFederatedHpa(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
  validateAgainst(m, o, federatedHpaSchema, manifestRoot());
  sink.autoscalers.push({ kind: 'FederatedHPA', object: o, src: m });
}

function readCronFederatedHpa(m: YamlSource, o: Obj, _ctx: TemplateContext, sink: ManifestSink, _source: string): void {
  validateAgainst(m, o, cronFederatedHpaSchema, manifestRoot());
  ((o.spec as Obj).rules as Obj[]).forEach((r, i) => {
    try {
      parseCronSchedule(r.schedule as string, (r.timeZone as string | undefined) ?? null);
    } catch (e) {
      if (!(e instanceof CronSyntaxError)) throw e;
      if (r.timeZone !== undefined && e.message === `unknown time zone ${r.timeZone}`) m.fail(['spec', 'rules', i, 'timeZone'], 'a time zone of the IANA database (like "Etc/UTC" or "Asia/Shanghai")', r.timeZone);
      m.fail(['spec', 'rules', i, 'schedule'], `a cron schedule (5 fields like "*/5 * * * *", or @hourly, @daily...): ${e.message}`, r.schedule);
    }
  });
  sink.autoscalers.push({ kind: 'CronFederatedHPA', object: o, src: m });
}

export const federatedHpaReaders: ManifestReader[] = [
  { accepts: (_v, g, k) => k === 'FederatedHPA' && g === 'autoscaling.karmada.io', read: readFederatedHpa },
  { accepts: (_v, g, k) => k === 'CronFederatedHPA' && g === 'autoscaling.karmada.io', read: readCronFederatedHpa },
];

/** Kinds whose replicas a FederatedHPA can scale here (a scale subresource, and fleetsim keeps them running). */
const SCALABLE = ['Deployment', 'StatefulSet', 'ReplicaSet'];

/**
 * The autoscaler manifests as the scenario's `autoscalers:` entries, added to the traffic blocks
 * (made when the scenario has none). A target that is not in the scenario is a located error.
 */
export function withManifestAutoscalers(traffic: TrafficScenario | undefined, sink: ManifestSink): TrafficScenario | undefined {
  if (sink.autoscalers.length === 0) return traffic;
  const out: TrafficScenario = traffic ?? { traffic: { mode: 'fluid', step: 10 }, services: [], rollouts: [], autoscalers: [], cronAutoscalers: [] };
  const scalable = (w: WorkloadSpec) => w.kind === 'Deployment' && SCALABLE.includes(w.resourceKind ?? 'Deployment');
  for (const a of sink.autoscalers.filter((x) => x.kind === 'FederatedHPA')) {
    const spec = federatedHpa(a.src, a.object, sink, scalable, out);
    const other = out.autoscalers.find((x) => x.namespace === spec.namespace && x.workload === spec.workload);
    if (other) a.src.fail(['spec', 'scaleTargetRef', 'name'], `a workload no other FederatedHPA scales (${other.name}, ${other.source}, does)`, spec.workload);
    out.autoscalers.push(spec);
  }
  for (const a of sink.autoscalers.filter((x) => x.kind === 'CronFederatedHPA')) out.cronAutoscalers.push(cronFederatedHpa(a.src, a.object, sink, scalable, out));
  return out;
}

function target(m: YamlSource, o: Obj, sink: ManifestSink, ok: (w: WorkloadSpec) => boolean): WorkloadSpec {
  const ref = (o.spec as Obj).scaleTargetRef as Obj;
  const namespace = ((o.metadata as Obj).namespace as string | undefined) ?? 'default';
  const w = sink.workloads.find((x) => ok(x) && x.namespace === namespace && x.name === ref.name && (x.resourceKind ?? x.kind) === ref.kind);
  if (!w) {
    const names = sink.workloads.filter(ok).map((x) => `${x.resourceKind ?? x.kind} ${x.namespace}/${x.name}`);
    m.fail(['spec', 'scaleTargetRef', 'name'], `a ${SCALABLE.join(', ')} of the scenario in namespace ${namespace} (${names.join(', ') || 'none'})`, ref.name);
  }
  return w;
}

function federatedHpa(m: YamlSource, o: Obj, sink: ManifestSink, ok: (w: WorkloadSpec) => boolean, traffic: TrafficScenario): AutoscalerSpec {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const namespace = (meta.namespace as string | undefined) ?? 'default';
  const name = objectName('FederatedHPA', namespace, meta.name as string);
  const w = target(m, o, sink, ok);
  const minReplicas = (spec.minReplicas as number | undefined) ?? 1;
  const maxReplicas = spec.maxReplicas as number;
  if (maxReplicas < minReplicas) m.fail(['spec', 'maxReplicas'], `an integer >= minReplicas (${minReplicas})`, maxReplicas);
  const metrics: HpaMetric[] = [];
  ((spec.metrics as Obj[] | undefined) ?? []).forEach((mt, k) => {
    const path: PathElement[] = ['spec', 'metrics', k];
    const res = (mt.resource as Obj | undefined) ?? {};
    const resTarget = (res.target as Obj | undefined) ?? {};
    if (mt.type === 'Resource' && res.name === 'cpu' && resTarget.type === 'Utilization' && typeof resTarget.averageUtilization === 'number') {
      metrics.push({ type: 'cpu', averageUtilization: resTarget.averageUtilization });
      return;
    }
    const pods = (mt.pods as Obj | undefined) ?? {};
    const podsTarget = (pods.target as Obj | undefined) ?? {};
    if (mt.type === 'Pods' && podsTarget.type === 'AverageValue') {
      const v = parseQuantity(podsTarget.averageValue);
      if (v === null || !(v > 0)) m.fail([...path, 'pods', 'target', 'averageValue'], 'a quantity > 0 (like 40 or "500m")', podsTarget.averageValue);
      metrics.push({ type: 'rps', averageValue: v });
      const metricName = ((pods.metric as Obj | undefined)?.name as string | undefined) ?? '';
      if (metricName !== 'requests_per_second') note(sink, m, path, name, `the Pods metric ${JSON.stringify(metricName)} is read as the requests per second each ready pod serves (the traffic model's)`);
      return;
    }
    const what = mt.type === 'Resource' ? `Resource ${String(res.name)} ${String(resTarget.type)}` : String(mt.type);
    note(sink, m, path, name, `not modelled: the ${what} metric (fleetsim measures CPU utilisation and requests per second per pod)`);
  });
  if (!traffic.services.some((s) => s.namespace === w.namespace && s.workload === w.name)) {
    note(sink, m, ['spec', 'scaleTargetRef'], name, `no service in services: fronts ${w.namespace}/${w.name}, so it sees no metrics and only keeps its replicas within ${minReplicas}..${maxReplicas} (as a FederatedHPA without metrics does)`);
  }
  const pos = m.at([]);
  return federatedHpaSpec({
    name: meta.name as string,
    namespace,
    workload: w.name,
    minReplicas,
    maxReplicas,
    metrics,
    behavior: spec.behavior as Obj | undefined,
    source: `${pos.file}:${pos.line}`,
  });
}

function cronFederatedHpa(m: YamlSource, o: Obj, sink: ManifestSink, ok: (w: WorkloadSpec) => boolean, traffic: TrafficScenario): CronAutoscalerSpec {
  const meta = o.metadata as Obj;
  const spec = o.spec as Obj;
  const namespace = (meta.namespace as string | undefined) ?? 'default';
  const ref = spec.scaleTargetRef as Obj;
  let t: CronAutoscalerSpec['target'];
  if (ref.kind === 'FederatedHPA') {
    if (!traffic.autoscalers.some((a) => a.namespace === namespace && a.name === ref.name)) {
      m.fail(['spec', 'scaleTargetRef', 'name'], `a FederatedHPA of the scenario in namespace ${namespace} (${traffic.autoscalers.map((a) => `${a.namespace}/${a.name}`).join(', ') || 'none'})`, ref.name);
    }
    t = { kind: 'FederatedHPA', name: ref.name as string };
  } else {
    t = { kind: 'Deployment', name: target(m, o, sink, ok).name };
  }
  const pos = m.at([]);
  return {
    kind: 'CronFederatedHPA',
    name: meta.name as string,
    namespace,
    target: t,
    rules: (spec.rules as Obj[]).map((r, i) => {
      // Karmada's webhook (pkg/webhook/cronfederatedhpa/validating.go): a rule sets what its target has.
      if (t.kind === 'FederatedHPA') {
        if (r.targetMinReplicas === undefined && r.targetMaxReplicas === undefined) m.fail(['spec', 'rules', i, 'targetMaxReplicas'], 'targetMinReplicas or targetMaxReplicas (the target is a FederatedHPA)', undefined);
        if (((r.targetMinReplicas as number | undefined) ?? 1) > ((r.targetMaxReplicas as number | undefined) ?? Infinity)) m.fail(['spec', 'rules', i, 'targetMinReplicas'], `an integer <= targetMaxReplicas (${r.targetMaxReplicas})`, r.targetMinReplicas);
      } else if (r.targetReplicas === undefined) {
        m.fail(['spec', 'rules', i, 'targetReplicas'], `targetReplicas (the target is a ${String(ref.kind)})`, undefined);
      }
      return {
        name: r.name as string,
        schedule: r.schedule as string,
        timeZone: (r.timeZone as string | undefined) ?? null,
        suspend: r.suspend === true,
        targetReplicas: (r.targetReplicas as number | undefined) ?? null,
        targetMinReplicas: (r.targetMinReplicas as number | undefined) ?? null,
        targetMaxReplicas: (r.targetMaxReplicas as number | undefined) ?? null,
      };
    }),
    source: `${pos.file}:${pos.line}`,
  };
}
