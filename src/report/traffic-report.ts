import type { RunResult } from '../runner/result.js';
import { hours, sampleIndexes, stepSeries, TIME_X, VEGA_LITE_SCHEMA } from './chart-parts.js';
import type { ReportSection, VegaLiteSpec } from './html.js';

/**
 * The report's traffic, autoscaling and rollout sections of one run: a latency CDF and an SLO
 * timeline per service, replicas over time per FederatedHPA, and the canary weight per cluster
 * over time per rollout, with tables of the figures.
 */

const fmtMs = (x: number | null): string => (x === null ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(1));
/** Shares below 1e-9 are the fluid model's numerical residue: shown as 0. */
const pctText = (x: number): string => (x < 1e-9 ? '0%' : x < 0.0001 ? `${(x * 100).toExponential(1)}%` : `${(x * 100).toFixed(3)}%`);
const count = (x: number): string => (Number.isInteger(x) || x >= 100 ? String(Math.round(x)) : x.toFixed(1));

function durationText(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function latencyCdf(run: RunResult, tag: string): VegaLiteSpec {
  const rows = (run.traffic ?? []).flatMap((s) => s.cdf.filter((p) => p.ms > 0).map((p) => ({ service: s.service, ms: p.ms, p: p.p })));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Latency CDF of served requests${tag}`,
    width: 480,
    height: 240,
    data: { values: rows },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log scale)' },
      y: { field: 'p', type: 'quantitative', title: 'P(latency ≤ x)', axis: { format: '.0%' } },
      color: { field: 'service', type: 'nominal' },
      tooltip: [{ field: 'service', type: 'nominal' }, { field: 'ms', type: 'quantitative', format: '.1f' }, { field: 'p', type: 'quantitative', format: '.4f' }],
    },
  } as VegaLiteSpec;
}

function sloTimeline(svc: NonNullable<RunResult['traffic']>[number], tag: string): VegaLiteSpec {
  const tl = svc.timeline;
  const pct = svc.slo ? svc.slo.percentile : 99;
  const window = svc.slo?.window ?? 60;
  // A window that served nothing has no latency: a gap in the line.
  const lines = sampleIndexes(tl.t.length).flatMap((i) => [
    ...(tl.pSlo[i] === null ? [] : [{ h: hours(tl.t[i]), series: `p${pct} latency (ms)`, value: tl.pSlo[i] }]),
    ...(tl.p50[i] === null ? [] : [{ h: hours(tl.t[i]), series: 'p50 latency (ms)', value: tl.p50[i] }]),
  ]);
  const bad = tl.t.flatMap((t, i) => (tl.violated[i] ? [{ from: hours(Math.max(0, t - window)), to: hours(t), errors: tl.errorRate[i], timeouts: tl.timeoutRate[i] }] : []));
  const layers: object[] = [];
  if (bad.length) {
    layers.push({
      data: { values: bad },
      mark: { type: 'rect', color: '#e45756', opacity: 0.25, stroke: '#e45756', strokeWidth: 1 },
      encoding: {
        x: { field: 'from', type: 'quantitative' },
        x2: { field: 'to' },
        tooltip: [{ field: 'from', type: 'quantitative', title: 'from (min)', format: '.1f' }, { field: 'errors', type: 'quantitative', format: '.2%' }, { field: 'timeouts', type: 'quantitative', format: '.2%' }],
      },
    });
  }
  layers.push({
    data: { values: lines },
    ...stepSeries({ color: 'series', colorTitle: '', yTitle: 'latency (ms)', valueFormat: '.1f', interpolate: 'step-before' }),
  });
  if (svc.slo?.latencyMs) {
    layers.push({ data: { values: [{ y: svc.slo.latencyMs }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#e45756' }, encoding: { y: { field: 'y', type: 'quantitative' } } });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `SLO timeline: ${svc.namespace}/${svc.service}${tag} (shaded: windows violating the SLO)`,
    width: 760,
    height: 220,
    layer: layers,
  } as VegaLiteSpec;
}

function rpsChart(svc: NonNullable<RunResult['traffic']>[number], tag: string): VegaLiteSpec {
  const tl = svc.timeline;
  const rows = sampleIndexes(tl.t.length).flatMap((i) => [
    { h: hours(tl.t[i]), series: 'offered (req/s)', value: tl.rps[i] },
    { h: hours(tl.t[i]), series: 'failed or timed out (req/s)', value: tl.rps[i] * (tl.errorRate[i] + tl.timeoutRate[i]) },
  ]);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Requests: ${svc.namespace}/${svc.service}${tag}`,
    width: 760,
    height: 160,
    data: { values: rows },
    ...stepSeries({ color: 'series', colorTitle: '', yTitle: 'requests per second', valueFormat: '.1f', interpolate: 'step-before' }),
  } as VegaLiteSpec;
}

