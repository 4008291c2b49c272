import { Simulation } from '../kernel/index.js';
import { World } from '../model/world.js';
import type { SchedulerPlugins } from '../placement/registry.js';
import { resolveScheduler } from '../placement/builtin.js';
import { expandWorkloads, runScenario } from '../runner/run.js';
import type { RunResult } from '../runner/result.js';
import type { Scenario } from '../scenario/types.js';
import { placementFacts, pluginsOf } from '../placement/explain.js';
import { decidingTerm } from './explain.js';
import { DecisionRecorder, type BindDecision, type Decision, type PlacementDecision } from './record.js';

/**
 * `fleetsim diff`: run one scenario with two schedulers on the same seed, record every decision
 * (DecisionSink: fleet placements with what the scheduler saw, member binds), and report
 *
 * - the **first divergence**: walking both decision streams in time order, the first decision
 *   that differs (its time, workload, and result or node), with the filter or score term that
 *   decided it (explain.ts);
 * - the **placements that differ**: per workload, the first fleet decision whose result differs,
 *   per cluster with the deciding term, and how many of its decisions differ;
 * - the **replicas that differ**: per workload, its k-th bound pod (replica k, in bind order) in
 *   A vs in B: another cluster, another node, or the same node at another time.
 *
 * Workload indexes are the same in both runs (the workload list, arrival streams included,
 * depends on the scenario and seed only), so decisions are matched by workload and order.
 */

export interface BindSide {
  readonly t: number;
  readonly cluster: string;
  readonly node: string;
}

export interface ReplicaDiff {
  readonly workload: string;
  /** 0-based: the workload's k-th bind in the run. */
  readonly replica: number;
  readonly what: 'cluster' | 'node' | 'time' | 'only-a' | 'only-b';
  readonly a: BindSide | null;
  readonly b: BindSide | null;
}

export interface ClusterDecision {
  readonly cluster: string;
  readonly a: number;
  readonly b: number;
  readonly decidedBy: string;
}

export interface PlacementDiff {
  readonly workload: string;
  /** 0-based index of the workload's first differing fleet decision. */
  readonly decision: number;
  readonly a: { readonly t: number; readonly result: string } | null;
  readonly b: { readonly t: number; readonly result: string } | null;
  readonly clusters: readonly ClusterDecision[];
  /** Why, when it is not a per-cluster matter (one side failed, or made no such decision). */
  readonly note: string;
  /** How many of the workload's decisions differ (index by index). */
  readonly differingDecisions: number;
  readonly finalA: string;
  readonly finalB: string;
}

export interface FirstDivergence {
  readonly t: number;
  readonly a: string | null;
  readonly b: string | null;
  readonly decidedBy: readonly string[];
}

export interface DiffResult {
  readonly scenario: string;
  readonly seed: number;
  readonly a: string;
  readonly b: string;
  readonly identical: boolean;
  readonly decisions: { readonly a: number; readonly b: number };
  readonly firstDivergence: FirstDivergence | null;
  readonly placements: readonly PlacementDiff[];
  readonly replicas: readonly ReplicaDiff[];
  readonly runs: { readonly a: RunResult; readonly b: RunResult };
}

/** Seconds with millisecond precision. */
export const fmtT = (t: number): string => `${t.toFixed(3)}s`;

function outcomeText(d: PlacementDecision): string {
  if (!d.outcome.ok) return `${d.outcome.kind}: ${d.outcome.message}`;
  const parts = [...d.outcome.clusters].filter((t) => t.replicas > 0 || d.request.replicas === 0).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return parts.length ? parts.map((t) => `${t.name}:${t.replicas}`).join(', ') : '(no clusters)';
}

interface Side {
  readonly name: string;
  readonly plugins: SchedulerPlugins | null;
  readonly rec: DecisionRecorder;
}

