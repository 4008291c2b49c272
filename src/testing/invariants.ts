import { DecisionRecorder, type BindDecision, type Decision, type PlacementDecision } from '../diff/record.js';
import { World } from '../model/world.js';
import { replicaSchedulingType } from '../placement/karmada/strategy.js';
import { findMatchingUntoleratedTaint, taintToString } from '../placement/karmada/toleration.js';
import { runScenario } from '../runner/run.js';
import type { RunResult } from '../runner/result.js';
import type { Scenario } from '../scenario/types.js';

/**
 * Invariant checkers: properties every run of every fleet scheduler must keep, checked on what a
 * run did (its RunResult) and on every decision it made on the way (DecisionSink: each fleet
 * placement with exactly the request and cluster views the scheduler saw, each member bind
 * with the node's state at that moment).
 *
 * | name | what must hold |
 * |---|---|
 * | run-completes | the run ends without an error (a scheduler that throws, or returns nonsense the control plane cannot apply) |
 * | replica-conservation | every placement lists each cluster once, known clusters only, whole replicas ≥ 0; Divided: they sum to the replicas asked; Duplicated: no cluster gets more than the replicas asked |
 * | no-overcommit | no node takes a pod it has no room for (the member's bind refuses it: the run fails with "does not fit"), and no cluster's sampled CPU, memory or GPU allocation exceeds 100 % |
 * | gang-all-or-nothing | a gang Job (minAvailable > 1) is placed all or nothing (a placement gives it 0 replicas or at least minAvailable), and no pod of it succeeds before the gang has started |
 * | nothing-on-down-or-tainted | a placement adds replicas only to clusters whose NoSchedule/NoExecute taints the placement tolerates (clusters already in the previous result keep passing, as in Karmada's TaintToleration filter; a Ready=False/Unknown cluster carries Karmada's not-ready/unreachable NoSchedule taint, so down clusters are covered); no pod is bound to a node that is down or cordoned |
 * | queue-capability | a Volcano queue's allocation never exceeds its capability |
 * | determinism | the same scenario, scheduler and seed give the same decisions and byte-identical results |
 * | gang-unsplit (opt-in) | a gang Job is placed whole in one cluster (federated-gang's promise; Karmada's own division splits gangs by design) |
 */

export interface RunObservation {
  readonly scenario: Scenario;
  readonly scheduler: string;
  readonly seed: number;
  /** null when the run threw. */
  readonly result: RunResult | null;
  readonly error: string | null;
  readonly decisions: readonly Decision[];
  /** A second run of the same inputs, for `determinism`. */
  readonly rerun?: RunObservation;
}

export interface Violation {
  readonly invariant: string;
  readonly message: string;
  /** Simulated time of the offending decision, when there is one. */
  readonly t?: number;
}

export interface Invariant {
  readonly name: string;
  readonly description: string;
  /** Off unless asked for by name. */
  readonly optIn?: boolean;
  /** Needs `RunObservation.rerun`. */
  readonly needsRerun?: boolean;
  check(o: RunObservation): Violation | null;
}

const OVERCOMMIT = /does not fit on node|cannot take \d+ milli|needs \d+ GPU/;

const workloadName = (d: PlacementDecision): string => `${d.request.workload.kind} ${d.request.workload.namespace}/${d.request.workload.name}`;
const resultText = (d: PlacementDecision): string => (d.outcome.ok ? d.outcome.clusters.map((t) => `${t.name}:${t.replicas}`).join(', ') || '(none)' : d.outcome.kind);

function placements(o: RunObservation): PlacementDecision[] {
  return o.decisions.filter((d): d is PlacementDecision => d.kind === 'placement');
}

function firstOf<T>(xs: readonly T[], f: (x: T) => Violation | null): Violation | null {
  for (const x of xs) {
    const v = f(x);
    if (v) return v;
  }
  return null;
}

export const runCompletes: Invariant = {
  name: 'run-completes',
  description: 'the run ends without an error',
  check: (o) => (o.error !== null && !OVERCOMMIT.test(o.error) ? { invariant: 'run-completes', message: `the run failed: ${o.error}` } : null),
};