function replicasChart(a: NonNullable<RunResult['autoscaling']>[number], tag: string): VegaLiteSpec {
  const idx = sampleIndexes(a.series.t.length);
  const rows = idx.flatMap((i) => [
    { h: hours(a.series.t[i]), series: 'desired (spec.replicas)', value: a.series.desired[i] },
    { h: hours(a.series.t[i]), series: 'ready pods', value: a.series.ready[i] },
  ]);
  const metricRows = idx.flatMap((i) => Object.entries(a.series.metrics).flatMap(([name, v]) => (v[i] === null ? [] : [{ h: hours(a.series.t[i]), metric: name, value: v[i] }])));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Replicas over time: ${a.kind} ${a.name} → ${a.workload}${tag}`,
    vconcat: [
      {
        width: 760,
        height: 200,
        data: { values: rows },
        ...stepSeries({ color: 'series', colorTitle: '', yTitle: 'replicas' }),
      },
      {
        width: 760,
        height: 120,
        data: { values: metricRows },
        ...stepSeries({ color: 'metric', colorTitle: '', yTitle: 'metric as seen (delayed)', valueFormat: '.1f' }),
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as VegaLiteSpec;
}

function rolloutChart(r: NonNullable<RunResult['rollouts']>[number], tag: string): VegaLiteSpec {
  const rows = r.clusters.flatMap((c) => c.ticks.map((t) => ({ h: hours(t.t), cluster: c.cluster, weight: t.canaryRouteWeight, phase: t.phase, event: t.event, failedChecks: t.failedChecks })));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Rollout ${r.name}: canary traffic weight per cluster${tag}`,
    width: 760,
    height: 200,
    data: { values: rows },
    layer: [
      { mark: { type: 'line', interpolate: 'step-after' }, encoding: { x: TIME_X, y: { field: 'weight', type: 'quantitative', title: 'canary weight (%)', scale: { domain: [0, 100] } }, color: { field: 'cluster', type: 'nominal' } } },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x: { ...TIME_X },
          y: { field: 'weight', type: 'quantitative' },
          color: { field: 'cluster', type: 'nominal' },
          shape: { field: 'phase', type: 'nominal' },
          tooltip: [{ field: 'cluster', type: 'nominal' }, { field: 'h', type: 'quantitative', title: 'hours from the start', format: '.2f' }, { field: 'phase', type: 'nominal' }, { field: 'event', type: 'nominal' }, { field: 'failedChecks', type: 'quantitative' }],
        },
      },
    ],
  } as VegaLiteSpec;
}

