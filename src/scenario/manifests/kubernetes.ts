import { CronSyntaxError, parseCronSchedule } from '../../batch/cron-schedule.js';
import { validateAgainst, type JsonSchema } from '../json-schema.js';
import type { TemplateContext } from '../pod-template.js';
import type { PathElement, YamlSource } from '../source.js';
import { podNodeSelection } from '../pod-template.js';
import type { CronJobSchedule, DeploymentSpec, JobSpec } from '../types.js';
import {
  annotationsOf, at, jobRunTime, manifestBase, note, notePodFields, objectName, type ManifestReader, type ManifestSink, type Obj,
} from './common.js';
import {
  cronJobSchema, daemonSetSchema, deploymentSchema, jobSchema, manifestRoot, podSchema, replicaSetSchema, statefulSetSchema,
} from './schemas.js';

/**
 * Kubernetes workloads as `kubectl apply` takes them: apps/v1 Deployment, ReplicaSet,
 * StatefulSet, DaemonSet; v1 Pod and ReplicationController; batch/v1 Job and CronJob. Each
 * becomes the workload fleetsim runs it as (a Deployment keeps its pods running, a Job runs them
 * to completion) with its own kind kept for Karmada. PriorityClass, PodDisruptionBudget and the
 * pods' scheduling fields: pod-scheduling.ts.
 */

const TEMPLATE: PathElement[] = ['spec', 'template'];
const POD: PathElement[] = ['spec', 'template', 'spec'];

/** Deployment, ReplicaSet, ReplicationController, StatefulSet: `replicas` pods from `spec.template`. */
function replicated(kind: string, apiVersion: string, schema: JsonSchema) {
  return (m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void => {
    validateAgainst(m, o, schema, manifestRoot());
    const ann = annotationsOf(o, TEMPLATE);
    const base = manifestBase(m, o, POD, ann, ctx, source);
    const spec = o.spec as Obj;
    const dep: DeploymentSpec = {
      kind: 'Deployment',
      apiVersion,
      uid: `${base.namespace}/${kind}/${base.name}`,
      ...(kind !== 'Deployment' ? { resourceKind: kind } : {}),
      ...base,
      replicas: (spec.replicas as number | undefined) ?? 1,
    };
    if (kind === 'StatefulSet' && spec.podManagementPolicy !== 'Parallel') dep.controller = 'ordered';
    sink.workloads.push(dep);
    const name = objectName(kind, base.namespace, base.name);
    if (kind === 'StatefulSet' && spec.volumeClaimTemplates !== undefined) note(sink, m, ['spec', 'volumeClaimTemplates'], name, 'not modelled: spec.volumeClaimTemplates (volumes bind at once, anywhere)');
    if (typeof spec.minReadySeconds === 'number' && spec.minReadySeconds > 0) note(sink, m, ['spec', 'minReadySeconds'], name, 'not modelled: spec.minReadySeconds (a pod counts as available once Ready)');
    notePodFields(sink, m, o, POD, name);
  };
}

/** apps/v1 DaemonSet: one pod on every node its template's node selection matches, in each member it reaches. */
function readDaemonSet(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, daemonSetSchema, manifestRoot());
  const ann = annotationsOf(o, TEMPLATE);
  const base = manifestBase(m, o, POD, ann, ctx, source);
  const podSpec = at(o, POD) as Obj;
  sink.workloads.push({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    resourceKind: 'DaemonSet',
    uid: `${base.namespace}/DaemonSet/${base.name}`,
    ...base,
    replicas: 0,
    controller: 'daemon',
    daemon: podNodeSelection(podSpec) ?? { nodeSelector: {}, nodeSelectorTerms: null, tolerations: [] },
  });
  // Its pods are bound to their node: a preference among nodes changes nothing.
  notePodFields(sink, m, o, POD, objectName('DaemonSet', base.namespace, base.name), ['affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution']);
}

/**
 * v1 Pod: one pod, never re-created when lost. With restartPolicy Always (the default) it runs
 * until the end; with Never or OnFailure it runs to completion, for a Job's run time.
 */
