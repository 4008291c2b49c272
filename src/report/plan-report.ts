import type { CandidateResult, CheckFailure } from '../plan/evaluate.js';
import type { PlanResult } from '../plan/plan.js';
import { VEGA_LITE_SCHEMA } from './chart-parts.js';
import { renderHtmlReport, type ReportSection, type VegaLiteSpec } from './html.js';
import { formatInputs, inputsSection } from './inputs-report.js';
import { fmtSeconds } from './format.js';
import { fmtMetric } from './sweep-report.js';

/**
 * The report of a capacity plan (`fleetsim plan`): the recommended fleet against today's, what
 * holds each knob up (the constraint and failure case that fail one step lower), the frontier of
 * what was tried (objective against each constraint's worst case), the recommended fleet in each
 * failure case, every candidate, and how many runs the search took against a grid.
 */

/** An objective value for people: money with 2 decimals per hour, nodes as a count. */
export function fmtObjective(v: number | null, r: Pick<PlanResult, 'objective'>): string {
  if (v === null) return '—';
  return r.objective.name === 'cost' ? `${v.toFixed(2)}/h` : String(Math.round(v * 1000) / 1000);
}

/** The recommendation against today: `−30.64/h, −44.1 %`. */
function change(today: number, rec: number, r: Pick<PlanResult, 'objective'>): string {
  const sign = (v: number) => (v < 0 ? '−' : '+');
  const d = rec - today;
  return `${sign(d)}${fmtObjective(Math.abs(d), r)}${today > 0 ? `, ${sign(d)}${Math.abs((d / today) * 100).toFixed(1)} %` : ''}`;
}

/** `mean [low, high]` of a check in its metric's unit. */
function fmtCheck(f: Pick<CheckFailure, 'mean' | 'low' | 'high' | 'n'>, unit: string): string {
  if (f.mean === null) return 'no value';
  if (f.low === null || f.high === null) return `${fmtMetric(f.mean, unit)} (n=${f.n})`;
  if (f.low === f.high) return `${fmtMetric(f.mean, unit)} (n=${f.n}, no spread)`;
  return `${fmtMetric(f.mean, unit)} [${fmtMetric(f.low, unit)}, ${fmtMetric(f.high, unit)}]`;
}

function unitOfConstraint(r: PlanResult, text: string): string {
  return r.constraints.find((c) => c.text === text)?.unit ?? '';
}

/** One failed check in words: `slo(x).violationMinutes<=5 in serving-gz down: 7.20 [6.1, 8.3]`. */
export function fmtFailure(r: PlanResult, f: CheckFailure): string {
  if (f.constraint === '(runs)') return `${f.case}: ${f.why}`;
  const why = f.why === 'the interval misses the bound' ? '' : ` (${f.why})`;
  return `${f.constraint} in ${f.case}: ${fmtCheck(f, unitOfConstraint(r, f.constraint))}${why}`;
}

function valuesText(r: PlanResult, values: readonly number[]): string {
  return r.knobs.map((k, i) => `${k.label}=${values[i]}`).join(', ');
}

function heldBy(r: PlanResult, k: PlanResult['knobs'][number]): string {
  if (!k.binding) return '—';
  if (k.binding.kind === 'floor') return `the bottom of its range (${k.values[0]}): no constraint holds it up`;
  if (k.binding.failures.length === 0) return `nothing: ${k.binding.lower} passes too (see the notes)`;
  const [first, ...rest] = k.binding.failures;
  return `at ${k.binding.lower}: ${fmtFailure(r, first)}${rest.length ? ` (and ${rest.length} more)` : ''}`;
}

function busyText(r: PlanResult): string {
  const f = r.failures;
  if (f.cases.length <= 1) return 'The scenario as written, with its own faults (no outages generated: --failures).';
  const when = `Generated outages (mode down) begin at ${fmtSeconds(f.at)} and last ${fmtSeconds(f.duration)}`;
  const how = f.busyHour
    ? `: the busy hour of today's fleet, ${fmtSeconds(f.busyHour.start)}–${fmtSeconds(f.busyHour.end)}, the hour with the most ${f.busyHour.measure} (${Math.round(f.busyHour.value)}) in one run of the scenario as written (ITU-T E.600's busy hour: the continuous hour with the most traffic; candidate starts at the edges of the traffic timeline's windows, or of the metrics samples without services).`
    : ' (--failure-at).';
  return `${when}${how} Every case keeps the scenario's own faults; a candidate passes only if it passes every case.`;
}