export async function diffSchedulers(scenario: Scenario, schedulerA: string, schedulerB: string, opts: { seed?: number } = {}): Promise<DiffResult> {
  const seed = opts.seed ?? scenario.seed;
  const sides: Side[] = [];
  const runs: RunResult[] = [];
  for (const spec of [schedulerA, schedulerB]) {
    const s = await resolveScheduler(spec);
    const rec = new DecisionRecorder();
    runs.push(await runScenario(scenario, { scheduler: spec, seed, decisions: rec }));
    sides.push({ name: s.name, plugins: await pluginsOf(spec), rec });
  }
  const [A, B] = sides;
  const world = new World(scenario);
  const specs = expandWorkloads(scenario, new Simulation({ seed }));
  const wname = (w: number): string => (specs[w] ? `${specs[w].kind} ${specs[w].namespace}/${specs[w].name}` : `workload #${w}`);
  const cname = (c: number): string => world.clusters[c]?.name ?? `cluster #${c}`;
  const bindSide = (d: BindDecision): BindSide => ({ t: d.t, cluster: cname(d.cluster), node: world.nodeName(d.node) });
  const describe = (d: Decision): string =>
    d.kind === 'placement' ? `placement of ${wname(d.workload)} at ${fmtT(d.t)}: ${outcomeText(d)}` : `bind of a pod of ${wname(d.workload)} at ${fmtT(d.t)} to ${world.nodeName(d.node)} (${cname(d.cluster)})`;

  /** Per-cluster deciding terms between two placement decisions of the same workload. */
  const perCluster = (da: PlacementDecision, db: PlacementDecision): ClusterDecision[] => {
    const fa = placementFacts(da, A.name, A.plugins);
    const fb = placementFacts(db, B.name, B.plugins);
    const names = [...new Set([...fa.clusters.map((c) => c.name), ...fb.clusters.map((c) => c.name)])];
    const out: ClusterDecision[] = [];
    for (const n of names) {
      const a = fa.clusters.find((c) => c.name === n)?.replicas ?? 0;
      const b = fb.clusters.find((c) => c.name === n)?.replicas ?? 0;
      if (a !== b) out.push({ cluster: n, a, b, decidedBy: decidingTerm(fa, fb, n) });
    }
    return out;
  };
  const failureNote = (da: PlacementDecision | null, db: PlacementDecision | null): string => {
    if (!da || !db) return `only ${da ? 'A' : 'B'} made this decision`;
    if (!da.outcome.ok && !db.outcome.ok) return `both failed: A ${da.outcome.kind}, B ${db.outcome.kind}`;
    if (!da.outcome.ok) return `A could not place it (${da.outcome.kind}: ${da.outcome.message})`;
    if (!db.outcome.ok) return `B could not place it (${db.outcome.kind}: ${db.outcome.message})`;
    return '';
  };

  // Placements per workload.
  const byWorkload = (rec: DecisionRecorder) => {
    const m = new Map<number, PlacementDecision[]>();
    for (const d of rec.placements()) {
      let l = m.get(d.workload);
      if (!l) m.set(d.workload, (l = []));
      l.push(d);
    }
    return m;
  };
  const pa = byWorkload(A.rec);
  const pb = byWorkload(B.rec);
  const workloads = [...new Set([...pa.keys(), ...pb.keys()])].sort((x, y) => x - y);
  const placements: PlacementDiff[] = [];
  for (const w of workloads) {
    const la = pa.get(w) ?? [];
    const lb = pb.get(w) ?? [];
    let first = -1;
    let count = 0;
    for (let k = 0; k < Math.max(la.length, lb.length); k++) {
      const same = la[k] && lb[k] && outcomeText(la[k]) === outcomeText(lb[k]);
      if (!same) {
        count++;
        if (first < 0) first = k;
      }
    }
    if (first < 0) continue;
    const da = la[first] ?? null;
    const db = lb[first] ?? null;
    const clusters = da && db && da.outcome.ok && db.outcome.ok ? perCluster(da, db) : [];
    placements.push({
      workload: wname(w),
      decision: first,
      a: da ? { t: da.t, result: outcomeText(da) } : null,
      b: db ? { t: db.t, result: outcomeText(db) } : null,
      clusters,
      note: failureNote(da, db) || (clusters.length === 0 ? 'the same replicas per cluster in another order' : ''),
      differingDecisions: count,
      finalA: la.length ? outcomeText(la[la.length - 1]) : '(never placed)',
      finalB: lb.length ? outcomeText(lb[lb.length - 1]) : '(never placed)',
    });
  }

  // Replicas: the k-th bind of each workload.
  const bindsBy = (rec: DecisionRecorder) => {
    const m = new Map<number, BindDecision[]>();
    for (const d of rec.binds()) {
      let l = m.get(d.workload);
      if (!l) m.set(d.workload, (l = []));
      l.push(d);
    }
    return m;
  };
  const ba = bindsBy(A.rec);
  const bb = bindsBy(B.rec);
  const replicas: ReplicaDiff[] = [];
  for (const w of [...new Set([...ba.keys(), ...bb.keys()])].sort((x, y) => x - y)) {
    const la = ba.get(w) ?? [];
    const lb = bb.get(w) ?? [];
    for (let k = 0; k < Math.max(la.length, lb.length); k++) {
      const x = la[k];
      const y = lb[k];
      let what: ReplicaDiff['what'] | null = null;
      if (!y) what = 'only-a';
      else if (!x) what = 'only-b';
      else if (x.cluster !== y.cluster) what = 'cluster';
      else if (x.node !== y.node) what = 'node';
      else if (x.t !== y.t) what = 'time';
      if (what) replicas.push({ workload: wname(w), replica: k, what, a: x ? bindSide(x) : null, b: y ? bindSide(y) : null });
    }
  }

  // The first divergence: the decision streams in time order, compared one by one.
  const sig = (d: Decision): string => (d.kind === 'placement' ? `P\u0000${d.t}\u0000${d.workload}\u0000${outcomeText(d)}` : `B\u0000${d.t}\u0000${d.workload}\u0000${d.cluster}\u0000${d.node}`);
  const da = A.rec.decisions;
  const db = B.rec.decisions;
  let firstDivergence: FirstDivergence | null = null;
  for (let i = 0; i < Math.max(da.length, db.length); i++) {
    const x = da[i];
    const y = db[i];
    if (x && y && sig(x) === sig(y)) continue;
    const t = Math.min(x?.t ?? Infinity, y?.t ?? Infinity);
    const why: string[] = [];
    if (x?.kind === 'placement' && y?.kind === 'placement' && x.workload === y.workload) {
      const note = failureNote(x, y);
      if (note) why.push(note);
      else {
        const cs = perCluster(x, y);
        for (const c of cs) why.push(`${c.cluster}: A ${c.a}, B ${c.b} replicas — ${c.decidedBy}`);
        if (cs.length === 0) why.push('the same replicas per cluster in another order');
      }
    } else if (x?.kind === 'bind' && y?.kind === 'bind' && x.workload === y.workload && x.cluster === y.cluster) {
      const spec = world.clusters[x.cluster].spec;
      why.push(
        x.node !== y.node
          ? `member scheduling in ${cname(x.cluster)} (${spec.scheduler}, node scoring ${spec.nodeScoring}): A bound to ${world.nodeName(x.node)}, B to ${world.nodeName(y.node)}; the nodes' free resources differed (pods placed or ended differently before)`
          : `the same node at another time (A ${fmtT(x.t)}, B ${fmtT(y.t)}): the pod reached the cluster, or a node freed up, at another time`,
      );
    } else if (x?.kind === 'bind' && y?.kind === 'bind' && x.workload === y.workload) {
      const last = (l: PlacementDecision[] | undefined, before: number) => [...(l ?? [])].reverse().find((p) => p.t <= before) ?? null;
      const qa = last(pa.get(x.workload), x.t);
      const qb = last(pb.get(y.workload), y.t);
      why.push(`follows the fleet placement: A ${qa ? outcomeText(qa) : '(none)'}, B ${qb ? outcomeText(qb) : '(none)'}`);
    } else {
      why.push('the two runs made different decisions at this point (one scheduled, bound or retried something the other did not, or at another time)');
    }
    firstDivergence = { t, a: x ? describe(x) : null, b: y ? describe(y) : null, decidedBy: why };
    break;
  }

  return {
    scenario: scenario.name,
    seed,
    a: A.name,
    b: B.name,
    identical: firstDivergence === null,
    decisions: { a: da.length, b: db.length },
    firstDivergence,
    placements,
    replicas,
    runs: { a: runs[0], b: runs[1] },
  };
}

