import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineOf, gate, loadSuite, renderJUnit, renderMarkdown, runSuite, stableJson, type BaselineFile } from '../../src/gate/index.js';
import { ScenarioError } from '../../src/scenario/errors.js';

const FIX = join(import.meta.dirname, 'fixtures');

describe('regression gate (library)', () => {
  it('a deliberately worse scheduler fails the gate; a same-seed rerun of the baseline scheduler passes', async () => {
    const good = loadSuite(join(FIX, 'good.suite.yaml'));
    const worse = loadSuite(join(FIX, 'worse.suite.yaml'));
    const baseline: BaselineFile = baselineOf(good, await runSuite(good, { workers: 1 }));

    const bad = gate(worse, await runSuite(worse, { workers: 1 }), baseline);
    expect(bad.passed).toBe(false);
    expect(bad.checks.map((c) => [c.metric.key, c.verdict])).toEqual([
      ['jobs.timeToComplete.mean', 'regression'],
      ['pods.pending', 'regression'],
      ['cpu.utilization@b-large', 'regression'],
    ]);
    expect(bad.checks[0].comparison!.method).toBe('paired-t');

    const rerun = await runSuite(good, { workers: 1 });
    expect(stableJson(baselineOf(good, rerun))).toBe(stableJson(baseline)); // same seeds, same samples
    const ok = gate(good, rerun, baseline);
    expect(ok.passed).toBe(true);
    expect(ok.checks.every((c) => c.verdict === 'pass' && c.comparison!.diff === 0)).toBe(true);

    // The reports: one JUnit testcase per scenario × scheduler × metric, failures for regressions; deterministic.
    const ctx = { suite: worse, result: bad, baseline: { file: 'gate-test.baseline.json', fleetsim: baseline.fleetsim } };
    const junit = renderJUnit(ctx);
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit.match(/<failure /g)).toHaveLength(3);
    expect(junit).toContain('tests="3" failures="3" errors="0"');
    expect(renderJUnit(ctx)).toBe(junit);
    const md = renderMarkdown(ctx);
    expect(md).toContain('❌ 3 regression(s) in 3 checks');
    expect(md).toContain('| gate-batch × candidate | `jobs.timeToComplete.mean` s | ↓ |');
    expect(renderMarkdown({ suite: good, result: ok, baseline: ctx.baseline })).toContain('✅ no regression in 3 checks');
  });

  it('a change that only moves the noise (other seeds: Welch) is not a regression; a worsening within the tolerance is accepted', async () => {
    // A copy of the fixtures: the suites below sit beside them (scenarios are identified as written, relative to the suite).
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-gate-'));
    cpSync(FIX, dir, { recursive: true });
    const good = loadSuite(join(dir, 'good.suite.yaml'));
    const baseline = baselineOf(good, await runSuite(good, { workers: 1 }));
    // Same policy, six replications instead of four: other seeds, so Welch's test on pure seed noise.
    const text = `name: gate-test
replications: 6
scenarios: [gate-scenario.yaml]
schedulers: [{ name: candidate, scheduler: ./most-free.mjs }]
metrics:
  - { metric: jobs.timeToComplete.mean, tolerance: 5% }
  - { metric: jobs.completed, tolerance: 0 }
`;
    writeFileSync(join(dir, 'noise.suite.yaml'), text);
    const noise = loadSuite(join(dir, 'noise.suite.yaml'));
    const res = gate(noise, await runSuite(noise, { workers: 1 }), baseline);
    expect(res.checks.map((c) => c.comparison?.method)).toEqual(['welch-t', 'welch-t']);
    expect(res.checks.map((c) => c.verdict)).not.toContain('regression');
    expect(res.notes.some((n) => n.includes("Welch's t-test"))).toBe(true);

    // A huge tolerance accepts even the worse policy's significant worsening.
    writeFileSync(
      join(dir, 'tolerant.suite.yaml'),
      `name: gate-test
replications: 4
scenarios: [gate-scenario.yaml]
schedulers: [{ name: candidate, scheduler: ./first-cluster.mjs }]
metrics: [{ metric: jobs.timeToComplete.mean, tolerance: 500% }]
`,
    );
    const tolerant = loadSuite(join(dir, 'tolerant.suite.yaml'));
    const t = gate(tolerant, await runSuite(tolerant, { workers: 1 }), baseline);
    expect(t.checks[0].verdict).toBe('pass');
    expect(t.checks[0].message).toMatch(/^worse but within the tolerance 500%/);
  });

  it('the example suite (bench/suites/fleet-gate.yaml) loads and names existing scenarios', () => {
    const s = loadSuite(join(import.meta.dirname, '../../bench/suites/fleet-gate.yaml'));
    expect(s.name).toBe('fleet-gate');
    expect(s.baseline).toMatch(/bench\/suites\/fleet-gate\.baseline\.json$/);
    for (const sc of s.scenarios) expect(existsSync(sc.absPath)).toBe(true);
    expect(s.metrics.map((m) => m.key)).toContain('jobs.timeToComplete.mean');
  });

  it('suite mistakes are located errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-gate-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const err = (file: string): string => {
      try {
        loadSuite(file);
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(write('a.yaml', 'scenarios: [x.yaml]\nmetrics:\n  - { metric: jobs.timeToCompletion.mean }\n'))).toMatch(/a\.yaml:3:15: metrics\[0\]\.metric: expected one of .*"jobs\.timeToComplete\.mean"/);
    expect(err(write('b.yaml', 'scenarios: [x.yaml]\nmetrics:\n  - { metric: timeToAllReady.mean, scope: c1 }\n'))).toMatch(/b\.yaml:3:43: metrics\[0\]\.scope: expected fleet \(timeToAllReady\.mean is not reported per cluster, service or fault/);
    expect(err(write('c.yaml', 'scenarios: [x.yaml]\nreplications: 1\nmetrics: [{ metric: pods.pending }]\n'))).toMatch(/c\.yaml:2:15: replications: expected an integer >= 2, found 1/);
    expect(err(write('d.yaml', 'scenarios: [x.yaml]\nmetrics: [{ metric: pods.pending, tolerance: five }]\n'))).toMatch(/metrics\[0\]\.tolerance: expected a number >= 0 or a string matching/);
  });
});
