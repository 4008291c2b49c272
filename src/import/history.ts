import type { DistributionSpec } from '../kernel/index.js';
import type { OpenbPod } from '../trace/openb.js';
import { sanitize } from './layout.js';
import type { ImportedPod } from './pods.js';
import { empiricalOf } from './state.js';

/**
 * A cluster's history as a workload: pods with creation, start and finish times (from the dump's
 * Pods, or an openb pod CSV of ../shared/traces/openb-fgd-atc23), turned into either
 *
 * - a replay (`--replay`): the recorded arrivals and run times once more, from t = 0 (the dump),
 *   each pod at its offset from the first recorded arrival, running as long as it ran. Written as
 *   an openb-format pod CSV beside the scenario and replayed by the cluster's `trace:` block
 *   (src/trace/openb-scenario.ts, mode replay): bare pods created in that cluster; or
 * - a fitted model (`--fit`): per workload owner (or per kind, for owners with few pods; per GPU
 *   class and QoS for an openb CSV), a Job stream whose arrival rate is the scenario's `diurnal`
 *   form fitted to the arrivals' hour of day, with the pods' run times as an `empirical`
 *   distribution and the group's most common requests: a sweep scales it with
 *   `--set 'workloads[i].arrivals.rate.mean=...'`.
 *
 * Only batch pods are history (Jobs, CronJobs, Volcano Jobs, PodGroups, bare pods): a service's
 * pods (Deployment, StatefulSet, DaemonSet) are the warm start, not arrivals.
 */
export interface HistoryPod {
  /** The fit's group: an owner (`namespace/Kind/name`), a kind (`namespace/Kind`), or an openb class. */
  group: string;
  namespace: string;
  name: string;
  cpuMillis: number;
  memoryMiB: number;
  gpus: number;
  /** Milli-GPU of each GPU (1000 for whole GPUs). */
  gpuMilli: number;
  gpuModels: readonly string[];
  qos: 'LS' | 'BE' | 'Burstable' | 'Guaranteed' | null;
  phase: string;
  /** Seconds: Unix time for a dump's pods, seconds from the trace's start for openb. */
  created: number;
  scheduled: number;
  /** When it ended (or the dump was taken, for a pod still running or waiting). */
  ended: number;
}

export interface ClusterHistory {
  cluster: string;
  /** 'unix': times are Unix seconds (a dump); 'trace': seconds from the trace's start (openb). */
  clock: 'unix' | 'trace';
  pods: HistoryPod[];
  /** Where it came from, for the scenario's comments. */
  sources: string[];
}

/** Owners with at least this many recorded pods are fitted on their own; the others by kind. */
const OWN_GROUP_MIN = 20;

const QOS_OF: Record<string, HistoryPod['qos']> = { Guaranteed: 'Guaranteed', Burstable: 'Burstable', BestEffort: 'BE' };

/** History pods of a dump: batch and bare pods with a creation time. `top` gives each pod's top controller. */
export function dumpHistory(pods: readonly ImportedPod[], top: (p: ImportedPod) => { kind: string; name: string }, takenAt: number): HistoryPod[] {
  const out: (HistoryPod & { owner: string; kindKey: string })[] = [];
  for (const p of pods) {
    if (Number.isNaN(p.created)) continue;
    const t = top(p);
    if (t.kind === 'Deployment' || t.kind === 'ReplicaSet' || t.kind === 'StatefulSet' || t.kind === 'DaemonSet' || t.kind === 'StaticPod') continue;
    const scheduled = Number.isNaN(p.started) || p.node === null ? NaN : Math.max(p.created, p.started);
    const end = p.phase === 'Succeeded' || p.phase === 'Failed' ? (Number.isNaN(p.finished) ? takenAt : p.finished) : takenAt;
    if (!(end >= p.created)) continue;
    out.push({
      group: '',
      owner: `${p.namespace}/${t.kind}/${t.kind === 'Pod' ? '' : t.name}`,
      kindKey: `${p.namespace}/${t.kind}`,
      namespace: p.namespace,
      name: `${p.namespace}/${p.name}`,
      cpuMillis: p.cpuMillis,
      memoryMiB: p.memoryMiB,
      gpus: p.gpus,
      gpuMilli: p.gpus > 0 ? 1000 : 0,
      gpuModels: [],
      qos: QOS_OF[p.qosClass] ?? null,
      phase: p.phase,
      created: p.created,
      scheduled: Number.isNaN(scheduled) ? NaN : Math.min(scheduled, end),
      ended: end,
    });
  }
  const perOwner = new Map<string, number>();
  for (const h of out) perOwner.set(h.owner, (perOwner.get(h.owner) ?? 0) + 1);
  return out.map(({ owner, kindKey, ...h }) => ({ ...h, group: (perOwner.get(owner) ?? 0) >= OWN_GROUP_MIN ? owner : kindKey }));
}

