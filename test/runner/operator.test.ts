import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerBuiltinSchedulers } from '../../src/placement/builtin.js';
import type { RunSummaryFile } from '../../src/report/run-summary.js';
import { runScenario } from '../../src/runner/run.js';
import { loadScenarioVariants, parseScenario } from '../../src/scenario/load.js';
import { fleetsim, ROOT } from '../helpers/cli.js';

registerBuiltinSchedulers();

describe('manual failover (operator.failover) and claims: scenarios/kurator-vs-manual.yaml', () => {
  it('by hand: the operator taints the Cluster NoExecute after the reaction time and Karmada moves the workloads; Karmada alone fails over in well under a minute', async () => {
    const [byHand, kurator] = loadScenarioVariants(join(ROOT, 'scenarios/kurator-vs-manual.yaml'));
    const a = await runScenario(byHand);
    const f = a.failovers[0];
    const taint = a.timeline.find((e) => e.event.startsWith('operator tainted'))!;
    expect(taint).toMatchObject({ cluster: 'beijing', event: 'operator tainted the cluster fleetsim.io/manual-failover:NoExecute' });
    // The reaction is uniform on 15-30 minutes; the eviction follows the taint, the failover the eviction.
    expect(taint.t - f.at).toBeGreaterThanOrEqual(15 * 60);
    expect(taint.t - f.at).toBeLessThanOrEqual(30 * 60);
    expect(f.eviction!).toBeGreaterThanOrEqual(taint.t - f.at);
    expect(f.failover!).toBeGreaterThan(f.eviction!);
    // Back after the outage, a reaction later, the taint goes.
    expect(a.timeline.some((e) => e.event.startsWith('operator untainted') && e.t > f.at + 3600)).toBe(true);
    const b = await runScenario(kurator);
    expect(b.timeline.some((e) => e.event.startsWith('operator'))).toBe(false);
    expect(b.failovers[0].failover!).toBeLessThan(60);
  });

  it('the report and summary.json set the claimed figures beside the simulated ones, with the assumptions', () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetsim-claims-'));
    const r = fleetsim(['run', 'scenarios/kurator-vs-manual.yaml', '--out', out, '--replications', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/claims beside the simulation/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummaryFile;
    expect(s.claims.map((c) => [c.configuration, c.claimed])).toEqual([
      ['by-hand / karmada', '15m 00s – 30m 00s'],
      ['kurator / karmada', '30.0 s – 1m 00s'],
      ['by-hand / karmada', '35.0% – 40.0%'],
      ['kurator / karmada', '55.0% – 60.0%'],
    ]);
    expect(s.claims.every((c) => ['inside', 'below', 'above'].includes(c.verdict))).toBe(true);
    expect(s.assumptions.length).toBeGreaterThan(2);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<section id="claims">');
    expect(html).toContain('Assumptions');
    expect(html.indexOf('<section id="verdict">')).toBeLessThan(html.indexOf('<section id="claims">'));
  });

  it('an operator who would taint NoExecute without Karmada evicting anything is a located mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-operator-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, 'name: s\nfleet:\n  clusters: [{ name: a, region: r, nodePools: [{ count: 1, cpu: 4, memory: 8Gi }] }]\noperator:\n  failover: { reaction: 20m }\n');
    const r = fleetsim(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/s\.yaml:5:13: operator\.failover: expected karmada\.featureGates\.Failover and karmada\.enableNoExecuteTaintEviction both true .*, found "Failover off, enableNoExecuteTaintEviction off" \(a string\)$/);
    expect(() => parseScenario('name: s\nfleet:\n  clusters: [{ name: a, region: r, nodePools: [{ count: 1, cpu: 4, memory: 8Gi }] }]\nclaims: [{ claim: x, metric: cpu.utilization, min: 50%, max: 40% }]\n', 'c.yaml')).toThrow(
      /c\.yaml:4:\d+: claims\[0\]\.max: expected a value >= min \(50%\), found "40%"/,
    );
  });
});
