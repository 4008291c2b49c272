import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate, sweepData } from '../../src/runner/sweep-aggregate.js';
import { executeSweep } from '../../src/runner/sweep.js';
import { planSweep } from '../../src/runner/sweep-plan.js';
import { renderRunReport } from '../../src/report/run-report.js';
import { formatRunSummary, runSummaryFile } from '../../src/report/run-summary.js';
import { computeVerdict } from '../../src/report/verdict.js';
import { ROOT } from '../helpers/cli.js';

/** The data a report page carries (page-data.ts): tables and datasets by column, the waits. */
interface Page {
  tables: Record<string, { columns: { title: string }[]; rows: { n: number; f: Record<string, unknown> }; groups?: { n: number; f: Record<string, unknown> }; group?: number[]; pageSize: number }>;
  datasets: Record<string, { n: number }>;
  shared?: unknown[];
}

function column(page: Page, c: unknown, n: number): unknown[] {
  const x = c as { r?: number; d?: string[]; i?: number[]; c?: unknown };
  if (x && x.r !== undefined) return column(page, page.shared![x.r], n);
  if (Array.isArray(c)) return c;
  if (x.d) return x.i!.map((k) => (k < 0 ? null : x.d![k]));
  return new Array(n).fill(x.c);
}

/** `fleetsim run` on batch-burst, in this thread, through the sweep machinery it delegates to. */
async function runBatchBurst(): Promise<{ html: string; page: Page; text: string; json: ReturnType<typeof runSummaryFile> }> {
  const plan = planSweep(join(ROOT, 'scenarios/batch-burst.yaml'), { ignoreSweepBlock: true, schedulers: ['karmada'] });
  const res = await executeSweep(plan, { outDir: mkdtempSync(join(tmpdir(), 'fleetsim-rr-')), resultsFile: false, waits: true, workers: 1 });
  const data = sweepData(res.header, res.records);
  const agg = aggregate(data);
  const verdict = computeVerdict(data, agg);
  const html = await renderRunReport(data, agg, verdict);
  const page = JSON.parse(/<script type="application\/json" id="fleetsim-data">(.*?)<\/script>/s.exec(html)![1]) as Page;
  return { html, page, text: formatRunSummary(data, verdict), json: runSummaryFile(data, verdict, {}) };
}

describe('run report: Job streams and long tables', () => {
  it('one row per arrivals stream that opens to its Jobs, a page of rows at a time; the text and summary.json fold them too', async () => {
    const { html, page, text, json } = await runBatchBurst();
    const run = json.runs[0];
    const etl = run.streams!.find((s) => s.stream === 'default/etl')!;
    expect(etl.jobs).toBeGreaterThan(25);
    // summary.json: no Job of the stream listed one by one.
    expect(run.workloads!.some((w) => w.name.startsWith('etl-'))).toBe(false);
    // The page: the workloads table has the stream as a group row holding its Jobs, shown 25 at a time.
    const t = Object.values(page.tables).find((x) => x.groups && x.columns[0].title === 'workload')!;
    expect(t.pageSize).toBe(25);
    const names = column(page, t.groups!.f.c0, t.groups!.n);
    const g = names.indexOf('default/etl');
    expect(g).toBeGreaterThanOrEqual(0);
    const members = column(page, t.rows.f.c0, t.rows.n).filter((_, i) => t.group![i] === g);
    expect(members).toHaveLength(etl.jobs);
    expect(members.every((n) => /^default\/etl-\d+$/.test(String(n)))).toBe(true);
    // No table row is in the markup up front: the page draws them.
    expect(html).not.toMatch(/<td>default\/etl-\d+<\/td>/);
    // The text summary: one line for the stream, none per Job.
    expect(text).toMatch(new RegExp(`^  default/etl +${etl.jobs} `, 'm'));
    expect(text).not.toMatch(/default\/etl-\d+/);
  });
});

describe('run report: time charts', () => {
  it('every chart over time is in clock time with the fault windows shaded', async () => {
    const plan = planSweep(join(ROOT, 'scenarios/kurator-vs-manual.yaml'), { ignoreSweepBlock: true, replications: 1 });
    const res = await executeSweep(plan, { outDir: mkdtempSync(join(tmpdir(), 'fleetsim-rr-')), resultsFile: false, waits: true, workers: 1 });
    const data = sweepData(res.header, res.records);
    const agg = aggregate(data);
    const html = await renderRunReport(data, agg, computeVerdict(data, agg));
    const specs = JSON.parse(/<script type="application\/json" id="fleetsim-specs">(.*?)<\/script>/s.exec(html)![1]) as Record<string, unknown>[];
    // Every view (a layered chart, or each panel of a concatenation) whose x is the time of the run.
    const views: Record<string, unknown>[] = [];
    const collect = (s: Record<string, unknown>) => (Array.isArray(s.vconcat) ? (s.vconcat as Record<string, unknown>[]).forEach(collect) : views.push(s));
    specs.forEach(collect);
    const layersOf = (v: Record<string, unknown>) => (v.layer as { encoding?: { x?: { field?: string; axis?: { labelExpr?: string } }; tooltip?: { field: string }[] } }[] | undefined) ?? [v as never];
    const overTime = views.filter((v) => layersOf(v).some((l) => l.encoding?.x?.field === 'h'));
    expect(overTime.length).toBeGreaterThan(8);
    for (const v of overTime) {
      const layers = layersOf(v);
      expect(layers.some((l) => l.encoding?.tooltip?.some((t) => t.field === 'fault')), String(v.title)).toBe(true);
      expect(layers.find((l) => l.encoding?.x?.field === 'h')!.encoding!.x!.axis!.labelExpr).toContain('%H:%M');
    }
  });
});
