/** The pieces the reports' Vega-Lite charts share. */

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Simulated seconds as minutes for a time axis (3 decimals). */
export const minute = (t: number): number => Math.round((t / 60) * 1000) / 1000;

/** The x channel of every chart over time: `minute`. */
export const TIME_X = { field: 'minute', type: 'quantitative', title: 'simulated time (min)' } as const;

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
}

/**
 * Mark and encoding of a step chart of rows `{ minute, value, <color> }`: lines (or a stacked
 * area), one colour per series, a tooltip with the series, the minute and the value.
 */
export function stepSeries(o: StepSeriesOptions): { mark: object; encoding: object } {
  const interpolate = o.interpolate ?? 'step-after';
  return {
    mark: o.stacked ? { type: 'area', interpolate } : { type: 'line', interpolate },
    encoding: {
      x: TIME_X,
      y: { field: 'value', type: 'quantitative', title: o.yTitle, ...(o.yFormat !== undefined ? { axis: { format: o.yFormat } } : {}), ...(o.stacked ? { stack: 'zero' } : {}) },
      color: { field: o.color, type: 'nominal', ...(o.colorTitle !== undefined ? { title: o.colorTitle } : {}) },
      ...(o.valueFormat === null
        ? {}
        : {
            tooltip: [
              { field: o.color, type: 'nominal' },
              { field: 'minute', type: 'quantitative', format: '.1f' },
              { field: 'value', type: 'quantitative', ...(o.valueFormat !== undefined ? { format: o.valueFormat } : {}) },
            ],
          }),
    },
  };
}
