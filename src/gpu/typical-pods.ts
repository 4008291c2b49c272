import { MILLI_PER_GPU, type GpuPodSpec } from './model.js';

/**
 * FGD's "typical pods": the most frequent pod shapes of a workload that together cover a given
 * share of its pods (the paper uses 95 %), with their relative frequencies.
 *
 * As in the authors' simulator (`GetTypicalPods`, with the experiment's settings
 * `isInvolvedCpuPods: true, podPopularityThreshold: 95, podIncreaseStep: 1, gpuResWeight: 0`):
 * - a shape is (cpuMilli, gpuMilli, numGpu, gpuSpec); memory is not part of it; CPU-only pods
 *   count (as gpuMilli 0, numGpu 0, no model constraint);
 * - shapes are ranked by count, descending; equal counts are ordered by larger cpuMilli first,
 *   then larger gpuMilli, larger numGpu, and the larger gpuSpec string (code-unit order);
 * - shapes are taken one at a time until their cumulated count reaches threshold % of all pods;
 * - the kept shapes' frequencies are renormalised to sum to 1.
 */
export interface TypicalPod {
  readonly cpuMilli: number;
  /** Milli-GPU per GPU; 0 for a CPU-only shape. */
  readonly gpuMilli: number;
  readonly numGpu: number;
  /** Allowed models joined by '|' ('' = any model). */
  readonly gpuSpec: string;
  /** Relative frequency among the typical pods (they sum to 1). */
  readonly freq: number;
}

export interface TypicalPodsOptions {
  /** Percentage of pods the typical shapes must cover (default 95). */
  thresholdPct?: number;
  /** Count CPU-only pods as shapes (default true). */
  includeCpuPods?: boolean;
}

interface Entry {
  cpuMilli: number;
  gpuMilli: number;
  numGpu: number;
  gpuSpec: string;
  count: number;
}

export function typicalPods(pods: readonly GpuPodSpec[], options: TypicalPodsOptions = {}): TypicalPod[] {
  const threshold = options.thresholdPct ?? 95;
  const includeCpu = options.includeCpuPods ?? true;
  if (!(threshold > 0 && threshold <= 100)) throw new RangeError(`typical-pod threshold must be in (0, 100], got ${threshold}`);
  const byKey = new Map<string, Entry>();
  let total = 0;
  for (const p of pods) {
    const numGpu = p.numGpu;
    if (!includeCpu && numGpu === 0) continue;
    const gpuMilli = numGpu === 0 ? 0 : Math.min(p.gpuMilli, MILLI_PER_GPU);
    const gpuSpec = numGpu === 0 ? '' : (p.gpuSpec ?? []).filter((m) => m.length > 0).join('|');
    const key = `${p.cpuMilli}/${gpuMilli}/${numGpu}/${gpuSpec}`;
    const e = byKey.get(key);
    if (e) e.count++;
    else byKey.set(key, { cpuMilli: p.cpuMilli, gpuMilli, numGpu, gpuSpec, count: 1 });
    total++;
  }
  if (total === 0) return [];
  const ranked = [...byKey.values()].sort(compareEntriesDescending);
  const expected = (threshold * total) / 100;
  let cum = 0;
  let kept = 0;
  while (cum < expected && kept < ranked.length) {
    cum += ranked[kept].count;
    kept++;
  }
  // Same arithmetic as the authors: count/total, then divided by the covered share cum/total.
  const covered = cum / total;
  return ranked.slice(0, kept).map((e) => ({
    cpuMilli: e.cpuMilli,
    gpuMilli: e.gpuMilli,
    numGpu: e.numGpu,
    gpuSpec: e.gpuSpec,
    freq: e.count / total / covered,
  }));
}

function compareEntriesDescending(a: Entry, b: Entry): number {
  if (a.count !== b.count) return b.count - a.count;
  if (a.cpuMilli !== b.cpuMilli) return b.cpuMilli - a.cpuMilli;
  if (a.gpuMilli !== b.gpuMilli) return b.gpuMilli - a.gpuMilli;
  if (a.numGpu !== b.numGpu) return b.numGpu - a.numGpu;
  return a.gpuSpec < b.gpuSpec ? 1 : a.gpuSpec > b.gpuSpec ? -1 : 0;
}