export const replicaConservation: Invariant = {
  name: 'replica-conservation',
  description: 'each placement: clusters listed once, known, whole replicas >= 0; Divided sums to the replicas asked; Duplicated gives no cluster more than asked',
  check: (o) =>
    firstOf(placements(o), (d) => {
      if (!d.outcome.ok) return null;
      const v = (message: string): Violation => ({ invariant: 'replica-conservation', t: d.t, message: `${workloadName(d)} at t=${d.t.toFixed(3)}s: ${message} (result ${resultText(d)})` });
      const known = new Set(d.clusters.map((c) => c.name));
      const seen = new Set<string>();
      let sum = 0;
      for (const t of d.outcome.clusters) {
        if (seen.has(t.name)) return v(`cluster ${t.name} listed twice`);
        seen.add(t.name);
        if (!known.has(t.name)) return v(`cluster ${t.name} is not a member cluster`);
        if (!Number.isInteger(t.replicas) || t.replicas < 0) return v(`${t.replicas} replicas for ${t.name}`);
        sum += t.replicas;
      }
      const asked = d.request.replicas;
      if (replicaSchedulingType(d.request.placement) === 'Duplicated') {
        const over = d.outcome.clusters.find((t) => t.replicas > asked);
        return over ? v(`Duplicated placement gives ${over.name} ${over.replicas} replicas, ${asked} asked`) : null;
      }
      return sum !== asked ? v(`Divided placement sums to ${sum} replicas, ${asked} asked`) : null;
    }),
};

export const noOvercommit: Invariant = {
  name: 'no-overcommit',
  description: 'no node takes a pod it has no room for; no cluster allocation above 100 %',
  check: (o) => {
    if (o.error !== null && OVERCOMMIT.test(o.error)) return { invariant: 'no-overcommit', message: `a bind overcommitted a node: ${o.error}` };
    for (const c of o.result?.clusters ?? []) {
      for (const [what, s] of [['CPU', c.cpuUtilization], ['memory', c.memoryUtilization], ['GPU', c.gpuUtilization]] as const) {
        if (s.max > 1 + 1e-9) return { invariant: 'no-overcommit', message: `cluster ${c.name}: ${what} allocation reached ${(s.max * 100).toFixed(1)} %` };
      }
    }
    return null;
  },
};

export const gangAllOrNothing: Invariant = {
  name: 'gang-all-or-nothing',
  description: 'a gang Job gets 0 or at least minAvailable replicas; no pod of it succeeds before the gang started',
  check: (o) => {
    const v = firstOf(placements(o), (d) => {
      const w = d.request.workload;
      if (!d.outcome.ok || w.kind !== 'Job' || w.minAvailable <= 1) return null;
      const sum = d.outcome.clusters.reduce((s, t) => s + t.replicas, 0);
      return sum > 0 && sum < w.minAvailable
        ? { invariant: 'gang-all-or-nothing', t: d.t, message: `${workloadName(d)} at t=${d.t.toFixed(3)}s: a gang of ${w.minAvailable} given ${sum} replicas (result ${resultText(d)})` }
        : null;
    });
    if (v) return v;
    for (const w of o.result?.workloads ?? []) {
      if (w.kind === 'Job' && (w.minAvailable ?? 1) > 1 && w.queueingDelay === null && w.succeeded > 0) {
        return { invariant: 'gang-all-or-nothing', message: `Job ${w.namespace}/${w.name}: ${w.succeeded} pod(s) succeeded though its gang of ${w.minAvailable} never started` };
      }
    }
    return null;
  },
};

export const gangUnsplit: Invariant = {
  name: 'gang-unsplit',
  description: 'a gang Job is placed whole in one cluster',
  optIn: true,
  check: (o) =>
    firstOf(placements(o), (d) => {
      const w = d.request.workload;
      if (!d.outcome.ok || w.kind !== 'Job' || w.minAvailable <= 1) return null;
      const parts = d.outcome.clusters.filter((t) => t.replicas > 0);
      return parts.length > 1 ? { invariant: 'gang-unsplit', t: d.t, message: `${workloadName(d)} at t=${d.t.toFixed(3)}s: a gang of ${w.minAvailable} split over ${parts.length} clusters (${resultText(d)})` } : null;
    }),
};

export const nothingOnDownOrTainted: Invariant = {
  name: 'nothing-on-down-or-tainted',
  description: 'replicas added only to clusters whose NoSchedule/NoExecute taints are tolerated (down clusters carry not-ready/unreachable taints); no bind to a down or cordoned node',
  check: (o) => {
    for (const d of o.decisions) {
      if (d.kind === 'placement') {
        if (!d.outcome.ok) continue;
        const prev = new Set(d.request.previous.filter((t) => t.replicas > 0).map((t) => t.name));
        for (const t of d.outcome.clusters) {
          if (t.replicas <= 0 || prev.has(t.name)) continue;
          const view = d.clusters.find((c) => c.name === t.name);
          if (!view) continue; // replica-conservation's business
          const taint = findMatchingUntoleratedTaint(view.taints, d.request.placement.clusterTolerations, (x) => x.effect === 'NoSchedule' || x.effect === 'NoExecute');
          if (taint) {
            return {
              invariant: 'nothing-on-down-or-tainted',
              t: d.t,
              message: `${workloadName(d)} at t=${d.t.toFixed(3)}s: ${t.replicas} replica(s) placed on ${t.name} (Ready=${view.ready}), whose taint {${taintToString(taint)}} the placement does not tolerate`,
            };
          }
        }
      } else {
        const b = d as BindDecision;
        if (!b.nodeUp || b.nodeCordoned) {
          return { invariant: 'nothing-on-down-or-tainted', t: b.t, message: `t=${b.t.toFixed(3)}s: a pod was bound to node ${new World(o.scenario).nodeName(b.node)}, which is ${b.nodeUp ? 'cordoned' : 'down'}` };
        }
      }
    }
    return null;
  },
};