/** History pods of an openb pod CSV (its times are seconds from the trace's start). */
export function openbHistory(pods: readonly OpenbPod[]): HistoryPod[] {
  const out: HistoryPod[] = [];
  for (const p of pods) {
    if (p.creationTime === null || p.deletionTime === null) continue;
    const cls = p.numGpu === 0 ? 'cpu' : p.gpuMilli < 1000 ? 'gpu-share' : `gpu-${p.numGpu}`;
    out.push({
      group: `openb/${cls}/${(p.qos ?? 'any').toLowerCase()}`,
      namespace: 'openb',
      name: p.name,
      cpuMillis: p.cpuMilli,
      memoryMiB: p.memoryMib,
      gpus: p.numGpu,
      gpuMilli: p.gpuMilli,
      gpuModels: p.gpuSpec,
      qos: p.qos,
      phase: p.phase ?? 'Succeeded',
      created: p.creationTime,
      scheduled: p.scheduledTime ?? NaN,
      ended: p.deletionTime,
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Replay

const CSV_HEADER = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

/** The history as an openb pod CSV, times from `origin` on (seconds), in arrival order. */
export function replayCsv(pods: readonly HistoryPod[], origin: number): string {
  const rows = [...pods].sort((a, b) => a.created - b.created || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const t = (x: number): string => String(Math.round((x - origin) * 1000) / 1000);
  const lines = rows.map((p) =>
    [
      csvField(p.name),
      p.cpuMillis,
      p.memoryMiB,
      p.gpus,
      p.gpus > 0 ? p.gpuMilli : 0,
      csvField(p.gpuModels.join('|')),
      p.qos ?? 'BE',
      ['Running', 'Succeeded', 'Failed', 'Pending'].includes(p.phase) ? p.phase : 'Running',
      t(p.created),
      t(Math.max(p.ended, p.created)),
      Number.isNaN(p.scheduled) ? '' : t(Math.min(Math.max(p.scheduled, p.created), p.ended)),
    ].join(','),
  );
  return `${CSV_HEADER}\n${lines.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// ------------------------------------------------------------------------------------------------
// Fit

export interface FittedStream {
  group: string;
  workload: Record<string, unknown>;
  /** Arrivals and run times it was fitted to, and per hour of day the arrivals (for the comment). */
  arrivals: number;
  runTimes: number;
  perHour: number[];
}

const DAY = 86400;

/**
 * The diurnal rate of a list of arrival times: mean = arrivals ÷ span; amplitude and phase from the
 * first harmonic of the arrivals' time of day (least squares for mean · (1 + a cos(2π(t − peak)/day))).
 * `dayOffset`: the time of day (s) of t = 0 in the simulation; with less than a day of history the
 * time of day cannot be told apart from a trend, and the rate is flat (amplitude 0).
 */
export function fitDiurnal(times: readonly number[], dayOffset: number): { mean: number; amplitude: number; peakAt: number; span: number; perHour: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const span = Math.max(hi - lo, 3600);
  const perHour = new Array<number>(24).fill(0);
  let a = 0;
  let b = 0;
  for (const t of times) {
    const sod = (((t % DAY) + DAY) % DAY);
    perHour[Math.floor(sod / 3600)]++;
    a += Math.cos((2 * Math.PI * sod) / DAY);
    b += Math.sin((2 * Math.PI * sod) / DAY);
  }
  const n = times.length;
  const mean = n / span;
  if (hi - lo < DAY) return { mean, amplitude: 0, peakAt: 0, span, perHour };
  const amplitude = Math.min(1, (2 * Math.hypot(a, b)) / n);
  const peakSod = ((Math.atan2(b, a) / (2 * Math.PI)) * DAY + DAY) % DAY;
  const peakAt = Math.round(((peakSod - dayOffset) % DAY + DAY) % DAY);
  return { mean, amplitude: Math.round(amplitude * 1000) / 1000, peakAt, span, perHour };
}

/**
 * A Job stream per group of the history, placed on its cluster. `dayOffset`: the time of day of
 * t = 0 (the dump's, for a dump; 0 for a trace). Groups with fewer than two arrivals or no run
 * time are left out, named in `left`.
 */
export function fitHistory(h: ClusterHistory, dayOffset: number): { streams: FittedStream[]; left: { group: string; reason: string }[] } {
  const groups = new Map<string, HistoryPod[]>();
  for (const p of h.pods) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
  const streams: FittedStream[] = [];
  const left: { group: string; reason: string }[] = [];
  const names = new Set<string>();
  for (const [group, pods] of [...groups].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const runTimes = pods.filter((p) => !Number.isNaN(p.scheduled) && (p.phase === 'Succeeded' || p.phase === 'Failed' || h.clock === 'trace')).map((p) => p.ended - p.scheduled).filter((d) => d >= 0);
    if (pods.length < 2) {
      left.push({ group, reason: `${pods.length} recorded arrival: too few to fit a rate` });
      continue;
    }
    if (runTimes.length === 0) {
      left.push({ group, reason: 'no pod of it finished: no run time to fit' });
      continue;
    }
    const rate = fitDiurnal(pods.map((p) => p.created), dayOffset);
    const shape = mostCommonShape(pods);
    let name = `fit-${sanitize(group.replace(/\//g, '-'))}`.slice(0, 60).replace(/-+$/, '');
    for (let k = 2; names.has(name); k++) name = `${name.slice(0, 56)}-${k}`;
    names.add(name);
    const duration: DistributionSpec = empiricalOf(runTimes);
    streams.push({
      group,
      arrivals: pods.length,
      runTimes: runTimes.length,
      perHour: rate.perHour,
      workload: {
        kind: 'Job',
        name,
        namespace: pods[0].namespace,
        resources: {
          cpu: `${shape.cpuMillis}m`,
          memory: `${shape.memoryMiB}Mi`,
          ...(shape.gpus ? { gpu: shape.gpus } : {}),
          ...(shape.gpus && shape.gpuMilli < 1000 ? { gpuMilli: shape.gpuMilli } : {}),
          ...(shape.gpuModels.length ? { gpuModels: [...shape.gpuModels] } : {}),
        },
        duration,
        arrivals: {
          rate: { kind: 'diurnal', mean: Number(rate.mean.toPrecision(4)), amplitude: rate.amplitude, period: '24h', peakAt: `${rate.peakAt}s` },
          until: '365d',
        },
        placement: { clusterAffinity: { clusterNames: [h.cluster] } },
      },
    });
  }
  return { streams, left };
}

function mostCommonShape(pods: readonly HistoryPod[]): HistoryPod {
  const count = new Map<string, { n: number; p: HistoryPod }>();
  for (const p of pods) {
    const k = `${p.cpuMillis}/${p.memoryMiB}/${p.gpus}/${p.gpuMilli}/${p.gpuModels.join('|')}`;
    const e = count.get(k);
    if (e) e.n++;
    else count.set(k, { n: 1, p });
  }
  let best: { n: number; p: HistoryPod } | null = null;
  for (const e of count.values()) if (!best || e.n > best.n) best = e;
  return best!.p;
}