/** Sections for one run (empty when it has no services, autoscalers or rollouts). */
export function trafficSections(run: RunResult, tag: string): ReportSection[] {
  const out: ReportSection[] = [];
  const services = run.traffic ?? [];
  if (services.length) {
    out.push({
      title: `Traffic${tag}`,
      text:
        'Client-side latency of served requests (network round trips, queueing at the serving cluster\'s ready replicas, service, retries). ' +
        'Failed: answered 5xx (application errors, or no ready endpoint). Timed out: the per-try timeout with no retry left, or the overall timeout. ' +
        'SLO violation time: windows whose latency percentile or availability missed the objective.',
      table: {
        columns: ['service', 'mode', 'offered', 'served', 'failed', 'timed out', 'p50 ms', 'p95 ms', 'p99 ms', 'SLO', 'SLO violation'],
        rows: services.map((s) => [
          `${s.namespace}/${s.service}`,
          s.mode,
          count(s.offered),
          count(s.served),
          pctText(s.errorRate),
          pctText(s.timeoutRate),
          fmtMs(s.latencyMs.p50),
          fmtMs(s.latencyMs.p95),
          fmtMs(s.latencyMs.p99),
          s.slo ? [s.slo.latencyMs !== null ? `p${s.slo.percentile} ≤ ${s.slo.latencyMs} ms` : '', s.slo.availability !== null ? `≥ ${(s.slo.availability * 100).toFixed(2)}% served` : ''].filter(Boolean).join(', ') : '—',
          s.slo ? durationText(s.sloViolationSeconds) : '—',
        ]),
      },
      charts: [latencyCdf(run, tag), ...services.flatMap((s) => [sloTimeline(s, tag), rpsChart(s, tag)])],
    });
  }
  const scalers = run.autoscaling ?? [];
  if (scalers.length) {
    out.push({
      title: `Autoscaling${tag}`,
      table: {
        columns: ['autoscaler', 'target', 'min', 'max', 'scale events', 'lowest desired', 'highest desired', 'last decision'],
        rows: scalers.map((a) => {
          const last = a.decisions[a.decisions.length - 1];
          const cron = a.kind === 'CronFederatedHPA';
          return [`${a.kind} ${a.name}`, a.workload, cron ? null : a.minReplicas, cron ? null : a.maxReplicas, a.decisions.length, a.series.desired.length ? Math.min(...a.series.desired) : null, a.series.desired.length ? Math.max(...a.series.desired) : null, last ? `${durationText(last.t)}: ${last.from} → ${last.to} (${last.reason})` : '—'];
        }),
      },
      charts: scalers.filter((a) => a.kind === 'FederatedHPA').map((a) => replicasChart(a, tag)),
    });
  }
  const rollouts = run.rollouts ?? [];
  if (rollouts.length) {
    out.push({
      title: `Rollouts${tag}`,
      text: 'Each cluster runs its own Flagger Canary (no cross-cluster gate): ticks every analysis interval; the canary weight is the share of that cluster\'s requests sent to the new version.',
      table: {
        columns: ['rollout', 'strategy', 'cluster', 'outcome', 'finished at', 'canary replicas', 'failed checks', 'last success rate', 'last p99 ms'],
        rows: rollouts.flatMap((r) =>
          r.clusters.map((c) => {
            const analysed = c.ticks.filter((t) => t.successRate !== null || t.durationP99Ms !== null);
            const last = analysed[analysed.length - 1];
            return [
              `${r.name} (${r.image}${r.application ? `; Kurator Application ${r.application}` : ''})`,
              r.strategy,
              c.cluster,
              c.outcome,
              c.finishedAt === null ? '—' : durationText(c.finishedAt),
              c.canaryReplicas,
              c.ticks.filter((t) => t.event === 'analysis failed').length,
              last?.successRate != null ? `${last.successRate.toFixed(2)}%` : '—',
              last?.durationP99Ms != null ? last.durationP99Ms.toFixed(1) : '—',
            ];
          }),
        ),
      },
      charts: rollouts.map((r) => rolloutChart(r, tag)),
    });
  }
  return out;
}

/** Lines for the text summary of `fleetsim run`. */
export function trafficSummaryLines(run: RunResult): string[] {
  const out: string[] = [];
  for (const s of run.traffic ?? []) {
    out.push(
      `  traffic: ${s.namespace}/${s.service} (${s.mode}): ${count(s.offered)} requests, failed ${pctText(s.errorRate)}, timed out ${pctText(s.timeoutRate)}, ` +
        `p50/p95/p99 ${fmtMs(s.latencyMs.p50)}/${fmtMs(s.latencyMs.p95)}/${fmtMs(s.latencyMs.p99)} ms` +
        (s.slo ? `, SLO violated ${durationText(s.sloViolationSeconds)}` : ''),
    );
  }
  for (const a of run.autoscaling ?? []) {
    out.push(`  autoscaling: ${a.name} → ${a.workload}: ${a.decisions.length} scale events, replicas ${a.series.desired.length ? Math.min(...a.series.desired) : '-'}..${a.series.desired.length ? Math.max(...a.series.desired) : '-'}`);
  }
  for (const r of run.rollouts ?? []) {
    out.push(`  rollout: ${r.name}${r.application ? ` (Kurator Application ${r.application})` : ''}: ${r.clusters.map((c) => `${c.cluster} ${c.outcome}${c.finishedAt !== null ? ` at ${durationText(c.finishedAt)}` : ''}`).join(', ')}`);
  }
  return out;
}
