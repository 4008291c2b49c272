/**
 * Capacity search against brute force (issue 21): `fleetsim plan` (bisection, coordinate descent,
 * proof, binding) against `fleetsim plan --grid` (every point of the same ranges judged), on the
 * same plan, as child processes of the real CLI.
 *
 *   node dist/bench/plan-vs-grid.js [--plan=small|kurator] [--rounds=3] [--workers=2] [--json]
 *
 * `small`: the end-to-end test's plan (test/plan/fixtures/small-fleet.yaml, two knobs 1..4).
 * `kurator`: the plan documented in scenarios/kurator-fleet.yaml.
 *
 * Each round runs both, alternating which goes first, each into a fresh folder (no run reused).
 * Reported: the runs each used (from plan.json: the same every round, the plan is deterministic),
 * the median wall seconds of each command as a user waits for it, `runs_ratio` (grid / search),
 * `wall_ratio` (median grid / median search) and `wall_ratio_paired` (median of the per-round
 * quotients), and whether both found the same fleet.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

const PLANS: Record<string, string[]> = {
  small: [
    'test/plan/fixtures/small-fleet.yaml',
    '--vary', 'fleet.clusters[name=serving-sh].nodePools[name=t4].count=1..4',
    '--vary', 'fleet.clusters[name=serving-gz].nodePools[name=t4].count=1..4',
    '--constraint', 'slo(llm-inference).violationMinutes<=5', '--constraint', 'pods.pending<=0',
    '--failures', 'any-cluster',
  ],
  kurator: [], // read from the scenario's comment, see documentedPlan()
};

/** The `npx fleetsim plan ...` command documented in scenarios/kurator-fleet.yaml (comment lines starting `#   npx fleetsim plan`). */
export function documentedPlan(scenarioText: string): string[] {
  const lines = scenarioText.split('\n');
  const start = lines.findIndex((l) => /^#\s+npx fleetsim plan /.test(l));
  if (start < 0) throw new Error('no documented `npx fleetsim plan` example in the scenario');
  let text = '';
  for (let i = start; i < lines.length; i++) {
    const l = lines[i].replace(/^#\s*/, '');
    text += ` ${l.replace(/\\$/, '')}`;
    if (!l.endsWith('\\')) break;
  }
  // Shell words: single-quoted or bare.
  const words = [...text.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
  return words.slice(words.indexOf('plan') + 1);
}

interface Measure {
  wall: number;
  runs: number;
  candidates: number;
  values: number[] | null;
}

function run(args: string[], grid: boolean, workers: number): Measure {
  const out = mkdtempSync(join(tmpdir(), 'fleetsim-plan-bench-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'plan', ...args, '--out', out, '--workers', String(workers), ...(grid ? ['--grid'] : [])], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`fleetsim plan exited ${r.status}: ${r.stderr}`);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { search: { runs: number; candidates: number }; recommended: { values: number[] } | null };
  rmSync(out, { recursive: true, force: true });
  return { wall, runs: plan.search.runs, candidates: plan.search.candidates, values: plan.recommended?.values ?? null };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function main(): void {
  const opt = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
  const which = opt('plan', 'small');
  const rounds = Number(opt('rounds', '3'));
  const workers = Number(opt('workers', '2'));
  const json = process.argv.includes('--json');
  const args = which === 'kurator' ? ['scenarios/kurator-fleet.yaml', ...documentedPlan(readFileSync(join(ROOT, 'scenarios/kurator-fleet.yaml'), 'utf8')).slice(1)] : PLANS[which];
  if (!args) throw new Error(`--plan: small or kurator, not ${which}`);
  const search: Measure[] = [];
  const grid: Measure[] = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const g of order) (g ? grid : search).push(run(args, g, workers));
    if (!json) process.stderr.write(`round ${i + 1}/${rounds}: search ${search[i].wall.toFixed(1)} s, grid ${grid[i].wall.toFixed(1)} s (load ${loadavg()[0].toFixed(1)})\n`);
  }
  const result = {
    plan: which,
    workers,
    rounds,
    search: { runs: search[0].runs, candidates: search[0].candidates, wall_median: median(search.map((m) => m.wall)), recommended: search[0].values },
    grid: { runs: grid[0].runs, candidates: grid[0].candidates, wall_median: median(grid.map((m) => m.wall)), recommended: grid[0].values },
    runs_ratio: grid[0].runs / search[0].runs,
    wall_ratio: median(grid.map((m) => m.wall)) / median(search.map((m) => m.wall)),
    wall_ratio_paired: median(grid.map((m, i) => m.wall / search[i].wall)),
    same_answer: JSON.stringify(search.map((m) => m.values)) === JSON.stringify(grid.map((m) => m.values)),
    load_average: loadavg()[0],
  };
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    process.stdout.write(
      `plan ${which}, ${workers} workers, ${rounds} rounds\n` +
        `  search: ${result.search.runs} runs, ${result.search.candidates} candidates, median ${result.search.wall_median.toFixed(2)} s, answer ${JSON.stringify(result.search.recommended)}\n` +
        `  grid:   ${result.grid.runs} runs, ${result.grid.candidates} candidates, median ${result.grid.wall_median.toFixed(2)} s, answer ${JSON.stringify(result.grid.recommended)}\n` +
        `  grid/search: runs ${result.runs_ratio.toFixed(2)}x, wall ${result.wall_ratio.toFixed(2)}x (paired ${result.wall_ratio_paired.toFixed(2)}x); same answer: ${result.same_answer}\n`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
