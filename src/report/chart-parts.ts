/** The pieces the reports' Vega-Lite charts share. */

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Simulated seconds as hours for a time axis (5 decimals: a third of a second). */
export const hours = (t: number): number => Math.round((t / 3600) * 1e5) / 1e5;

/** At most this many points per series over time in a chart. */
export const MAX_SERIES_POINTS = 288;

/** The sample indexes a chart shows of a series of n: all of them, or every k-th (and the last) beyond `max`. */
export function sampleIndexes(n: number, max = MAX_SERIES_POINTS): number[] {
  const k = Math.max(1, Math.ceil(n / max));
  const out: number[] = [];
  for (let i = 0; i < n; i += k) out.push(i);
  if (n > 0 && out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** Tick spacing (hours) that gives 6 to 13 ticks over `span` hours. */
function tickStep(span: number): number {
  for (const s of [1 / 60, 1 / 12, 1 / 6, 0.25, 0.5, 1, 2, 3, 4, 6, 12, 24, 48, 168]) if (span / s <= 13) return s;
  return 336;
}

/**
 * The x channel of every chart over time: field `h`, hours from the start of the run, labelled
 * as a clock (`14:00`; the run starts at 00:00), ticks every 5 min to 12 h depending on the
 * span. Day marks come from `timeContext` layers.
 */
export function timeX(durationSeconds?: number): object {
  const span = durationSeconds ? durationSeconds / 3600 : 24;
  const step = tickStep(span);
  const values: number[] = [];
  for (let k = 0; k * step <= span + 1e-9; k++) values.push(Math.round(k * step * 1e6) / 1e6);
  return {
    field: 'h',
    type: 'quantitative',
    title: span > 24 ? 'time (clock; days marked)' : 'time of day (the run starts at 00:00)',
    ...(durationSeconds ? { scale: { domain: [0, span], nice: false, zero: false } } : {}),
    axis: { values, labelExpr: "utcFormat(datum.value * 3600000, '%H:%M')", labelOverlap: true },
  };
}

/** The x channel without a known run length (charts whose time is set by their data). */
export const TIME_X = timeX();

/** A fault's window on a time chart (hours). */
export interface FaultWindow {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

/** What every time chart of a run shows besides its data: the faults (shaded) and the day marks. */
export interface TimeContext {
  readonly duration: number;
  readonly faults: readonly FaultWindow[];
}

/** Fault windows from a run's timeline (`fault: ...` until that cluster's `recovered`, or the end). */
export function faultWindows(timeline: readonly { t: number; cluster: string; event: string }[], duration: number): FaultWindow[] {
  const open = new Map<string, { t: number; label: string }>();
  const out: FaultWindow[] = [];
  for (const e of timeline) {
    if (e.event.startsWith('fault: ')) {
      if (!open.has(e.cluster)) open.set(e.cluster, { t: e.t, label: `${e.cluster}: ${e.event.slice(7)}` });
    } else if (e.event === 'recovered') {
      const o = open.get(e.cluster);
      if (o) {
        out.push({ from: hours(o.t), to: hours(e.t), label: o.label });
        open.delete(e.cluster);
      }
    }
  }
  for (const o of open.values()) out.push({ from: hours(o.t), to: hours(duration), label: `${o.label} (to the end)` });
  return out.sort((a, b) => a.from - b.from);
}

/**
 * Put a time chart in its context: the fault windows shaded (with their names as tooltips) under
 * the data, and a dashed mark at each midnight after the first with the day's number. `spec`
 * is a single-view spec (mark + encoding, or layer) with its data at the top.
 */
export function inTimeContext(spec: Record<string, unknown>, ctx: TimeContext): Record<string, unknown> {
  const { mark, encoding, layer, ...rest } = spec as { mark?: unknown; encoding?: unknown; layer?: unknown[] } & Record<string, unknown>;
  const layers: unknown[] = layer ? [...layer] : [{ mark, encoding }];
  const x = (layers[0] as { encoding?: { x?: object } }).encoding?.x ?? timeX(ctx.duration);
  const extra: unknown[] = [];
  if (ctx.faults.length) {
    extra.push({
      data: { values: ctx.faults.map((f) => ({ from: f.from, to: f.to, fault: f.label })) },
      mark: { type: 'rect', color: '#e45756', opacity: 0.13 },
      encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, tooltip: [{ field: 'fault', type: 'nominal', title: 'fault' }] },
    });
  }
  const days: { h: number; day: string }[] = [];
  for (let d = 1; d * 24 < ctx.duration / 3600; d++) days.push({ h: d * 24, day: `day ${d + 1}` });
  const after: unknown[] = [];
  if (days.length) {
    after.push(
      { data: { values: days }, mark: { type: 'rule', strokeDash: [2, 3], color: '#5b6475' }, encoding: { x: { ...x, field: 'h' } } },
      { data: { values: days }, mark: { type: 'text', align: 'left', dx: 3, dy: -4, baseline: 'top', color: '#5b6475', y: 0 }, encoding: { x: { ...x, field: 'h' }, text: { field: 'day' } } },
    );
  }
  return { ...rest, layer: [...extra, ...layers, ...after] };
}

/** Whether a single-view spec's x is the time of the run (field `h`). */
function overTime(spec: Record<string, unknown>): boolean {
  const first = (spec.layer as Record<string, unknown>[] | undefined)?.[0] ?? spec;
  return ((first.encoding as { x?: { field?: string } } | undefined)?.x?.field ?? '') === 'h';
}

/** inTimeContext for any chart over time (each panel of a vertical concatenation); others as they are. */
export function shadeTimeChart<T>(spec: T, ctx: TimeContext): T {
  const s = spec as unknown as Record<string, unknown>;
  if (Array.isArray(s.vconcat)) return { ...s, vconcat: (s.vconcat as Record<string, unknown>[]).map((c) => shadeTimeChart(c, ctx)) } as unknown as T;
  if (s.facet || s.hconcat || s.concat || !overTime(s)) return spec;
  return inTimeContext(s, ctx) as unknown as T;
}

export interface StepSeriesOptions {
  /** Field of the rows that names a series (one colour each). */
  color: string;
  /** Legend title (default: the field's name). */
  colorTitle?: string;
  yTitle: string;
  /** d3 format of the y axis labels. */
  yFormat?: string;
  /** d3 format of the value in the tooltip (default: none); null: no tooltip at all. */
  valueFormat?: string | null;
  /** A stacked area instead of lines. */
  stacked?: boolean;
  interpolate?: 'step-after' | 'step-before';
  /** The run's length: the x axis spans it exactly (default: the data's span). */
  duration?: number;
  /** The order of the series (legend and colours). */
  sort?: readonly string[];
}

/**
 * Mark and encoding of a step chart of rows `{ h, value, <color> }`: lines (or a stacked
 * area), one colour per series, a tooltip with the series, the clock time and the value.
 */
export function stepSeries(o: StepSeriesOptions): { mark: object; encoding: object } {
  const interpolate = o.interpolate ?? 'step-after';
  return {
    mark: o.stacked ? { type: 'area', interpolate } : { type: 'line', interpolate },
    encoding: {
      x: o.duration ? timeX(o.duration) : TIME_X,
      y: { field: 'value', type: 'quantitative', title: o.yTitle, ...(o.yFormat !== undefined ? { axis: { format: o.yFormat } } : {}), ...(o.stacked ? { stack: 'zero' } : {}) },
      color: { field: o.color, type: 'nominal', ...(o.colorTitle !== undefined ? { title: o.colorTitle } : {}), ...(o.sort ? { sort: [...o.sort] } : {}) },
      ...(o.valueFormat === null
        ? {}
        : {
            tooltip: [
              { field: o.color, type: 'nominal' },
              { field: 'h', type: 'quantitative', title: 'hours from the start', format: '.2f' },
              { field: 'value', type: 'quantitative', ...(o.valueFormat !== undefined ? { format: o.valueFormat } : {}) },
            ],
          }),
    },
  };
}
