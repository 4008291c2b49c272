import type { RunResult } from '../runner/result.js';
import { pct } from './format.js';
import type { ReportSection } from './html.js';

/**
 * A run that continues an imported fleet (`initialState:`): where it started. Per configuration
 * and cluster the requested ÷ allocatable cpu, memory and GPUs at t = 0 as the dump had them, the
 * pods bound and pending then, and what became of the members' own workloads (those Karmada does
 * not propagate, reported here rather than one by one): desired pods, Ready at the end,
 * unavailable replica-seconds.
 */
export function initialStateSection(configs: readonly { label: string; run: RunResult | null }[]): ReportSection | null {
  const warm = configs.filter((c) => c.run?.initialState);
  if (warm.length === 0) return null;
  const first = warm[0].run!.initialState!;
  return {
    id: 'initial-state',
    title: 'Initial state (t = 0, the imported fleet)',
    text:
      `Each run starts from the fleet as it was dumped: ${first.pods.toLocaleString('en-US')} pods put in place at t = 0. ` +
      "Utilisation is the bound pods' requests over allocatable, as the dump had them. The members' own workloads (not propagated by Karmada) are summed up per cluster, to the end of each configuration's run on the scenario's seed.",
    table: {
      columns: ['configuration', 'cluster', 'CPU', 'memory', 'GPU', 'pods bound', 'pods pending', 'own workloads', 'own pods desired', 'own pods Ready at end', 'own unavailable replica-s'],
      rows: warm.flatMap(({ label, run }) => {
        const gpus = new Map(run!.clusters.map((c) => [c.name, c.gpus]));
        return run!.initialState!.clusters.map((c) => [label, c.name, pct(c.cpu), pct(c.memory), gpus.get(c.name) ? pct(c.gpu) : null, c.bound, c.pending, c.ownWorkloads, c.ownDesired, c.ownReadyAtEnd, Math.round(c.ownUnavailableReplicaSeconds)]);
      }),
    },
  };
}

/** One line per cluster for the text summary. */
export function initialStateLines(run: RunResult): string[] {
  const s = run.initialState;
  if (!s) return [];
  return [
    `  initial state (t = 0): ${s.pods.toLocaleString('en-US')} pods put in place`,
    ...s.clusters.filter((c) => c.bound + c.pending > 0 || c.ownWorkloads > 0).map((c) => `    ${c.name}: cpu ${pct(c.cpu)}, memory ${pct(c.memory)}${c.gpu ? `, GPU ${pct(c.gpu)}` : ''}; ${c.bound} bound, ${c.pending} pending; own pods Ready at the end ${c.ownReadyAtEnd}/${c.ownDesired}`),
  ];
}