/** The diff as text for a terminal: first divergence, differing placements, differing replicas (the first `limit` of each). */
export function formatDiff(d: DiffResult, limit = 20): string {
  const out: string[] = [];
  out.push(`fleetsim diff: scenario ${d.scenario}, seed ${d.seed}: A = ${d.a}, B = ${d.b} (${d.decisions.a} vs ${d.decisions.b} decisions)`);
  if (d.identical) {
    out.push('', 'identical: every placement and every bind is the same, at the same time.');
    return out.join('\n') + '\n';
  }
  const f = d.firstDivergence!;
  out.push('', `First divergence at ${fmtT(f.t)}:`);
  out.push(`  A: ${f.a ?? '(no more decisions)'}`);
  out.push(`  B: ${f.b ?? '(no more decisions)'}`);
  for (const w of f.decidedBy) out.push(`  decided by: ${w}`);

  out.push('', `Placements that differ: ${d.placements.length} workload(s)`);
  for (const p of d.placements.slice(0, limit)) {
    out.push(`  ${p.workload}, decision #${p.decision + 1}${p.differingDecisions > 1 ? ` (${p.differingDecisions} decisions differ)` : ''}:`);
    out.push(`    A ${p.a ? `at ${fmtT(p.a.t)}: ${p.a.result}` : '(no such decision)'}`);
    out.push(`    B ${p.b ? `at ${fmtT(p.b.t)}: ${p.b.result}` : '(no such decision)'}`);
    for (const c of p.clusters) out.push(`    ${c.cluster}: A ${c.a}, B ${c.b} — ${c.decidedBy}`);
    if (p.note) out.push(`    ${p.note}`);
    if (p.finalA !== p.a?.result || p.finalB !== p.b?.result) out.push(`    final: A ${p.finalA}; B ${p.finalB}`);
  }
  if (d.placements.length > limit) out.push(`  ... and ${d.placements.length - limit} more (--limit, or --json for all)`);

  out.push('', `Replicas that differ: ${d.replicas.length}`);
  if (d.replicas.length) {
    const rows = d.replicas.slice(0, limit).map((r) => [
      r.workload,
      String(r.replica),
      r.what,
      r.a ? `${r.a.node} @ ${fmtT(r.a.t)}` : '–',
      r.b ? `${r.b.node} @ ${fmtT(r.b.t)}` : '–',
    ]);
    const head = ['workload', 'replica', 'differs in', 'A: node @ time', 'B: node @ time'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    out.push(line(head), ...rows.map(line));
    if (d.replicas.length > limit) out.push(`  ... and ${d.replicas.length - limit} more (--limit, or --json for all)`);
  }
  return out.join('\n') + '\n';
}
