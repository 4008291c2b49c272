import type { AggregateRow, SweepData } from '../runner/sweep-aggregate.js';
import { FLEET, SWEEP_METRICS } from '../runner/sweep-metrics.js';
import type { ClaimSpec } from '../scenario/types.js';
import { fmtValue } from './verdict.js';

/**
 * Figures claimed elsewhere (a scenario's `claims:`) beside the simulated ones: for each claim
 * and each configuration it is about (its variant, under every scheduler), the simulated mean
 * with its 95 % interval, the range over the runs, and where the mean falls against the claim.
 */
export interface ClaimRow {
  readonly claim: string;
  readonly source: string;
  readonly configuration: string;
  readonly metric: string;
  readonly claimed: string;
  readonly simulated: string;
  readonly runs: string;
  /** The simulated mean against the claimed range. */
  readonly verdict: 'inside' | 'below' | 'above' | 'no value';
}

const UNIT = new Map(SWEEP_METRICS.map((m) => [m.name, m.unit]));

export function claimRows(claims: readonly ClaimSpec[], data: SweepData, agg: readonly AggregateRow[]): ClaimRow[] {
  const variantAxis = data.header.axes.findIndex((a) => a.path === 'variant');
  const out: ClaimRow[] = [];
  for (const c of claims) {
    const unit = UNIT.get(c.metric) ?? '';
    data.pointLabels.forEach((label, point) => {
      const variant = variantAxis >= 0 ? String(data.runs.find((r) => r.planned.point === point)?.record?.values[variantAxis] ?? '') : '';
      if (c.variant !== null && c.variant !== variant) return;
      for (const scheduler of data.header.schedulers) {
        const a = agg.find((r) => r.point === point && r.scheduler === scheduler && r.metric === c.metric && r.scope === FLEET);
        const configuration = `${variantAxis >= 0 ? `${variant} / ` : data.pointLabels.length > 1 ? `${label} / ` : ''}${scheduler}`;
        const claimed = `${fmtValue(c.min, unit)} – ${fmtValue(c.max, unit)}`;
        if (!a) {
          out.push({ claim: c.claim, source: c.source, configuration, metric: c.metric, claimed, simulated: 'no value', runs: '—', verdict: 'no value' });
          continue;
        }
        const ci = a.ciHalfWidth !== null ? ` ±${fmtValue(a.ciHalfWidth, unit)}` : '';
        out.push({
          claim: c.claim,
          source: c.source,
          configuration,
          metric: c.metric,
          claimed,
          simulated: `${fmtValue(a.mean, unit)}${ci}`,
          runs: a.n > 1 ? `${fmtValue(a.min, unit)} – ${fmtValue(a.max, unit)} (${a.n} runs)` : `${a.n} run`,
          verdict: a.mean < c.min ? 'below' : a.mean > c.max ? 'above' : 'inside',
        });
      }
    });
  }
  return out;
}
