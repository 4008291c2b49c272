import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/runner/run.js';
import { formatRunSummary, renderRunReport } from '../../src/report/run-report.js';
import type { RunSummary } from '../../src/runner/result.js';
import { ROOT } from '../helpers/cli.js';

/** The run report with many workloads: a row per arrivals stream, the per-workload table folded. */
describe('run report: Job streams and long tables', () => {
  it('summarises each arrivals stream and folds the workloads after the first 25', async () => {
    const s = loadScenario(join(ROOT, 'scenarios/batch-burst.yaml'));
    const run = await runScenario(s);
    const etl = run.workloads.filter((w) => w.stream === 'etl');
    expect(etl.length).toBeGreaterThan(25);
    expect(etl.every((w) => /^etl-\d+$/.test(w.name))).toBe(true);
    const summary: RunSummary = { fleetsim: '0', scenario: s.name, description: s.description, seed: s.seed, duration: s.duration, runs: [run] };
    const html = await renderRunReport(summary, '');
    const section = html.slice(html.indexOf('<h2>Job streams</h2>'), html.indexOf('<h2>Workloads</h2>'));
    expect(section).toContain(`<td>default/etl</td><td class="num">${etl.length}</td>`);
    const done = etl.filter((w) => w.timeToComplete !== null).length;
    expect(section).toContain(`<td class="num">${etl.length - done}</td>`); // not complete
    // The per-workload table: 25 rows shown, the others in a <details>.
    const workloads = html.slice(html.indexOf('<h2>Workloads</h2>'));
    expect(workloads).toContain(`<summary>the other ${run.workloads.length - 25} rows</summary>`);
    // The text summary: one line for the stream, none per Job.
    const text = formatRunSummary(summary);
    expect(text).toMatch(new RegExp(`^  default/etl +${etl.length} `, 'm'));
    expect(text).not.toMatch(/default\/etl-\d+/);
  });
});
