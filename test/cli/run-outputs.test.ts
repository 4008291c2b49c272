import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { fleetsim } from '../helpers/cli.js';

/** Debian's promtool (package prometheus): the OpenMetrics export is checked against it; skipped, loudly, without it. */
const PROMTOOL = process.env.FLEETSIM_PROMTOOL ?? '/usr/bin/promtool';
const HAVE_PROMTOOL = existsSync(PROMTOOL);
if (!HAVE_PROMTOOL) process.stderr.write(`\n*** ${PROMTOOL} not found: the promtool check of --openmetrics is SKIPPED (apt-get install prometheus; .ci/run does) ***\n\n`);

describe('fleetsim run: the files beside summary.json', () => {
  const out = mkdtempSync(join(tmpdir(), 'fleetsim-outputs-'));
  const r = fleetsim(['run', 'scenarios/nginx-static-weight.yaml', '--out', out, '--replications', '2', '--scheduler', 'karmada', '--scheduler', 'dynamic-weight', '--openmetrics']);

  it('series.arrow: every time series, one row per run and sample; workloads.arrow: every workload of every run', () => {
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.format).toBe('fleetsim-run/v2');
    expect(summary.files).toMatchObject({ series: 'series.arrow', workloads: 'workloads.arrow' });
    const series = aq.fromArrow(readFileSync(join(out, 'series.arrow')));
    expect(series.columnNames().slice(0, 5)).toEqual(['variant', 'scheduler', 'replication', 'seed', 't']);
    expect(series.columnNames()).toEqual(expect.arrayContaining(['cluster.cluster-hangzhou.cpu_allocation', 'cluster.cluster-shanghai.ready_pods', 'workload.default/nginx.ready.cluster-hangzhou']));
    // 10 minutes sampled every 10 s, for 4 runs.
    const perRun = series.numRows() / 4;
    expect(perRun).toBeGreaterThanOrEqual(60);
    expect(series.groupby('scheduler', 'replication').count().numRows()).toBe(4);
    const last = series.objects().filter((o) => (o as { scheduler: string; replication: number }).scheduler === 'karmada').pop() as Record<string, number>;
    expect(last['cluster.cluster-hangzhou.ready_pods'] + last['cluster.cluster-shanghai.ready_pods']).toBe(10);
    const workloads = aq.fromArrow(readFileSync(join(out, 'workloads.arrow')));
    expect(workloads.numRows()).toBe(4);
    expect(workloads.objects()[0]).toMatchObject({ scheduler: 'karmada', replication: 0, name: 'nginx', placement: 'cluster-hangzhou:6 cluster-shanghai:4' });
  });

  it('--openmetrics: gauges with timestamps, families together, ending # EOF', () => {
    const text = readFileSync(join(out, 'metrics.om'), 'utf8');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toMatch(/^# TYPE fleetsim_cluster_cpu_allocation_ratio gauge\n# HELP fleetsim_cluster_cpu_allocation_ratio /);
    expect(text).toMatch(/\nfleetsim_cluster_ready_pods\{scenario="nginx-static-weight",variant="",scheduler="dynamic-weight",replication="1",seed="\d+",cluster="cluster-hangzhou"\} \d+ 1735689\d+(\.\d+)?\n/);
    // Each family's lines are together.
    const families = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
  });

  it.skipIf(!HAVE_PROMTOOL)('promtool tsdb create-blocks-from openmetrics accepts it', () => {
    const tsdb = join(out, 'tsdb');
    const p = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(out, 'metrics.om'), tsdb], { encoding: 'utf8', timeout: 120_000 });
    expect(p.status, `${p.stdout}\n${p.stderr}`).toBe(0);
    const blocks = readdirSync(tsdb).filter((d) => existsSync(join(tsdb, d, 'meta.json')));
    expect(blocks.length).toBeGreaterThan(0);
    const meta = JSON.parse(readFileSync(join(tsdb, blocks[0], 'meta.json'), 'utf8'));
    expect(meta.stats.numSamples).toBeGreaterThan(0);
  });

  it('--start-time places the simulated start; a bad one is a usage error', () => {
    const file = join(out, 'late.om');
    const ok = fleetsim(['run', 'scenarios/nginx-static-weight.yaml', '--out', join(out, 'late'), '--openmetrics', file, '--start-time', '2030-06-01T00:00:00Z', '--scheduler', 'karmada']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/ 1906502400(\.\d+)?\n/);
    const bad = fleetsim(['run', 'scenarios/nginx-static-weight.yaml', '--out', join(out, 'bad'), '--openmetrics', '--start-time', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('fleetsim: --start-time: expected an RFC 3339 time like 2025-01-01T00:00:00Z or Unix seconds, found yesterday');
  });
});

describe('fleetsim explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-explain-'));
  writeFileSync(
    join(dir, 's.yaml'),
    `name: explain
duration: 20m
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ name: gpu, count: 2, cpu: 64, memory: 256Gi, gpus: { count: 8 } }] }
workloads:
  - { kind: Deployment, name: trainer, replicas: 5, resources: { cpu: 8, memory: 32Gi, gpu: 4 }, placement: { clusterAffinity: { clusterNames: [a] } } }
  - { kind: Deployment, name: web, replicas: 2, resources: { cpu: 1, memory: 1Gi }, placement: { clusterAffinity: { clusterNames: [a] } } }
`,
  );

  it("prints a workload's reasons over time in kube-scheduler's words, or that it did not wait", () => {
    const r = fleetsim(['explain', join(dir, 's.yaml'), 'trainer']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^default\/trainer \(Deployment\): scheduler karmada, seed 1\n/);
    expect(r.stdout).toMatch(/\n {2}00:00:0\d → the end +a +0\/2 nodes are available: 2 Insufficient nvidia\.com\/gpu\. preemption: 0\/2 nodes are available: 2 No preemption victims found for incoming pod\.\n/);
    const quiet = fleetsim(['explain', join(dir, 's.yaml'), 'default/web']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/It did not wait/);
    const json = JSON.parse(fleetsim(['explain', join(dir, 's.yaml'), 'trainer', '--json']).stdout);
    expect(json.waits.reasons[0].reason).toBe('0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
  });

  it('an unknown workload is a usage error that lists what there is', () => {
    const r = fleetsim(['explain', join(dir, 's.yaml'), 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`fleetsim: ${join(dir, 's.yaml')}: no workload or stream 'nope' in this run (it has: default/trainer, default/web)`);
  });
});
