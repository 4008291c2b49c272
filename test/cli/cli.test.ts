import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetsim, ROOT } from '../helpers/cli.js';

describe('fleetsim CLI end to end', () => {
  it('--help lists the commands', () => {
    const r = fleetsim(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run <scenario>', 'validate <scenario>', 'schema', 'conformance <system>']) expect(r.stdout).toContain(c);
  });

  it('an unknown command or flag is a usage error: exit 2, one message', () => {
    const r = fleetsim(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fleetsim: /);
    const f = fleetsim(['run', 'scenarios/kurator-fleet.yaml', '--sed', '3']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/Unknown argument: sed/);
  });

  it('a missing scenario file is exit 2 with the file named', () => {
    const r = fleetsim(['run', 'scenarios/nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('fleetsim: scenarios/nope.yaml:1:1: (document): expected a readable YAML file, found no such file');
  });

  it('schema prints a JSON Schema that names the scenario fields', () => {
    const r = fleetsim(['schema']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.$schema).toMatch(/json-schema.org/);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['name', 'fleet', 'workloads', 'policies', 'include', 'network']));
  });

  it('validate accepts every shipped scenario', () => {
    for (const f of ['kurator-fleet.yaml', 'nginx-static-weight.yaml', 'batch-burst.yaml']) {
      const r = fleetsim(['validate', join('scenarios', f)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/: ok — scenario /);
    }
  });

  it('run writes summary.json and a self-contained index.html, and prints the summary', () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetsim-run-'));
    const r = fleetsim(['run', 'scenarios/nginx-static-weight.yaml', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cluster-hangzhou\s+cn-hangzhou\s+6\s/);
    expect(r.stdout).toMatch(/cluster-shanghai\s+cn-shanghai\s+4\s/);
    expect(r.stdout).toContain('default/nginx');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.runs[0].workloads[0].placement).toEqual({ 'cluster-hangzhou': 6, 'cluster-shanghai': 4 });
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href="https?:/i);
    // The verdict is the first section; the charts' specs and data travel in the page.
    expect(html.indexOf('<section id="verdict">')).toBe(html.indexOf('<section'));
    expect(html).toContain('id="fleetsim-specs"');
    for (const f of ['series.arrow', 'workloads.arrow']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.stderr).toBe('');
  });

  it('run --json prints the same summary.json it writes', () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetsim-run-'));
    const r = fleetsim(['run', 'scenarios/nginx-static-weight.yaml', '--out', out, '--json', '--seed', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(JSON.parse(r.stdout).seed).toBe(5);
  });

  it('a user scheduler module registers through the same registry (--scheduler ./module.js)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-sched-'));
    const mod = join(dir, 'all-in-first.mjs');
    writeFileSync(
      mod,
      `export default {
  name: 'all-in-first',
  assign(binding, feasible) { return [{ name: feasible[0].name, replicas: binding.replicas }]; },
};\n`,
    );
    const out = join(dir, 'out');
    const r = fleetsim(['run', 'scenarios/nginx-static-weight.yaml', '--out', out, '--scheduler', mod]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.runs[0].scheduler).toBe('all-in-first');
    expect(summary.runs[0].workloads[0].placement).toEqual({ 'cluster-hangzhou': 10 });
    const bad = fleetsim(['run', 'scenarios/nginx-static-weight.yaml', '--out', out, '--scheduler', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown scheduler 'nope' \(registered: karmada/);
  });

  it('the default scenario is byte-identical across two runs and any worker count (summary.json, report, series)', () => {
    // The default scenario's first 8 hours; two schedulers and two replications each: 4 runs, on one thread and on two.
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-det-'));
    const scenario = join(dir, 'kf.yaml');
    writeFileSync(
      scenario,
      readFileSync('scenarios/kurator-fleet.yaml', 'utf8')
        .replace(/^duration: 24h$/m, 'duration: 8h')
        .replace('manifests/recommender.yaml', join(ROOT, 'scenarios/manifests/recommender.yaml'))
        .replace(/at: 19h30m/, 'at: 6h30m'),
    );
    const args = ['run', scenario, '--scheduler', 'karmada', '--scheduler', 'federated-gang', '--replications', '2'];
    const a = mkdtempSync(join(tmpdir(), 'fleetsim-det-a-'));
    const b = mkdtempSync(join(tmpdir(), 'fleetsim-det-b-'));
    const ra = fleetsim([...args, '--out', a, '--workers', '1']);
    expect(ra.code, ra.stderr).toBe(0);
    const rb = fleetsim([...args, '--out', b, '--workers', '2']);
    expect(rb.code, rb.stderr).toBe(0);
    for (const f of ['summary.json', 'index.html', 'series.arrow', 'workloads.arrow']) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    const summary = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8'));
    expect(summary.runs.map((r: { scheduler: string; replication: number }) => `${r.scheduler}/${r.replication}`)).toEqual(['karmada/0', 'karmada/1', 'federated-gang/0', 'federated-gang/1']);
    // Common random numbers: replication r has the same seed under every scheduler; replication 0 is the scenario's.
    expect(summary.runs[0].seed).toBe(42);
    expect(summary.runs[2].seed).toBe(42);
    expect(summary.runs[1].seed).toBe(summary.runs[3].seed);
    // A different seed changes the stochastic parts.
    const c = mkdtempSync(join(tmpdir(), 'fleetsim-det-c-'));
    expect(fleetsim(['run', scenario, '--out', c, '--seed', '43', '--scheduler', 'karmada', '--replications', '1']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(c, 'summary.json'), 'utf8')).runs[0].seed).toBe(43);
    expect(readFileSync(join(c, 'summary.json')).equals(readFileSync(join(a, 'summary.json')))).toBe(false);
  }, 300_000);

  it('the package exports the library API', async () => {
    const api = await import(join(ROOT, 'dist/src/index.js'));
    expect(typeof api.loadScenario).toBe('function');
    expect(typeof api.runScenario).toBe('function');
    const s = api.loadScenario(join(ROOT, 'scenarios/nginx-static-weight.yaml'));
    const r = await api.runScenario(s);
    expect(r.workloads[0].placement).toEqual({ 'cluster-hangzhou': 6, 'cluster-shanghai': 4 });
    expect(existsSync(join(ROOT, 'dist/src/index.d.ts'))).toBe(true);
  });
});