/** The headline text: the recommendation and its objective against today's. */
export function formatPlanSummary(r: PlanResult): string {
  const lines: string[] = [];
  const cases = r.failures.cases;
  lines.push(`plan ${r.scenario}${r.variant ? ` (variant ${r.variant})` : ''}, scheduler ${r.scheduler}: the ${r.objective.name === 'cost' ? 'cheapest' : 'smallest'} fleet meeting ${r.constraints.map((c) => c.text).join(', ')} in ${cases.length} failure case${cases.length === 1 ? '' : 's'}${r.mode === 'grid' ? ' (grid: every point judged)' : ''}`);
  lines.push(`  failure cases: ${cases.map((c) => c.label).join('; ')}${cases.length > 1 ? ` (outages at ${fmtSeconds(r.failures.at)} for ${fmtSeconds(r.failures.duration)}${r.failures.busyHour ? ', the busy hour' : ''})` : ''}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push(...formatInputs(r.inputs));
  lines.push('');
  if (!r.recommended) {
    const top = r.candidates[0];
    lines.push(`no fleet in the ranges passes: even ${top ? valuesText(r, top.values) : 'the top'} fails${top?.failures[0] ? `: ${fmtFailure(r, top.failures[0])}` : ''}`);
  } else {
    const rows = [['knob', 'today', 'recommended', 'range', 'held by'], ...r.knobs.map((k) => [k.label, k.today === null ? '—' : String(k.today), String(k.recommended), `${k.values[0]}..${k.values[k.values.length - 1]}`, heldBy(r, k)])];
    const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
    for (const row of rows) lines.push(`  ${row.map((c, j) => (j === row.length - 1 ? c : c.padEnd(widths[j]))).join('  ')}`);
    const today = r.objective.today;
    const rec = r.objective.recommended!;
    lines.push(`  ${r.objective.name}: ${fmtObjective(today, r)} today → ${fmtObjective(rec, r)} recommended (${change(today, rec, r)})`);
  }
  if (r.today) lines.push(`  today's fleet ${todayVerdict(r, r.today)}`);
  const s = r.search;
  lines.push(
    `  ${r.mode}: ${s.candidates} candidates, ${s.runs} runs (a grid: ${s.gridPoints} points × ${cases.length} cases × ${r.statistics.replications} replications = at least ${s.gridRunsAtLeast} runs)${r.mode === 'search' ? (s.proved ? '; every cheaper point settled' : '; not proved cheapest (grid too large)') : ''}`,
  );
  if (s.failedRuns) lines.push(`  ${s.failedRuns} runs failed (their candidates fail; see runs.jsonl)`);
  return lines.join('\n') + '\n';
}

interface FrontierRow {
  objective: number;
  worst: number;
  verdict: 'recommended' | 'passes' | 'fails';
  candidate: string;
}

const VERDICT_COLOURS = { scale: { domain: ['recommended', 'passes', 'fails'], range: ['#1c7ed6', '#2f9e44', '#d9480f'] } };

/** Per constraint: each candidate's worst case (over failure cases) against its objective, and the frontier of what was tried. */
function frontierChart(r: PlanResult, j: number): VegaLiteSpec | null {
  const c = r.constraints[j];
  const lowerBetter = c.op === '<=' || c.op === '<';
  const rows: FrontierRow[] = [];
  for (const cand of r.candidates) {
    const means = cand.cases.map((o) => o.checks[j]?.mean).filter((m): m is number => m !== null && m !== undefined);
    if (means.length === 0) continue;
    rows.push({
      objective: cand.objective,
      worst: lowerBetter ? Math.max(...means) : Math.min(...means),
      verdict: r.recommended?.ordinal === cand.ordinal ? 'recommended' : cand.pass ? 'passes' : 'fails',
      candidate: valuesText(r, cand.values),
    });
  }
  if (rows.length === 0) return null;
  // The frontier: the best worst case reached at or below each objective.
  const sorted = [...rows].sort((a, b) => a.objective - b.objective || (lowerBetter ? a.worst - b.worst : b.worst - a.worst));
  const frontier: { objective: number; worst: number }[] = [];
  for (const p of sorted) {
    const last = frontier[frontier.length - 1];
    if (!last || (lowerBetter ? p.worst < last.worst : p.worst > last.worst)) frontier.push({ objective: p.objective, worst: p.worst });
  }
  // The y domain takes in the bound; a flat one (every value 0 and a bound of 0) gets some height.
  const lo = Math.min(c.bound, ...rows.map((x) => x.worst));
  const hi = Math.max(c.bound, ...rows.map((x) => x.worst));
  const x = { field: 'objective', type: 'quantitative', title: r.objective.name === 'cost' ? 'fleet cost per hour' : 'nodes', scale: { zero: false } };
  const y = { field: 'worst', type: 'quantitative', title: `worst case over failure cases (${c.unit})`, scale: { domain: [lo, hi > lo ? hi : lo + 1], nice: true } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `${c.text}: what was tried`,
    width: 460,
    height: 240,
    layer: [
      { data: { values: frontier }, mark: { type: 'line', interpolate: 'step-after', color: '#8a94a6' }, encoding: { x, y } },
      { data: { values: [{ bound: c.bound }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#c0392b' }, encoding: { y: { field: 'bound', type: 'quantitative' } } },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color: { field: 'verdict', type: 'nominal', ...VERDICT_COLOURS, title: 'candidate' },
          tooltip: [
            { field: 'candidate', type: 'nominal' },
            { field: 'objective', type: 'quantitative', format: '.2f' },
            { field: 'worst', type: 'quantitative', format: '.3f', title: 'worst case' },
            { field: 'verdict', type: 'nominal' },
          ],
        },
      },
    ],
  } as VegaLiteSpec;
}

/** The search's path: each candidate's objective in the order judged, coloured by verdict. */
function pathChart(r: PlanResult): VegaLiteSpec {
  const rows = r.candidates.map((c) => ({ n: c.ordinal + 1, objective: c.objective, verdict: r.recommended?.ordinal === c.ordinal ? 'recommended' : c.pass ? 'passes' : 'fails', phase: c.phase, candidate: valuesText(r, c.values) }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `The ${r.mode === 'grid' ? 'grid' : 'search'}: candidates in the order judged`,
    width: 460,
    height: 220,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 50 },
    encoding: {
      x: { field: 'n', type: 'quantitative', title: 'candidate #', scale: { domainMin: 1 }, axis: { tickMinStep: 1 } },
      y: { field: 'objective', type: 'quantitative', title: r.objective.name === 'cost' ? 'fleet cost per hour' : 'nodes', scale: { zero: false } },
      color: { field: 'verdict', type: 'nominal', ...VERDICT_COLOURS, title: 'candidate' },
      shape: { field: 'phase', type: 'nominal' },
      tooltip: [{ field: 'n', type: 'quantitative' }, { field: 'candidate', type: 'nominal' }, { field: 'phase', type: 'nominal' }, { field: 'verdict', type: 'nominal' }],
    },
  } as VegaLiteSpec;
}

/** `passes every case` or `fails: <the first failed check>`. */
function todayVerdict(r: PlanResult, c: CandidateResult): string {
  return c.pass ? 'passes every case' : `fails: ${c.failures[0] ? fmtFailure(r, c.failures[0]) : ''}${c.failures.length > 1 ? ` (and ${c.failures.length - 1} more)` : ''}`;
}

function firstFailure(r: PlanResult, c: CandidateResult): string {
  if (c.pass) return '';
  return c.failures.length ? fmtFailure(r, c.failures[0]) + (c.failures.length > 1 ? ` (+${c.failures.length - 1})` : '') : '';
}

export async function renderPlanReport(r: PlanResult): Promise<string> {
  const sections: ReportSection[] = [];
  const s = r.search;
  if (r.recommended) {
    const today = r.objective.today;
    const rec = r.objective.recommended!;
    sections.push({
      title: 'Recommended fleet',
      text: [
        `The ${r.objective.name === 'cost' ? 'cheapest' : 'smallest'} fleet in the ranges that meets ${r.constraints.map((c) => c.text).join(', ')} in every one of the ${r.failures.cases.length} failure cases: ${fmtObjective(rec, r)} against today's ${fmtObjective(today, r)} (${change(today, rec, r)}). ${r.today ? `Today's fleet ${todayVerdict(r, r.today)}.` : "Today's fleet is not in the ranges searched, so it was not judged."}`,
        '"Held by" is what fails with that knob one step lower and the others as recommended: the binding constraint and failure case, with its mean and confidence interval there.',
      ].join('\n\n'),
      table: {
        columns: ['knob', 'today', 'recommended', 'held by', 'range', `${r.objective.name} per unit`, 'path'],
        rows: r.knobs.map((k) => [k.label, k.today, k.recommended, heldBy(r, k), `${k.values[0]}..${k.values[k.values.length - 1]} (${k.values.length} values)`, fmtObjective(k.unitObjective, r), k.path]),
      },
    });
  } else {
    const top = r.candidates[0];
    sections.push({
      title: 'No fleet in the ranges passes',
      text: `Even the top of every range (${top ? valuesText(r, top.values) : '—'}) fails: ${top ? top.failures.map((f) => fmtFailure(r, f)).join('; ') : '—'}. Widen the ranges or relax a constraint.`,
    });
  }

  const frontiers = r.constraints.map((_, j) => frontierChart(r, j)).filter((c): c is VegaLiteSpec => c !== null);
  sections.push({
    title: 'Frontier: objective against each constraint, over what was tried',
    text: `Each point is a candidate the ${r.mode} judged: its ${r.objective.name} and its worst case over the failure cases (the mean over replications); the dashed line is the bound, the grey steps the best worst case reached at each ${r.objective.name}. A candidate passes on confidence intervals, not means: one whose mean meets the bound may still fail.`,
    charts: [...frontiers, pathChart(r)],
  });

  if (r.recommended) {
    const rows: (string | number | null)[][] = [];
    r.recommended.cases.forEach((o) => o.checks.forEach((k, j) => rows.push([o.case, r.constraints[j].text, o.runs, fmtCheck(k, r.constraints[j].unit), k.verdict])));
    sections.push({ title: 'The recommended fleet in each failure case', text: busyText(r), table: { columns: ['failure case', 'constraint', 'replications', 'mean [confidence interval]', 'verdict'], rows } });
  } else {
    sections.push({ title: 'Failure cases', text: busyText(r), table: { columns: ['failure case', 'outages added'], rows: r.failures.cases.map((c) => [c.label, c.faults.length ? JSON.stringify(c.faults) : '—']) } });
  }

  sections.push({
    title: 'Candidates judged',
    text: `In the order judged. Phases: today (today's fleet, when it is in the ranges: if it passes the descent starts there), top (every knob at its highest), descent (bisection per knob, coordinate descent over knobs), proof (settling the cheaper points monotonicity does not), binding (each knob one step below the answer)${r.mode === 'grid' ? ', grid (every point)' : ''}. Runs: replications × failure cases, more where a constraint was undecided.`,
    table: {
      columns: ['#', 'phase', ...r.knobs.map((k) => k.label), r.objective.name, 'verdict', 'first failure', 'runs'],
      rows: r.candidates.map((c) => [c.ordinal + 1, c.phase, ...c.values, fmtObjective(c.objective, r), c.pass ? 'passes' : 'fails', firstFailure(r, c), c.runs]),
      visibleRows: 40,
    },
  });

  const phases = Object.entries(s.byPhase).map(([p, n]) => `${p} ${n}`).join(', ');
  sections.push({
    title: 'Runs: the search against a grid',
    text: [
      `${s.candidates} candidates (${phases}) and ${s.runs} runs, the busy-hour run included. A grid over the same ranges has ${s.gridPoints} points: at ${r.failures.cases.length} failure cases × ${r.statistics.replications} replications each, at least ${s.gridRunsAtLeast} runs.`,
      r.mode === 'search'
        ? s.proved
          ? 'Every point cheaper than the answer was settled, by a run or by monotonicity (a point below a failing one fails; above a passing one passes), so the answer is the grid\'s, as long as the knobs are monotone.'
          : 'The grid is too large to settle every cheaper point: the answer is coordinate descent\'s.'
        : 'Every point was judged.',
      `Statistics: ${r.statistics.replications} replications per failure case to start, doubled up to ${r.statistics.maxReplications} while a constraint's ${Math.round(r.statistics.confidence * 100)} % confidence interval straddles its bound; still undecided there, it fails. Every candidate and case runs on the same seeds (common random numbers).`,
    ].join('\n\n'),
    ...(s.contradictions.length
      ? { table: { columns: ['candidate', 'verdict', 'contradicts'], rows: s.contradictions.map((c) => [valuesText(r, c.values), c.pass ? 'passes' : 'fails', `${valuesText(r, c.against)} ${c.pass ? 'fails' : 'passes'}`]) } }
      : {}),
  });

  if (r.notes.length) sections.push({ title: 'Notes', text: r.notes.join('\n\n') });
  const inputs = inputsSection(r.inputs);
  if (inputs) sections.push(inputs);
  sections.push({ title: 'Scenario', pre: r.scenarioText });
  return renderHtmlReport({
    title: `Capacity plan: ${r.scenario}`,
    subtitle: `${r.description}${r.variant ? ` (variant ${r.variant})` : ''}: scheduler ${r.scheduler}; ${r.knobs.length} knob${r.knobs.length === 1 ? '' : 's'}, ${r.constraints.length} constraint${r.constraints.length === 1 ? '' : 's'}, ${r.failures.cases.length} failure case${r.failures.cases.length === 1 ? '' : 's'}`,
    sections,
  });
}