function readPod(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, podSchema, manifestRoot());
  const ann = annotationsOf(o, null);
  const base = manifestBase(m, o, ['spec'], ann, ctx, source);
  const spec = o.spec as Obj;
  const uid = `${base.namespace}/Pod/${base.name}`;
  const name = objectName('Pod', base.namespace, base.name);
  if (spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure') {
    sink.workloads.push({
      kind: 'Job',
      apiVersion: 'v1',
      resourceKind: 'Pod',
      uid,
      ...base,
      parallelism: 1,
      completions: 1,
      minAvailable: 1,
      controller: 'bare',
      duration: jobRunTime(m, ann, ctx, { apiVersion: 'v1', kind: 'Pod', namespace: base.namespace, name: base.name, labels: base.labels }, sink),
      arrivals: null,
    });
  } else {
    sink.workloads.push({ kind: 'Deployment', apiVersion: 'v1', resourceKind: 'Pod', uid, ...base, replicas: 1, controller: 'bare' });
  }
  notePodFields(sink, m, o, ['spec'], name);
}

/** The parts of a batch/v1 JobSpec at `path` (a Job's `spec`, a CronJob's `spec.jobTemplate.spec`). */
function jobParts(m: YamlSource, o: Obj, path: PathElement[]) {
  const spec = at(o, path) as Obj;
  const ann = annotationsOf(o, [...path, 'template']);
  const parallelism = (spec.parallelism as number | undefined) ?? 1;
  // Karmada's interpreter caps parallelism at completions (native/replica.go jobReplica).
  const completions = (spec.completions as number | undefined) ?? parallelism;
  let minAvailable = 1;
  if (ann['fleetsim.io/min-available'] !== undefined) {
    minAvailable = Number(ann['fleetsim.io/min-available']);
    if (!Number.isInteger(minAvailable) || minAvailable < 1 || minAvailable > parallelism) {
      m.fail(['metadata', 'annotations', 'fleetsim.io/min-available'], `an integer from 1 to parallelism (${parallelism})`, ann['fleetsim.io/min-available']);
    }
  }
  return { spec, ann, parallelism, completions, minAvailable, suspend: spec.suspend === true };
}

/** Job-level fields that change when a Job ends but that fleetsim does not model (its pods never fail). */
function noteJobFields(sink: ManifestSink, m: YamlSource, spec: Obj, path: PathElement[], name: string): void {
  const fields = ['successPolicy', 'podFailurePolicy', 'activeDeadlineSeconds', 'backoffLimitPerIndex'].filter((f) => spec[f] !== undefined);
  if (fields.length) note(sink, m, path, name, `not modelled: ${fields.map((f) => [...path, f].join('.')).join(', ')} (pods always succeed after their run time)`);
  if (spec.suspend === true) note(sink, m, [...path, 'suspend'], name, 'spec.suspend is true: the Job creates no pods');
}

/** batch/v1 Job: parallelism, completions; run time from the annotation or `defaults.jobDuration`; gang size from an annotation. */
function readJob(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, jobSchema, manifestRoot());
  const p = jobParts(m, o, ['spec']);
  const base = manifestBase(m, o, POD, p.ann, ctx, source);
  const job: JobSpec = {
    kind: 'Job',
    apiVersion: 'batch/v1',
    uid: `${base.namespace}/Job/${base.name}`,
    ...base,
    parallelism: p.parallelism,
    completions: p.completions,
    minAvailable: p.minAvailable,
    ...(p.suspend ? { suspend: true } : {}),
    duration: jobRunTime(m, p.ann, ctx, { apiVersion: 'batch/v1', kind: 'Job', namespace: base.namespace, name: base.name, labels: base.labels }, sink),
    arrivals: null,
  };
  sink.workloads.push(job);
  const name = objectName('Job', base.namespace, base.name);
  noteJobFields(sink, m, p.spec, ['spec'], name);
  notePodFields(sink, m, o, POD, name);
}

/**
 * batch/v1 CronJob: in each member it reaches, its controller creates a Job from `jobTemplate` at
 * every time the schedule names (in `timeZone`), as `concurrencyPolicy` allows, unless suspended.
 */
