import { renderSvg, type VegaLiteSpec } from './html.js';

/**
 * A chart's static SVG as a pool task: `fleetsim sweep` renders its report's charts on the worker
 * threads that ran its simulations (idle by then, and already holding vega: they import this
 * module once they have no run left). Same function as in the main thread, so the same SVG.
 */
export function renderSvgTask(spec: VegaLiteSpec): Promise<string> {
  return renderSvg(spec);
}
