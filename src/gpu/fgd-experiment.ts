import { basename } from 'node:path';
import { buildPaperWorkload, readOpenbNodes, readOpenbPods, type OpenbNode, type OpenbPod } from '../trace/openb.js';
import { MILLI_PER_GPU } from './model.js';
import { runPaperExperiment, type PaperRunResult } from './paper-experiment.js';
import { typicalPods, type TypicalPod } from './typical-pods.js';

/**
 * The FGD experiment (paper mode of the openb trace) as plain, serialisable tasks: one task is
 * one (policy, seed) run, so a worker pool can spread them; `summariseFgd` averages over seeds.
 * This module is the pool's task module: its `runFgdTask` export runs in worker threads.
 */
export interface FgdTask {
  readonly nodesPath: string;
  readonly podsPath: string;
  readonly policy: string;
  readonly seed: number;
  readonly tune: number;
  /** FGD typical-pod coverage in % (default 95). */
  readonly typicalPct?: number;
  /** Last arrived-demand threshold recorded, in % (default 130). */
  readonly maxPct?: number;
}

export type FgdTaskResult = PaperRunResult;

interface LoadedTrace {
  nodes: OpenbNode[];
  pods: OpenbPod[];
  typical: Map<number, TypicalPod[]>;
}

/** Parsed traces per (nodes, pods) path pair, kept for the life of the thread. */
const traces = new Map<string, LoadedTrace>();

function load(nodesPath: string, podsPath: string): LoadedTrace {
  const key = `${nodesPath}\u0000${podsPath}`;
  let t = traces.get(key);
  if (!t) {
    t = { nodes: readOpenbNodes(nodesPath), pods: readOpenbPods(podsPath), typical: new Map() };
    traces.set(key, t);
  }
  return t;
}

export function runFgdTask(task: FgdTask): FgdTaskResult {
  const trace = load(task.nodesPath, task.podsPath);
  const pct = task.typicalPct ?? 95;
  let typical = trace.typical.get(pct);
  if (!typical) {
    typical = typicalPods(trace.pods, { thresholdPct: pct });
    trace.typical.set(pct, typical);
  }
  let gpus = 0;
  for (const n of trace.nodes) gpus += n.gpuCount;
  const capacityMilli = gpus * MILLI_PER_GPU;
  const workload = buildPaperWorkload(trace.pods, { seed: task.seed, tune: task.tune, capacityMilli });
  return runPaperExperiment({
    nodes: trace.nodes,
    workload,
    typicalPods: typical,
    policy: task.policy,
    seed: task.seed,
    maxPct: task.maxPct ?? 130,
    targetMilli: task.tune * capacityMilli,
  });
}

export interface FgdPolicySummary {
  readonly policy: string;
  readonly seeds: number[];
  /** Mean over seeds of the allocation ratio (%) at arrived demand 0..maxPct %; null where any seed has none. */
  readonly meanCurve: (number | null)[];
  readonly meanFailedPods: number;
  readonly meanPods: number;
}

/**
 * Average results per policy, in the order policies first appear. Seeds are summed in the order
 * given (task order), so the numbers do not depend on how runs were spread over workers.
 */
export function summariseFgd(results: readonly FgdTaskResult[]): FgdPolicySummary[] {
  const byPolicy = new Map<string, FgdTaskResult[]>();
  for (const r of results) {
    const list = byPolicy.get(r.policy);
    if (list) list.push(r);
    else byPolicy.set(r.policy, [r]);
  }
  const out: FgdPolicySummary[] = [];
  for (const [policy, runs] of byPolicy) {
    const len = runs[0].curve.length;
    const meanCurve: (number | null)[] = [];
    for (let k = 0; k < len; k++) {
      let sum = 0;
      let ok = true;
      for (const r of runs) {
        const v = r.curve[k];
        if (v === null || v === undefined) ok = false;
        else sum += v;
      }
      meanCurve.push(ok ? sum / runs.length : null);
    }
    out.push({
      policy,
      seeds: runs.map((r) => r.seed),
      meanCurve,
      meanFailedPods: runs.reduce((a, r) => a + r.failedPods, 0) / runs.length,
      meanPods: runs.reduce((a, r) => a + r.pods, 0) / runs.length,
    });
  }
  return out;
}

/**
 * The published means (openb README, from the authors' expected_results): GPU allocation ratio
 * (%) at 100 % and 130 % arrived demand, mean over seeds 42-51, per pod-list file. Only the
 * `default` workload is published in the README.
 */
export const FGD_PUBLISHED: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = {
  openb_pod_list_default: {
    random: [86.3, 87.47],
    dotprod: [90.62, 90.85],
    gpuclustering: [91.65, 91.88],
    gpupacking: [91.78, 92.0],
    bestfit: [92.86, 93.08],
    fgd: [95.23, 95.39],
  },
};

/** Published values for a pod-list path, matched on its file name without extension. */
export function publishedFor(podsPath: string): Readonly<Record<string, readonly [number, number]>> | undefined {
  return FGD_PUBLISHED[basename(podsPath).replace(/\.csv$/i, '')];
}
