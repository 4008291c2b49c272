import { basename } from 'node:path';
import { UserError } from '../errors.js';
import { importFleet, type FleetOptions, type ImportedFleet } from './fleet.js';
import { fitHistory, replayCsv, type HistoryPod } from './history.js';
import { writeImport, type ScenarioExtras, type WrittenFiles } from './write.js';

/**
 * `fleetsim import` from end to end: read the dumps (fleet.ts), turn the recorded history into a
 * workload as asked (history.ts: a replay or a fit; a SimKube trace always replays), and write the
 * scenario, its initial state and manifests (write.ts).
 */
export interface ImportRequest extends FleetOptions {
  /** The scenario file to write. */
  out: string;
  /** What to do with the history: nothing, replay it, or fit a model to it. */
  history: 'none' | 'replay' | 'fit';
  /** The command line, for the scenario's header. */
  command: string;
  /** The scenario's duration (default 1h). */
  duration?: string;
  /** What if this member is lost: variants as-is, the member lost at `loseAt` with Karmada's defaults, and with failover on. */
  lose?: string;
  loseAt?: string;
}

export interface ImportResult {
  fleet: ImportedFleet;
  written: WrittenFiles;
  /** What the history became, one line per cluster and source. */
  history: string[];
}

export function runImport(req: ImportRequest): ImportResult {
  const fleet = importFleet(req);
  const stem = basename(req.out).replace(/\.ya?ml$/i, '');
  const extras: ScenarioExtras = { workloads: [], actions: [], policies: [], manifests: [], traces: new Map(), files: new Map(), header: [], ...(req.duration ? { duration: req.duration } : {}) };
  const lines: string[] = [];
  const members = fleet.clusters.filter((c) => c.role === 'member');

  for (const c of members) {
    c.simkube.forEach((t, k) => {
      extras.manifests!.push(...t.manifests);
      extras.actions!.push(...t.actions);
      extras.policies!.push(...t.policies.map((p) => (k === 0 ? p : { ...p, name: `${p.name as string}-${k + 1}` })));
      lines.push(`${c.name}: a SimKube trace replays as ${t.created} workloads created and ${t.actions.length} scale events over ${Math.round(t.span)} s`);
      extras.header!.push(`${c.name}: a SimKube trace: ${t.created} workloads and ${t.actions.length} scales over ${Math.round(t.span)} s (their PropagationPolicy simkube-${c.name} keeps them there)`);
    });
  }

  // The dumps' clock is Unix time: one origin for the whole fleet keeps the clusters' histories in step.
  let origin = Infinity;
  for (const c of members) for (const h of c.history) if (h.clock === 'unix') for (const p of h.pods) origin = Math.min(origin, p.created);
  const dayOffset = Number.isNaN(fleet.takenAt) ? 0 : ((fleet.takenAt % 86400) + 86400) % 86400;
  for (const c of members) {
    const pods = c.history.reduce((s, h) => s + h.pods.length, 0);
    if (pods === 0) continue;
    const from = c.history.map((h) => `${h.pods.length} pods (${h.clock === 'unix' ? 'the dump' : h.sources.join(', ')})`).join(' + ');
    if (req.history === 'none') {
      fleet.notes.push({ object: `history of ${c.name}`, where: c.history.flatMap((h) => h.sources).join(', '), reason: `${from} with recorded times not used: give --replay or --fit to make a workload of them` });
      continue;
    }
    if (req.history === 'replay') {
      const merged: HistoryPod[] = [];
      for (const h of c.history) for (const p of h.pods) merged.push(h.clock === 'unix' ? shift(p, origin) : p);
      const file = `${stem}.history-${c.name}.csv`;
      extras.files!.set(file, replayCsv(merged, 0));
      extras.traces!.set(c.name, { kind: 'openb', pods: file, mode: 'replay' });
      lines.push(`${c.name}: replays ${from} from ${file}`);
      extras.header!.push(`${c.name}: --replay: ${from}, as recorded, from t = 0 (${file}, its trace: block)`);
      continue;
    }
    for (const h of c.history) {
      const { streams, left } = fitHistory(h, h.clock === 'unix' ? dayOffset : 0);
      for (const s of streams) {
        s.workload.name = `${s.workload.name as string}-${c.name}`.slice(0, 63).replace(/-+$/, '');
        extras.workloads!.push(s.workload);
      }
      for (const l of left) fleet.notes.push({ object: `history group ${l.group} of ${c.name}`, where: h.sources.join(', '), reason: `${l.reason}: not fitted` });
      lines.push(`${c.name}: fitted ${streams.length} Job streams to ${h.pods.length} pods (${h.clock === 'unix' ? 'the dump' : h.sources.join(', ')})`);
      extras.header!.push(`${c.name}: --fit: ${streams.length} Job streams (diurnal arrivals, empirical run times) from ${h.pods.length} recorded pods`);
    }
  }
  if (req.lose !== undefined) {
    if (!members.some((c) => c.name === req.lose)) throw new UserError(`--lose: expected a member cluster of the import (${members.map((c) => c.name).join(', ')}), found "${req.lose}"`);
    extras.variants = loseVariants(req.lose, req.loseAt ?? '10m');
    extras.header!.push(`what if ${req.lose} is lost at ${req.loseAt ?? '10m'}: variants as-is, lose-${req.lose} (Karmada's defaults: failover off) and lose-${req.lose}-failover`);
  }
  const written = writeImport(fleet, req.out, req.command, extras);
  return { fleet, written, history: lines };
}

/**
 * Three variants: the fleet as it is; the member lost for good (`cluster-outage`, mode down) with
 * Karmada's defaults, where failover is off and its replicas stay lost; and the same with failover
 * on: the Failover gate, NoExecute taint eviction, and a ClusterTaintPolicy tainting a cluster that
 * is not Ready with cluster.karmada.io/not-ready:NoExecute (spec/karmada.md §10).
 */
function loseVariants(cluster: string, at: string): Record<string, unknown>[] {
  const fault = [{ kind: 'cluster-outage', cluster, at, mode: 'down' }];
  return [
    { name: 'as-is', description: 'the fleet as it is' },
    { name: `lose-${cluster}`, description: `${cluster} is lost at ${at}; Karmada's defaults (failover off)`, set: { faults: fault } },
    {
      name: `lose-${cluster}-failover`,
      description: `${cluster} is lost at ${at}; failover on`,
      set: {
        faults: fault,
        'karmada.featureGates.Failover': true,
        'karmada.enableNoExecuteTaintEviction': true,
        'karmada.clusterTaintPolicies': [
          {
            name: 'evict-when-not-ready',
            addOnConditions: [{ conditionType: 'Ready', operator: 'NotIn', statusValues: ['True'] }],
            removeOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['True'] }],
            taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute' }],
          },
        ],
      },
    },
  ];
}

function shift(p: HistoryPod, origin: number): HistoryPod {
  return { ...p, created: p.created - origin, scheduled: p.scheduled - origin, ended: p.ended - origin };
}
