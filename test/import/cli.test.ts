import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltFiles } from '../helpers/built.js';
import { fleetsim, ROOT, SHARED } from '../helpers/cli.js';

const REAL = join(SHARED, 'real-state');
const PERF = join(REAL, 'converged-computing__performance-study/experiments');
const have = existsSync(REAL);

beforeAll(() => ensureBuiltFiles(['dist/src/cli/main.js', 'dist/src/cli/commands/import.js']));

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
};

describe.skipIf(!have)('fleetsim import (CLI)', () => {
  it('imports three members, prints the table, and writes a scenario that validate and run take unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-import-cli-'));
    const out = join(dir, 'fleet.yaml');
    const r = fleetsim(['import', '--cluster', `gke=${join(PERF, 'google/gke/cpu/size32')}`, '--cluster', `eks=${join(PERF, 'aws/eks/gpu')}`, '--cluster', `aks=${join(PERF, 'azure/aks/cpu/size32')}`, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cluster\s+pools\s+nodes\s+GPUs\s+cpu req\/alloc\s+memory req\/alloc\s+GPU req\/alloc\s+bound pods\s+pending pods\s+workloads$/m);
    expect(r.stdout).toMatch(/^eks\s+1\s+16\s+128\s/m);
    expect(r.stdout).toMatch(/^aks\s+2\s+33\s+0\s/m);
    expect(r.stdout).toMatch(/^karmada-host \(host\)/m);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^initialState: fleet\.state\.json$/m);
    expect(text).toMatch(/# 32 nodes from .*nodes-32\.json/);
    expect(text).toContain('taints: [{ key: CriticalAddonsOnly, value: "true", effect: NoSchedule }]');
    const v = fleetsim(['validate', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/ok — scenario fleet: 4 clusters, 81 nodes/);
    const run = fleetsim(['run', out, '--out', join(dir, 'report'), '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.runs[0].initialState.clusters.map((c: { name: string }) => c.name)).toEqual(['aks', 'eks', 'gke', 'karmada-host']);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // The same dump imports to the same bytes (into a folder made for it).
    const again = join(dir, 'new/folder/fleet.yaml');
    expect(fleetsim(['import', '--cluster', `gke=${join(PERF, 'google/gke/cpu/size32')}`, '--cluster', `eks=${join(PERF, 'aws/eks/gpu')}`, '--cluster', `aks=${join(PERF, 'azure/aks/cpu/size32')}`, '--out', again]).code).toBe(0);
    expect(readFileSync(join(dir, 'new/folder/fleet.state.json'), 'utf8')).toBe(readFileSync(join(dir, 'fleet.state.json'), 'utf8'));
    const body = (f: string) => readFileSync(f, 'utf8').replace(/^# Written by: .*$/m, '').replace(/# \d+ nodes? from .*$/gm, '').replace(/^ {4}# .* from .*$/gm, '');
    expect(body(again)).toBe(body(out));
  });

  it('bad input: one line with the file, line, column and JSON path, exit 2, and nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-import-bad-'));
    mkdirSync(join(dir, 'dump/gke'), { recursive: true });
    const nodes = readFileSync(join(PERF, 'google/gke/cpu/size32/nodes-32.json'), 'utf8');
    writeFileSync(join(dir, 'dump/gke/nodes.json'), nodes.slice(0, Math.floor(nodes.length / 2)));
    const out = join(dir, 'fleet.yaml');
    writeFileSync(out, 'the previous scenario\n');
    const r = fleetsim(['import', join(dir, 'dump'), '--out', out]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^fleetsim: .*dump\/gke\/nodes\.json:\d+:\d+: items\[\d+\]: expected the rest of the JSON value \(the file ends inside it: truncated\?\), found the end of the file\n$/);
    expect(readFileSync(out, 'utf8')).toBe('the previous scenario\n');
    expect(readdirSync(dir).sort()).toEqual(['dump', 'fleet.yaml']);

    const missing = fleetsim(['import', '--cluster', `x=${join(dir, 'nope')}`, '--out', out]);
    expect(missing.code).toBe(2);
    oneLine(missing.stderr);
    expect(missing.stderr).toMatch(/^fleetsim: --cluster x: expected a folder, a file or a file prefix, found nothing at/);
    const name = fleetsim(['import', '--cluster', `Bad_Name=${dir}`, '--out', out]);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/--cluster: expected a cluster name that is a DNS label/);
  });

  it('--replay and --fit turn the openb trace into a workload; validate takes both', () => {
    const T = join(SHARED, 'traces/openb-fgd-atc23');
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-import-openb-'));
    for (const mode of ['--replay', '--fit']) {
      const out = join(dir, `${mode.slice(2)}.yaml`);
      const r = fleetsim(['import', '--cluster', `alibaba=${join(T, 'openb_node_list_gpu_node.csv')}`, '--cluster', `alibaba=${join(T, 'openb_pod_list_default.csv')}`, mode, '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^alibaba\s+\d+\s+1213\s+6212\s/m);
      const v = fleetsim(['validate', out]);
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
    }
    expect(readFileSync(join(dir, 'replay.yaml'), 'utf8')).toMatch(/trace: \{ kind: openb, pods: replay\.history-alibaba\.csv, mode: replay \}/);
    expect(readFileSync(join(dir, 'replay.history-alibaba.csv'), 'utf8').split('\n').length).toBe(8152 + 2);
    expect(readFileSync(join(dir, 'fit.yaml'), 'utf8')).toMatch(/arrivals: \{ rate: \{ kind: diurnal, mean: [0-9.e-]+, amplitude: [0-9.]+, period: 24h, peakAt: \d+s \}, until: 365d \}/);
  });

  it('a SimKube trace replays as workloads created and scaled over time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-import-simkube-'));
    const out = join(dir, 'sk.yaml');
    const r = fleetsim(['import', '--cluster', `gke=${join(PERF, 'google/gke/cpu/size32')}`, '--cluster', `gke=${join(REAL, 'acrlabs__simkube/testutils/data/large_trace.json')}`, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gke: a SimKube trace replays as 27 workloads created and \d+ scale events over 1265 s/);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/- \{ at: 423s, scale: \{ workload: dsb\/social-graph-service, replicas: 3 \} \}/);
    expect(readFileSync(join(dir, 'sk.manifests.yaml'), 'utf8')).toMatch(/fleetsim\.io\/at: 0s/);
    const v = fleetsim(['validate', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/27 workloads, 1 policies/);
  });

  it('scripts/dump-fleet.sh writes the layout fleetsim import reads (with a kubectl that answers from the real dumps)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-dump-script-'));
    mkdirSync(join(dir, 'bin'));
    const empty = '{"apiVersion":"v1","items":[],"kind":"List","metadata":{}}';
    // A stand-in for kubectl: the member's nodes from ../shared, no pods, empty lists for the rest.
    writeFileSync(
      join(dir, 'bin/kubectl'),
      `#!/bin/sh\ncase "$*" in\n  *"--context gke-prod get nodes"*) cat '${join(PERF, 'google/gke/cpu/size32/nodes-32.json')}' ;;\n  *"--context eks-gpu get nodes"*) cat '${join(PERF, 'aws/eks/gpu/nodes-16.json')}' ;;\n  *api-resources*) ;;\n  *" -o yaml"*) echo 'apiVersion: v1\nitems: []\nkind: List' ;;\n  *) echo '${empty}' ;;\nesac\n`,
    );
    chmodSync(join(dir, 'bin/kubectl'), 0o755);
    const r = spawnSync('bash', [join(ROOT, 'scripts/dump-fleet.sh'), '-o', join(dir, 'dumps'), '-k', 'karmada-apiserver', 'gke=gke-prod', 'eks=eks-gpu'], { env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, 'dumps')).sort()).toEqual(['eks', 'gke', 'karmada']);
    expect(readdirSync(join(dir, 'dumps/gke')).sort()).toEqual(['controllers.json', 'nodes.json', 'pods.json', 'priorityclasses.json']);
    const imp = fleetsim(['import', join(dir, 'dumps'), '--out', join(dir, 'fleet.yaml')]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/^eks\s+1\s+16\s+128\s/m);
    expect(imp.stdout).toMatch(/^gke\s+1\s+32\s+0\s/m);
  });
});
