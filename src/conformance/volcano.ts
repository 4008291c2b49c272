/**
 * Volcano conformance runner: runs every vector of `conformance/volcano/*.json` (schema in that
 * folder's README) against the pure session in `src/batch/volcano/`.
 *
 * This file only adapts vector inputs to the session's API and compares results; every algorithm
 * lives in `src/batch/volcano/` (and, for the Kurator rollout traces, `src/rollout/`). The vector
 * kind is recognised from the shape of its input and expected value (never from its name). A
 * vector of an unrecognised shape or with an unknown expected field is a failure, never a skip.
 * Rollout traces compare every tick's phase, status weight, route weight, failedChecks and
 * iterations (the `event` column is descriptive and not compared).
 */
import { collectVectorFiles, readVectorFile, type ConformanceFailure, type ConformanceReport } from './common.js';
import {
  BUILTIN_PLUGINS,
  ResourceSchema,
  PODS,
  Session,
  binpackScore,
  binpackWeights,
  capacityShare,
  dominantShare,
  drfIsVictim,
  gangJobPipelined,
  gangJobReady,
  gangJobValid,
  openSession,
  proportionShare,
  runSession,
  shouldSkipUnschedulableForReleasing,
  type PluginOption,
  type SessionConfig,
  type SessionResult,
  type SessionSnapshot,
} from '../batch/volcano/index.js';
import { analysisFromKuratorPolicy, simulateRollout, type FlaggerAnalysis } from '../rollout/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface VectorOutcome {
  pass: boolean;
  expected: unknown;
  got: unknown;
}

// ---------------------------------------------------------------------------------------------
// Comparison helpers

function close(a: unknown, b: unknown, tol: number): boolean {
  return typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= tol;
}

/** Default tolerance for a derived float: relative 1e-9, at least 1e-6. */
function defTol(b: number): number {
  return Math.max(Math.abs(b) * 1e-9, 1e-6);
}

/** Resource lists compared dimension by dimension (union of keys, missing = 0). */
function sameResources(got: Record<string, number> | undefined, exp: Record<string, number> | null | undefined, tol?: Record<string, number>): boolean {
  const g = got ?? {};
  const e = exp ?? {};
  for (const k of new Set([...Object.keys(g), ...Object.keys(e)])) {
    const gv = g[k] ?? 0;
    const ev = e[k] ?? 0;
    const t = tol?.[k] ?? defTol(ev);
    if (!close(gv, ev, t)) return false;
  }
  return true;
}