export const queueCapability: Invariant = {
  name: 'queue-capability',
  description: "a Volcano queue's allocation never exceeds its capability",
  check: (o) => {
    for (const q of o.result?.queueShares ?? []) {
      const spec = o.scenario.fleet.clusters.find((c) => c.name === q.cluster)?.volcano.queues.find((x) => x.name === q.queue);
      const cap = spec?.capability?.[q.resource];
      if (cap === undefined) continue;
      const i = q.allocated.findIndex((x) => x > cap + 1e-9);
      if (i >= 0) return { invariant: 'queue-capability', t: q.t[i], message: `queue ${q.queue} in ${q.cluster}: ${q.allocated[i]} ${q.resource} allocated at t=${q.t[i]}s, capability ${cap}` };
    }
    return null;
  },
};

/** A decision as comparable text. */
function decisionKey(d: Decision): string {
  return d.kind === 'placement' ? `P ${d.t} ${d.workload} ${JSON.stringify(d.outcome)}` : `B ${d.t} ${d.workload} ${d.cluster} ${d.node}`;
}

export const determinism: Invariant = {
  name: 'determinism',
  description: 'the same inputs give the same decisions and byte-identical results',
  needsRerun: true,
  check: (o) => {
    const r = o.rerun;
    if (!r) return null;
    if (o.error !== r.error) return { invariant: 'determinism', message: `one run failed and the other did not (${o.error ?? r.error})` };
    const n = Math.max(o.decisions.length, r.decisions.length);
    for (let i = 0; i < n; i++) {
      const a = o.decisions[i] ? decisionKey(o.decisions[i]) : '(none)';
      const b = r.decisions[i] ? decisionKey(r.decisions[i]) : '(none)';
      if (a !== b) return { invariant: 'determinism', t: o.decisions[i]?.t ?? r.decisions[i]?.t, message: `decision ${i} differs between two identical runs: ${a} vs ${b}` };
    }
    if (JSON.stringify(o.result) !== JSON.stringify(r.result)) return { invariant: 'determinism', message: 'two identical runs gave different results' };
    return null;
  },
};

/** Every invariant, in the order they are checked (a run reports the first violated). */
export const INVARIANTS: readonly Invariant[] = [runCompletes, replicaConservation, noOvercommit, gangAllOrNothing, nothingOnDownOrTainted, queueCapability, determinism, gangUnsplit];

/** The invariants named (default: every one that is not opt-in). Unknown names throw a RangeError listing the known. */
export function selectInvariants(names?: readonly string[]): Invariant[] {
  if (!names || names.length === 0) return INVARIANTS.filter((i) => !i.optIn);
  return names.map((n) => {
    const inv = INVARIANTS.find((i) => i.name === n);
    if (!inv) throw new RangeError(`unknown invariant '${n}' (known: ${INVARIANTS.map((i) => i.name).join(', ')})`);
    return inv;
  });
}

/** Run a scenario with a scheduler, recording every decision; an error is kept, not thrown. */
export async function observeRun(scenario: Scenario, scheduler: string, seed?: number): Promise<RunObservation> {
  const rec = new DecisionRecorder();
  const s = seed ?? scenario.seed;
  let result: RunResult | null = null;
  let error: string | null = null;
  try {
    result = await runScenario(scenario, { scheduler, seed: s, decisions: rec });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return { scenario, scheduler, seed: s, result, error, decisions: rec.decisions };
}

/** Run once (twice with `determinism`) and return every violated invariant (at most one each). */
export async function checkRun(scenario: Scenario, scheduler: string, opts: { invariants?: readonly Invariant[]; seed?: number } = {}): Promise<Violation[]> {
  const invariants = opts.invariants ?? selectInvariants();
  let o = await observeRun(scenario, scheduler, opts.seed);
  if (invariants.some((i) => i.needsRerun)) o = { ...o, rerun: await observeRun(scenario, scheduler, opts.seed) };
  const out: Violation[] = [];
  for (const inv of invariants) {
    const v = inv.check(o);
    if (v) out.push(v);
  }
  return out;
}
