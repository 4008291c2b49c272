import { caseLabel, type GateCheck, type GateResult, type Verdict } from './compare.js';
import type { BenchSuite } from './suite.js';

/**
 * The gate's reports: a Markdown summary (fit for a CI job summary, e.g. appended to
 * `$GITHUB_STEP_SUMMARY`) and JUnit XML (one testcase per scenario × scheduler × metric, for
 * CI test reporters). Both are pure functions of the results: no timestamps, no wall times.
 */

/** A number for people: 4 significant digits, exponent form only for very large or small values. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

const signed = (x: number): string => (x > 0 ? `+${num(x)}` : num(x));

function pValue(p: number | null): string {
  if (p === null) return '–';
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

const VERDICT_TEXT: Record<Verdict, string> = {
  pass: '✅ pass',
  regression: '❌ regression',
  improvement: '🟢 improved',
  new: '🆕 new',
  'no-data': '➖ no data',
  error: '💥 error',
};

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export interface ReportContext {
  readonly suite: BenchSuite;
  readonly result: GateResult;
  /** The baseline file as displayed, and the version that recorded it (null: none). */
  readonly baseline: { readonly file: string; readonly fleetsim: string } | null;
  /** Set when the run recorded a new baseline. */
  readonly updatedBaseline?: string;
}

export function renderMarkdown(ctx: ReportContext): string {
  const { suite, result } = ctx;
  const level = Math.round((1 - suite.alpha) * 1000) / 10;
  const judged = result.checks.length;
  let headline: string;
  if (result.errors > 0) headline = `💥 ${result.errors} check(s) with failed runs${result.regressions ? `, ${result.regressions} regression(s)` : ''}`;
  else if (result.regressions > 0) headline = `❌ ${result.regressions} regression(s) in ${judged} checks`;
  else headline = `✅ no regression in ${judged} checks${result.improvements ? ` (${result.improvements} improved)` : ''}`;
  const out: string[] = [];
  out.push(`## fleetsim bench: ${suite.name} — ${headline}`, '');
  if (suite.description) out.push(suite.description, '');
  const baselineText = ctx.baseline ? `\`${ctx.baseline.file}\` (recorded by fleetsim ${ctx.baseline.fleetsim})` : 'none';
  out.push(
    `Baseline: ${baselineText} · suite \`${suite.file}\` · α = ${suite.alpha} · paired t-test on common seeds (Welch's t-test otherwise) · ` +
      `a regression is a significant worsening (one-sided p < α) larger than the tolerance.`,
  );
  if (ctx.updatedBaseline) out.push('', `Baseline updated: \`${ctx.updatedBaseline}\`.`);
  out.push('');
  out.push(`| scenario × scheduler | metric | better | baseline | candidate | Δ | ${level}% CI of Δ | p (worse) | tolerance | verdict |`);
  out.push('|---|---|:-:|--:|--:|--:|:-:|--:|--:|---|');
  for (const c of result.checks) out.push(row(c));
  const details = result.checks.filter((c) => c.verdict === 'regression' || c.verdict === 'error');
  if (details.length) {
    out.push('', '### Failing checks', '');
    for (const c of details) out.push(`- **${mdEscape(caseLabel(c))}**, \`${c.metric.key}\`: ${mdEscape(c.message)}`);
  }
  if (result.notes.length) {
    out.push('', '### Notes', '');
    for (const n of result.notes) out.push(`- ${mdEscape(n)}`);
  }
  out.push('');
  return out.join('\n');
}

function row(c: GateCheck): string {
  const cmp = c.comparison;
  const arrow = c.metric.direction === 'lower' ? '↓' : '↑';
  let delta = '–';
  let ci = '–';
  if (cmp && cmp.diff !== null) {
    const rel = cmp.baselineMean ? ` (${signed((cmp.diff / Math.abs(cmp.baselineMean)) * 100)}%)` : '';
    delta = `${signed(cmp.diff)}${rel}`;
    if (cmp.ciLow !== null && cmp.ciHigh !== null) ci = `[${num(cmp.ciLow)}, ${num(cmp.ciHigh)}]`;
  }
  const tol = c.metric.tolerance.kind === 'relative' ? `${c.metric.tolerance.text} (${num(c.toleranceAbs)})` : c.metric.tolerance.text;
  const unit = c.metric.unit === 'ratio' || c.metric.unit === 'count' ? '' : ` ${c.metric.unit}`;
  return `| ${mdEscape(caseLabel(c))} | \`${c.metric.key}\`${unit} | ${arrow} | ${num(cmp?.baselineMean)} | ${num(cmp?.candidateMean)} | ${delta} | ${ci} | ${pValue(c.pBad)} | ${tol} | ${VERDICT_TEXT[c.verdict]} |`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** JUnit XML: one testsuite (the suite), one testcase per scenario × scheduler × metric. */
export function renderJUnit(ctx: ReportContext): string {
  const { suite, result } = ctx;
  const failures = result.regressions;
  const errors = result.errors;
  const skipped = result.checks.filter((c) => c.verdict === 'no-data' || c.verdict === 'new').length;
  const n = result.checks.length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="fleetsim bench" tests="${n}" failures="${failures}" errors="${errors}" skipped="${skipped}">`);
  out.push(`  <testsuite name="${xml(suite.name)}" tests="${n}" failures="${failures}" errors="${errors}" skipped="${skipped}">`);
  out.push('    <properties>');
  out.push(`      <property name="alpha" value="${suite.alpha}"/>`);
  out.push(`      <property name="suite" value="${xml(suite.file)}"/>`);
  if (ctx.baseline) out.push(`      <property name="baseline" value="${xml(ctx.baseline.file)}"/>`);
  out.push('    </properties>');
  for (const c of result.checks) {
    const classname = `${c.name}${c.point === 'base' ? '' : `[${c.point}]`}.${c.scheduler}`;
    const open = `    <testcase classname="${xml(classname)}" name="${xml(c.metric.key)}"`;
    const detail = detailText(c);
    if (c.verdict === 'regression') {
      out.push(`${open}>`, `      <failure type="regression" message="${xml(c.message)}">${xml(detail)}</failure>`, '    </testcase>');
    } else if (c.verdict === 'error') {
      out.push(`${open}>`, `      <error type="run-failed" message="${xml(c.message)}"/>`, '    </testcase>');
    } else if (c.verdict === 'no-data' || c.verdict === 'new') {
      out.push(`${open}>`, `      <skipped message="${xml(c.message)}"/>`, '    </testcase>');
    } else {
      out.push(`${open}>`, `      <system-out>${xml(detail)}</system-out>`, '    </testcase>');
    }
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}

function detailText(c: GateCheck): string {
  const cmp = c.comparison;
  if (!cmp) return c.message;
  return [
    c.message,
    `method: ${cmp.method}; n: baseline ${cmp.nBaseline}, candidate ${cmp.nCandidate}`,
    `baseline mean ${num(cmp.baselineMean)}, candidate mean ${num(cmp.candidateMean)}, difference ${num(cmp.diff)} [${num(cmp.ciLow)}, ${num(cmp.ciHigh)}]`,
    `better: ${c.metric.direction}; tolerance ${c.metric.tolerance.text} = ${num(c.toleranceAbs)}; one-sided p (worse) ${pValue(c.pBad)}`,
  ].join('\n');
}
