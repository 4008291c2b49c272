import { closeSync, openSync, writeSync } from 'node:fs';
import type { SeriesTable } from './series-table.js';

/**
 * A run's time series as OpenMetrics text, for `promtool tsdb create-blocks-from openmetrics`
 * (then Prometheus, Thanos, Grafana: a Kurator user looks at a simulated day in the dashboards
 * they already have).
 *
 * Every series is a gauge (`# TYPE ... gauge`, `# HELP ...`), each family's samples together
 * (OpenMetrics forbids interleaving families), each series' samples in time order, each with its
 * timestamp: the simulated time plus `start` (Unix seconds; default 2025-01-01T00:00:00Z, a
 * fixed instant so the file is the same on every run; set it near now to keep the blocks
 * inside a Prometheus retention). Labels: scenario, variant, scheduler, replication, seed, and the
 * series' own (cluster, workload, service, quantile, autoscaler). Empty samples are left out.
 * The file ends with `# EOF`.
 */

export const DEFAULT_START = Date.UTC(2025, 0, 1) / 1000;

/** A label value as OpenMetrics writes it: backslash, double quote and newline escaped. */
function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(',')}}`;
}

/** A sample value: integers as they are, others with up to 9 significant digits. */
function num(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  return String(Number(v.toPrecision(9)));
}

/** Write the table as OpenMetrics text to `file` (streamed: a day of many runs is tens of megabytes). */
export function writeOpenMetrics(file: string, s: SeriesTable, start = DEFAULT_START): { samples: number; series: number } {
  const fd = openSync(file, 'w');
  let buf = '';
  const flush = (force = false) => {
    if (buf.length > (force ? 0 : 1 << 20)) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  // Row ranges of each run (rows are by run, then time).
  const ranges: [number, number][] = s.runs.map(() => [0, 0]);
  for (let i = 0; i < s.rows; i++) {
    const k = s.run[i];
    if (ranges[k][1] === 0) ranges[k][0] = i;
    ranges[k][1] = i + 1;
  }
  let samples = 0;
  let series = 0;
  try {
    const families = new Map<string, typeof s.columns[number][]>();
    for (const c of s.columns) {
      let l = families.get(c.family);
      if (!l) families.set(c.family, (l = []));
      l.push(c);
    }
    for (const [family, cols] of families) {
      buf += `# TYPE ${family} gauge\n# HELP ${family} ${cols[0].help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
      for (const c of cols) {
        s.runs.forEach((r, k) => {
          const [from, to] = ranges[k];
          const lab = labels({ scenario: s.scenario, variant: r.variant, scheduler: r.scheduler, replication: String(r.replication), seed: String(r.seed), ...c.labels });
          let any = false;
          for (let i = from; i < to; i++) {
            const v = c.values[i];
            if (v === null || Number.isNaN(v)) continue;
            buf += `${family}${lab} ${num(v)} ${num(start + s.t[i])}\n`;
            samples++;
            any = true;
            flush();
          }
          if (any) series++;
        });
      }
    }
    buf += '# EOF\n';
    flush(true);
  } finally {
    closeSync(fd);
  }
  return { samples, series };
}