function readCronJob(m: YamlSource, o: Obj, ctx: TemplateContext, sink: ManifestSink, source: string): void {
  validateAgainst(m, o, cronJobSchema, manifestRoot());
  const spec = o.spec as Obj;
  const jobPath: PathElement[] = ['spec', 'jobTemplate', 'spec'];
  const p = jobParts(m, o, jobPath);
  const jobMeta = ((spec.jobTemplate as Obj).metadata as Obj | undefined) ?? {};
  const ann = { ...((jobMeta.annotations as Record<string, string> | undefined) ?? {}), ...p.ann };
  const podPath = [...jobPath, 'template', 'spec'];
  const base = manifestBase(m, o, podPath, ann, ctx, source);
  const timeZone = (spec.timeZone as string | undefined) ?? null;
  let zoneInText = false;
  try {
    zoneInText = parseCronSchedule(spec.schedule as string, timeZone).zoneInText;
  } catch (e) {
    if (!(e instanceof CronSyntaxError)) throw e;
    const zoneProblem = timeZone !== null && e.message === `unknown time zone ${timeZone}`;
    if (zoneProblem) m.fail(['spec', 'timeZone'], 'a time zone of the IANA database (like "Etc/UTC" or "Europe/Berlin")', timeZone);
    m.fail(['spec', 'schedule'], `a cron schedule (5 fields like "*/5 * * * *", or @hourly, @daily...): ${e.message}`, spec.schedule);
  }
  // The API server refuses TZ= in the schedule together with spec.timeZone (batch validation).
  if (zoneInText && timeZone !== null) m.fail(['spec', 'schedule'], 'a schedule without TZ= or CRON_TZ= when spec.timeZone is set', spec.schedule);
  const cron: CronJobSchedule = {
    schedule: spec.schedule as string,
    timeZone,
    concurrencyPolicy: (spec.concurrencyPolicy as CronJobSchedule['concurrencyPolicy'] | undefined) ?? 'Allow',
    suspend: spec.suspend === true,
    startingDeadlineSeconds: (spec.startingDeadlineSeconds as number | undefined) ?? null,
  };
  const labels = { ...base.labels, ...((jobMeta.labels as Record<string, string> | undefined) ?? {}) };
  sink.workloads.push({
    kind: 'Job',
    apiVersion: 'batch/v1',
    resourceKind: 'CronJob',
    uid: `${base.namespace}/CronJob/${base.name}`,
    ...base,
    parallelism: p.parallelism,
    completions: p.completions,
    minAvailable: p.minAvailable,
    ...(p.suspend ? { suspend: true } : {}),
    duration: jobRunTime(m, ann, ctx, { apiVersion: 'batch/v1', kind: 'CronJob', namespace: base.namespace, name: base.name, labels }, sink),
    arrivals: null,
    cron,
  });
  const name = objectName('CronJob', base.namespace, base.name);
  if (zoneInText) note(sink, m, ['spec', 'schedule'], name, 'the time zone is set in the schedule (TZ=): Kubernetes accepts it with a warning; use spec.timeZone');
  if (cron.suspend) note(sink, m, ['spec', 'suspend'], name, 'spec.suspend is true: no Jobs are created');
  noteJobFields(sink, m, p.spec, jobPath, name);
  notePodFields(sink, m, o, podPath, name);
}

export const kubernetesReaders: ManifestReader[] = [
  { accepts: (v, _g, k) => k === 'Deployment' && v === 'apps/v1', read: replicated('Deployment', 'apps/v1', deploymentSchema) },
  { accepts: (v, _g, k) => k === 'ReplicaSet' && v === 'apps/v1', read: replicated('ReplicaSet', 'apps/v1', replicaSetSchema) },
  { accepts: (v, _g, k) => k === 'ReplicationController' && v === 'v1', read: replicated('ReplicationController', 'v1', replicaSetSchema) },
  { accepts: (v, _g, k) => k === 'StatefulSet' && v === 'apps/v1', read: replicated('StatefulSet', 'apps/v1', statefulSetSchema) },
  { accepts: (v, _g, k) => k === 'DaemonSet' && v === 'apps/v1', read: readDaemonSet },
  { accepts: (v, _g, k) => k === 'Pod' && v === 'v1', read: readPod },
  { accepts: (v, _g, k) => k === 'Job' && v === 'batch/v1', read: readJob },
  { accepts: (v, _g, k) => k === 'CronJob' && v === 'batch/v1', read: readCronJob },
];