function sortedStrings(xs: readonly string[]): string[] {
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Adapters

function toConfig(c: Json): SessionConfig {
  const opt = (p: Json): PluginOption => {
    const o: PluginOption = { name: p.name };
    if (p.enabled !== undefined) o.enabled = p.enabled;
    if (p.disabled !== undefined) o.disabled = p.disabled;
    if (p.arguments !== undefined) o.arguments = p.arguments;
    return o;
  };
  const tiers: PluginOption[][] = Array.isArray(c?.tiers)
    ? c.tiers.map((t: Json) => (Array.isArray(t) ? t : t.plugins ?? []).map(opt))
    : [(c?.plugins ?? []).map(opt)];
  return { actions: c?.actions ?? [], tiers };
}

function toSnapshot(input: Json): SessionSnapshot {
  return { nodes: input.nodes ?? [], queues: input.queues ?? [], jobs: input.jobs ?? [] };
}

/** A task list -> resource vectors, each with the implicit pods: 1. */
function taskVectors(schema: ResourceSchema, tasks: Json[]): Float64Array[] {
  return tasks.map((t) => {
    const v = schema.fromList(t ?? {});
    v[PODS] = 1;
    return v;
  });
}

function sum(schema: ResourceSchema, vs: Float64Array[]): Float64Array {
  const out = schema.zero();
  for (const v of vs) for (let i = 0; i < out.length; i++) out[i] += v[i];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Vector kinds

type Kind =
  | 'rollout'
  | 'binpack'
  | 'queue-share'
  | 'gang-counters'
  | 'gang-condition'
  | 'drf-share'
  | 'drf-preemptable'
  | 'session';

function kindOf(v: Json): Kind | null {
  const input = v?.input;
  const exp = v?.expected;
  if (v?.expectedTicks !== undefined || v?.flaggerAnalysis !== undefined || v?.kuratorRolloutPolicy !== undefined) return 'rollout';
  if (!input || typeof input !== 'object' || !exp || typeof exp !== 'object') return null;
  if (input.task && Array.isArray(input.nodes) && exp.scores) return 'binpack';
  if (exp.share !== undefined && ('deserved' in input || 'allocated' in input) && !input.nodes) return 'queue-share';
  if (exp.skipUnschedulableCondition !== undefined) return 'gang-condition';
  if (Array.isArray(input.tasks) && input.minMember !== undefined && !input.nodes) return 'gang-counters';
  if (input.clusterTotal && input.jobAllocatedTasks) return 'drf-share';
  if (input.clusterTotal && input.preemptorTask) return 'drf-preemptable';
  if (Array.isArray(input.nodes) && Array.isArray(input.queues) && Array.isArray(input.jobs)) return 'session';
  return null;
}

function runBinpack(v: Json): VectorOutcome {
  const { task, nodes } = v.input;
  const schema = ResourceSchema.collect([task.request, ...nodes.flatMap((n: Json) => [n.allocatable, n.used])]);
  const args = v.config?.plugins?.find((p: Json) => p.name === 'binpack')?.arguments ?? {};
  const w = binpackWeights(args);
  const req = schema.fromList(task.request);
  req[PODS] = 1;
  const got: Record<string, number> = {};
  for (const n of nodes) got[n.name] = binpackScore(schema, req, schema.fromList(n.allocatable), schema.fromList(n.used), w);
  const tol = typeof v.expected.tolerance === 'number' ? v.expected.tolerance : 1e-8;
  const exp = v.expected.scores;
  const pass =
    Object.keys(exp).length === Object.keys(got).length && Object.keys(exp).every((k) => close(got[k], exp[k], tol));
  return { pass, expected: exp, got };
}

function runQueueShare(v: Json): VectorOutcome {
  const { deserved, allocated, request } = v.input;
  const schema = ResourceSchema.collect([deserved, allocated, request]);
  const plugin = v.config?.plugins?.[0]?.name ?? 'proportion';
  const d = schema.fromList(deserved);
  const a = schema.fromList(allocated);
  const got = plugin === 'capacity' ? capacityShare(schema, a, d) : proportionShare(schema, a, d);
  return { pass: close(got, v.expected.share, 1e-9), expected: v.expected.share, got };
}

function runGangCounters(v: Json): VectorOutcome {
  const input = v.input;
  const snapshot: SessionSnapshot = {
    nodes: [],
    queues: [{ name: 'q' }],
    jobs: [
      {
        name: 'job',
        namespace: 'ns',
        queue: 'q',
        minMember: input.minMember,
        minTaskMember: input.minTaskMember ?? {},
        tasks: input.tasks.map((t: Json) => ({ name: t.name, status: t.status, role: t.role ?? '', request: t.request ?? {}, node: t.node ?? null })),
      },
    ],
  };
  const ssn = new Session(snapshot, { actions: [], tiers: [] }, BUILTIN_PLUGINS);
  const job = ssn.jobs[0];
  const all: Record<string, unknown> = {
    readyTaskNum: job.readyTaskNum(),
    waitingTaskNum: job.waitingTaskNum(),
    validTaskNum: job.validTaskNum(),
    jobValid: gangJobValid(job) === null,
    jobReady: gangJobReady(job),
    jobPipelined: gangJobPipelined(job),
    jobStarving_gang: job.isStarving(),
  };
  const got: Record<string, unknown> = {};
  let pass = true;
  for (const k of Object.keys(v.expected)) {
    if (!(k in all)) {
      got[k] = `unsupported expected field '${k}'`;
      pass = false;
      continue;
    }
    got[k] = all[k];
    if (all[k] !== v.expected[k]) pass = false;
  }
  return { pass, expected: v.expected, got };
}

function runGangCondition(v: Json): VectorOutcome {
  const got = shouldSkipUnschedulableForReleasing(v.input.minMember, v.input.tasks);
  return { pass: got === v.expected.skipUnschedulableCondition, expected: v.expected.skipUnschedulableCondition, got };
}

function runDrfShare(v: Json): VectorOutcome {
  const { clusterTotal, jobAllocatedTasks } = v.input;
  const schema = ResourceSchema.collect([clusterTotal, ...jobAllocatedTasks]);
  const total = schema.fromList(clusterTotal);
  const alloc = sum(schema, taskVectors(schema, jobAllocatedTasks));
  const r = dominantShare(schema, alloc, total);
  const got: Record<string, unknown> = {};
  let pass = true;
  for (const k of Object.keys(v.expected)) {
    if (k === 'dominantResource') {
      got[k] = r.resource;
      if (r.resource !== v.expected[k]) pass = false;
    } else if (k === 'share') {
      got[k] = r.share;
      if (!close(r.share, v.expected[k], 1e-9)) pass = false;
    } else {
      got[k] = `unsupported expected field '${k}'`;
      pass = false;
    }
  }
  return { pass, expected: v.expected, got };
}

function runDrfPreemptable(v: Json): VectorOutcome {
  const i = v.input;
  const schema = ResourceSchema.collect([i.clusterTotal, ...i.preemptorJobAllocated, i.preemptorTask, ...i.victimJobAllocated, i.victimTask]);
  const total = schema.fromList(i.clusterTotal);
  const [pt] = taskVectors(schema, [i.preemptorTask]);
  const [vt] = taskVectors(schema, [i.victimTask]);
  const r = drfIsVictim(
    schema,
    total,
    sum(schema, taskVectors(schema, i.preemptorJobAllocated)),
    pt,
    sum(schema, taskVectors(schema, i.victimJobAllocated)),
    vt,
  );
  const all: Record<string, unknown> = { preemptorShareAfter: r.ls, victimShareAfter: r.rs, isVictim: r.victim };
  const got: Record<string, unknown> = {};
  let pass = true;
  for (const k of Object.keys(v.expected)) {
    if (!(k in all)) {
      got[k] = `unsupported expected field '${k}'`;
      pass = false;
      continue;
    }
    got[k] = all[k];
    const e = v.expected[k];
    if (typeof e === 'number' ? !close(all[k], e, 1e-9) : all[k] !== e) pass = false;
  }
  return { pass, expected: v.expected, got };
}

/** Fields of a rollout tick compared with the trace (the `event` text is a label, not compared). */
const TICK_FIELDS = ['tick', 'phase', 'statusWeight', 'canaryRouteWeight', 'failedChecks', 'iterations'] as const;

function runRollout(v: Json): VectorOutcome {
  const analysis: FlaggerAnalysis = v.flaggerAnalysis ?? analysisFromKuratorPolicy(v.kuratorRolloutPolicy);
  const ticks = simulateRollout(analysis, v.analysisOutcomes ?? []);
  const exp: Json[] = v.expectedTicks ?? [];
  const got = ticks.map((t) => Object.fromEntries(TICK_FIELDS.map((f) => [f, t[f]])));
  const want = exp.map((t) => Object.fromEntries(TICK_FIELDS.map((f) => [f, t[f]])));
  const pass = exp.length > 0 && got.length === want.length && got.every((g, i) => TICK_FIELDS.every((f) => g[f] === want[i][f]));
  return { pass, expected: want, got };
}

function runSessionVector(v: Json): VectorOutcome {
  const snapshot = toSnapshot(v.input);
  const config = toConfig(v.config);
  const result: SessionResult = runSession(snapshot, config);
  const exp = v.expected;
  const got: Record<string, unknown> = {};
  let pass = true;
  const check = (k: string, value: unknown, ok: boolean): void => {
    got[k] = value;
    if (!ok) pass = false;
  };
  for (const k of Object.keys(exp)) {
    const e = exp[k];
    switch (k) {
      case 'tolerance':
        break;
      case 'binds': {
        const m: Record<string, string> = {};
        for (const b of result.binds) m[b.task] = b.node;
        const ok = Object.keys(m).length === Object.keys(e).length && Object.keys(e).every((t) => m[t] === e[t]);
        check(k, m, ok);
        break;
      }
      case 'bindCount':
        check(k, result.binds.length, result.binds.length === e);
        break;
      case 'allocationOrder': {
        const order = result.binds.map((b) => b.task);
        check(k, order, order.length === e.length && order.every((t, i) => t === e[i]));
        break;
      }
      case 'evicted': {
        const ev = sortedStrings(result.evictions.map((x) => x.task));
        const ee = sortedStrings(e);
        check(k, ev, ev.length === ee.length && ev.every((t, i) => t === ee[i]));
        break;
      }
      case 'evictCount':
        check(k, result.evictions.length, result.evictions.length === e);
        break;
      case 'podGroupPhase': {
        const g: Record<string, string> = {};
        let ok = true;
        for (const j of Object.keys(e)) {
          g[j] = result.podGroupPhases[j];
          if (g[j] !== e[j]) ok = false;
        }
        check(k, g, ok);
        break;
      }
      case 'deserved': {
        const g: Record<string, unknown> = {};
        let ok = true;
        for (const q of Object.keys(e)) {
          g[q] = result.queues[q]?.deserved;
          if (!result.queues[q] || !sameResources(result.queues[q].deserved, e[q], exp.tolerance)) ok = false;
        }
        check(k, g, ok);
        break;
      }
      case 'initialQueueShare': {
        const open = openSession(snapshot, { ...config, actions: [] }).close();
        const g: Record<string, unknown> = {};
        let ok = true;
        for (const q of Object.keys(e)) {
          g[q] = open.queues[q]?.share;
          if (!close(g[q], e[q], 1e-9)) ok = false;
        }
        check(k, g, ok);
        break;
      }
      case 'queues': {
        const g: Record<string, unknown> = {};
        let ok = true;
        for (const q of Object.keys(e)) {
          const r = result.queues[q];
          const eq = e[q];
          const gq: Record<string, unknown> = {};
          g[q] = gq;
          if (!r) {
            ok = false;
            continue;
          }
          for (const f of Object.keys(eq)) {
            if (f === 'deserved' || f === 'allocated' || f === 'request' || f === 'realCapability') {
              gq[f] = r[f];
              if (!sameResources(r[f], eq[f], exp.tolerance)) ok = false;
            } else if (f === 'share') {
              gq[f] = r.share;
              if (!close(r.share, eq[f], 1e-9)) ok = false;
            } else if (f === 'overused') {
              gq[f] = r.overused;
              if (r.overused !== eq[f]) ok = false;
            } else {
              gq[f] = `unsupported expected field '${f}'`;
              ok = false;
            }
          }
        }
        check(k, g, ok);
        break;
      }
      default:
        check(k, `unsupported expected field '${k}'`, false);
    }
  }
  return { pass, expected: exp, got };
}

/** Run one vector; any exception is a failure whose got-value is the error message. */
export function runVolcanoVector(v: Json): VectorOutcome {
  const kind = kindOf(v);
  try {
    switch (kind) {
      case 'rollout':
        return runRollout(v);
      case 'binpack':
        return runBinpack(v);
      case 'queue-share':
        return runQueueShare(v);
      case 'gang-counters':
        return runGangCounters(v);
      case 'gang-condition':
        return runGangCondition(v);
      case 'drf-share':
        return runDrfShare(v);
      case 'drf-preemptable':
        return runDrfPreemptable(v);
      case 'session':
        return runSessionVector(v);
      default:
        return { pass: false, expected: v?.expected, got: 'unrecognised vector shape' };
    }
  } catch (err) {
    return { pass: false, expected: v?.expected, got: `error: ${(err as Error).message}` };
  }
}

export async function runVolcanoConformance(paths: string[]): Promise<ConformanceReport> {
  const failures: ConformanceFailure[] = [];
  let passed = 0;
  for (const file of collectVectorFiles(paths)) {
    const doc = readVectorFile(file);
    for (const v of doc.vectors as Json[]) {
      const r = runVolcanoVector(v);
      if (r.pass) passed++;
      else failures.push({ file, name: String(v?.id ?? v?.name ?? '?'), expected: r.expected, got: r.got });
    }
  }
  return { passed, failed: failures.length, failures };
}
