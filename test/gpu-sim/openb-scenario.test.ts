import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PodPhase } from '../../src/control/pods.js';
import { runFgdTask } from '../../src/gpu/fgd-experiment.js';
import { loadScenario } from '../../src/scenario/load.js';
import { fixture, hosts, runChecked, scenarioIn, tempDir, traceScenario, violations } from './helpers.js';

/** Cluster traces in scenarios: the loader, both modes' semantics, the paper experiment, the CLI. */

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const TRACES = resolve(ROOT, '../shared/traces/openb-fgd-atc23');
const haveTraces = existsSync(join(TRACES, 'openb_pod_list_default.csv'));

const dir = tempDir();
copyFileSync(fixture('nodes.csv'), join(dir, 'nodes.csv'));
copyFileSync(fixture('pods.csv'), join(dir, 'pods.csv'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POD_HEADER = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

/** Pods of the checked run on `cluster`, by name: [created, bound, ready, finished, phase]. */
function podTimes(cluster = 'gpu'): Map<string, { created: number; bound: number; ready: number; finished: number; phase: number }> {
  const h = hosts.get(cluster)!;
  const out = new Map<string, { created: number; bound: number; ready: number; finished: number; phase: number }>();
  for (let p = 0; p < h.pods.count; p++) {
    if (h.pods.cluster[p] !== h.info.index) continue;
    out.set(h.workload(p).spec.name, { created: h.pods.created[p], bound: h.pods.bound[p], ready: h.pods.ready[p], finished: h.pods.finished[p], phase: h.pods.phase[p] });
  }
  return out;
}

describe('scenario loader: trace blocks', () => {
  it('takes the nodes from the node CSV, one pool per node named by sn, in file order', () => {
    const s = scenarioIn(dir, traceScenario({ policy: 'fgd', mode: 'paper', extra: '        maxPods: 64' }));
    const c = s.fleet.clusters[0];
    expect(c.nodePools.map((p) => p.name)).toEqual(['sim-node-0', 'sim-node-1', 'sim-node-2', 'sim-node-3', 'sim-node-4', 'sim-node-5']);
    expect(c.nodePools.map((p) => [p.count, p.cpuMillis, p.memoryMiB, p.gpus.count, p.gpus.model, p.maxPods])).toEqual([
      [1, 32000, 131072, 8, 'G2', 64],
      [1, 32000, 131072, 8, 'G2', 64],
      [1, 16000, 65536, 2, 'T4', 64],
      [1, 16000, 65536, 2, 'T4', 64],
      [1, 8000, 32768, 1, 'V100M16', 64],
      [1, 16000, 65536, 0, '', 64],
    ]);
    expect(c.nodeScoring).toBe('fgd');
    expect(c.trace).toMatchObject({ kind: 'openb', mode: 'paper', tune: 1.3, interval: 1, start: 0, from: 0, timeScale: 1, typicalPct: 95, maxPods: 64 });
    expect(c.trace!.pods).toHaveLength(60);
  });

  const bad = (yaml: string) => () => scenarioIn(dir, yaml);
  const cluster = (body: string) => `
name: t
fleet:
  clusters:
    - name: gpu
      region: r1
${body}`;

  it('reports located errors for bad trace blocks', () => {
    expect(bad(cluster('      nodePools: [{ count: 1, cpu: 4, memory: 8Gi }]\n      trace: { kind: openb, nodes: nodes.csv }'))).toThrow(/scenario\.yaml:\d+:\d+: fleet\.clusters\[0\]\.nodePools: expected either nodePools or trace\.nodes, not both/);
    expect(bad(cluster('      trace: { kind: openb, pods: pods.csv, mode: replay }'))).toThrow(/fleet\.clusters\[0\]: expected nodePools \(or a trace with nodes\)/);
    expect(bad(cluster('      trace: { kind: openb, nodes: nope.csv }'))).toThrow(/scenario\.yaml:7:\d+: fleet\.clusters\[0\]\.trace\.nodes: expected a readable openb node CSV file.*nope\.csv/);
    expect(bad(cluster('      trace: { kind: openb, nodes: nodes.csv, pods: pods.csv }'))).toThrow(/trace\.mode: expected mode: paper or replay/);
    expect(bad(cluster('      trace: { kind: openb }'))).toThrow(/fleet\.clusters\[0\]\.trace: expected a trace with nodes/);
    expect(bad(cluster('      trace: { kind: alibaba, nodes: nodes.csv }'))).toThrow(/trace\.kind/);
    expect(bad(cluster('      nodeScoring: fgd2\n      nodePools: [{ count: 1, cpu: 4, memory: 8Gi }]'))).toThrow(/nodeScoring/);
    expect(bad(cluster('      trace: { kind: openb, nodes: nodes.csv, pods: pods.csv, mode: paper, interval: 0 }'))).toThrow(/trace\.interval/);
  });

  it('rejects what a mode cannot use: replay without times, paper without GPU capacity or GPU pods', () => {
    writeFileSync(join(dir, 'multi.csv'), 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np-0,1000,1024,2,1000\n');
    writeFileSync(join(dir, 'cpu-pods.csv'), `${POD_HEADER}\np-0,1000,1024,0,0,,LS,Running,0,10,0\n`);
    writeFileSync(join(dir, 'cpu-nodes.csv'), 'sn,cpu_milli,memory_mib,gpu,model\nn-0,8000,16384,0,\n');
    expect(bad(cluster('      trace: { kind: openb, nodes: nodes.csv, pods: multi.csv, mode: replay }'))).toThrow(/trace\.pods: expected a pod CSV with creation_time/);
    expect(bad(cluster('      trace: { kind: openb, nodes: cpu-nodes.csv, pods: pods.csv, mode: paper }'))).toThrow(/trace\.mode: expected a cluster with GPUs for mode paper/);
    expect(bad(cluster('      trace: { kind: openb, nodes: nodes.csv, pods: cpu-pods.csv, mode: paper }'))).toThrow(/trace\.mode: expected a pod list with GPU pods/);
    // The multigpu* files (no times) are fine in paper mode.
    expect(bad(cluster('      trace: { kind: openb, nodes: nodes.csv, pods: multi.csv, mode: paper }'))).not.toThrow();
  });

  it('a bad CSV row is reported at its file, line and column', () => {
    writeFileSync(join(dir, 'bad-pods.csv'), `${POD_HEADER}\np-0,1000,1024,2,500,,LS,Running,0,10,0\n`);
    expect(bad(cluster('      trace: { kind: openb, nodes: nodes.csv, pods: bad-pods.csv, mode: replay }'))).toThrow(/bad-pods\.csv:2:\d+: gpu_milli: expected 1000 for a pod with num_gpu 2/);
  });
});

describe('replay mode', () => {
  it('maps creation times through from, start and timeScale, and runs each pod for its scaled run time once Ready', async () => {
    writeFileSync(
      join(dir, 'times.csv'),
      [
        POD_HEADER,
        'early,1000,1024,1,500,,LS,Running,100,400,120', // created before `from`: left out
        'a,1000,1024,1,500,,BE,Running,1000,1900,1010', // runs 1900 - 1010 = 890 s of trace time
        'b,1000,1024,0,0,,LS,Pending,1200,1500,', // never scheduled: runs 1500 - 1200 = 300
      ].join('\n') + '\n',
    );
    const yaml = traceScenario({ policy: 'bestfit', mode: 'replay', pods: 'times.csv', extra: '        from: 1000\n        start: 60\n        timeScale: 0.5' });
    violations.length = 0;
    const r = await runChecked(scenarioIn(dir, yaml));
    expect(violations).toEqual([]);
    const t = podTimes();
    expect([...t.keys()].sort()).toEqual(['a', 'b']);
    expect(t.get('a')!.created).toBe(60);
    expect(t.get('b')!.created).toBe(60 + 200 * 0.5);
    expect(t.get('a')!.finished - t.get('a')!.ready).toBeCloseTo(890 * 0.5, 9);
    expect(t.get('b')!.finished - t.get('b')!.ready).toBeCloseTo(300 * 0.5, 9);
    expect(r.traces![0]).toMatchObject({ mode: 'replay', pods: 2, arrived: 2, bound: 2, finished: 2, failed: 0, pending: 0 });
    expect(r.traces![0].schedulingDelay!.real).toMatchObject({ count: 1, p50: 10, max: 10 }); // a's real delay; b never was scheduled
    expect(r.workloads).toEqual([]); // trace pods are reported per trace, not one by one
  });

  it('a pod that does not fit waits Pending; on release the higher qos class goes first', async () => {
    writeFileSync(join(dir, 'one-gpu.csv'), 'sn,cpu_milli,memory_mib,gpu,model\nn-0,8000,16384,1,T4\n');
    writeFileSync(
      join(dir, 'queue.csv'),
      [POD_HEADER, 'first,1000,1024,1,1000,,BE,Running,0,100,0', 'be,1000,1024,1,1000,,BE,Running,10,60,10', 'ls,1000,1024,1,1000,,LS,Running,20,70,20'].join('\n') + '\n',
    );
    violations.length = 0;
    const r = await runChecked(scenarioIn(dir, traceScenario({ policy: 'fgd', mode: 'replay', nodes: 'one-gpu.csv', pods: 'queue.csv' })));
    expect(violations).toEqual([]);
    const t = podTimes();
    expect(t.get('ls')!.bound).toBeCloseTo(t.get('first')!.finished, 9);
    expect(t.get('be')!.bound).toBeCloseTo(t.get('ls')!.finished, 9);
    expect(t.get('be')!.bound).toBeGreaterThan(t.get('ls')!.bound);
    expect(r.traces![0].schedulingDelay!.simulated.max).toBeGreaterThan(100);
  });
});

describe('paper mode', () => {
  it('submits one pod per interval from start, counts and drops the pods that fit nowhere, never frees anything', async () => {
    violations.length = 0;
    const r = await runChecked(scenarioIn(dir, traceScenario({ policy: 'gpupacking', mode: 'paper', extra: '        interval: 2s\n        start: 5s' })));
    expect(violations).toEqual([]);
    const t = r.traces![0];
    const pods = podTimes();
    expect(pods.size).toBe(t.arrived);
    const created = [...pods.values()].map((p) => p.created).sort((a, b) => a - b);
    created.forEach((c, k) => expect(c).toBe(5 + 2 * k));
    const failed = [...pods.values()].filter((p) => p.phase === PodPhase.Terminated);
    expect(failed.length).toBe(t.failed);
    expect(t.failed).toBeGreaterThan(0); // 1.3 x capacity cannot all fit
    for (const p of failed) expect(Number.isNaN(p.bound)).toBe(true);
    for (const p of pods.values()) expect(p.phase === PodPhase.Terminated || p.phase === PodPhase.Running).toBe(true);
    expect(t.arrivedGpuMilli).toBeGreaterThan(1.3 * t.capacityGpuMilli - 1000 * 8);
    expect(t.allocationCurve).toHaveLength(131);
    expect(t.allocationCurve![0]).toBe(0);
    expect(t.allocationCurve![130]).toBeCloseTo((100 * t.allocatedGpuMilli) / t.capacityGpuMilli, 9);
  });

  it('the seed drives the submission order', async () => {
    const order = async (seed: number) => {
      await runChecked(scenarioIn(dir, traceScenario({ policy: 'bestfit', mode: 'paper' })), seed);
      return [...podTimes().entries()].sort((a, b) => a[1].created - b[1].created).map(([name]) => name);
    };
    const a = await order(1);
    expect(await order(1)).toEqual(a);
    expect(await order(2)).not.toEqual(a);
  });

  it.skipIf(!haveTraces)('scenarios/gpu-openb-paper.yaml repeats `fleetsim experiment fgd` at seed 42 exactly (95.22 % | 95.40 %)', async () => {
    violations.length = 0;
    const r = await runChecked(loadScenario(join(ROOT, 'scenarios/gpu-openb-paper.yaml'), { allowRead: [TRACES] }));
    expect(violations).toEqual([]);
    const exp = runFgdTask({ nodesPath: join(TRACES, 'openb_node_list_gpu_node.csv'), podsPath: join(TRACES, 'openb_pod_list_default.csv'), policy: 'fgd', seed: 42, tune: 1.3 });
    const t = r.traces![0];
    expect(t.allocationCurve).toEqual(exp.curve);
    expect(t.failed).toBe(exp.failedPods);
    expect(t.allocationCurve![100]!.toFixed(2)).toBe('95.22');
    expect(t.allocationCurve![130]!.toFixed(2)).toBe('95.40');
  }, 30_000);
});

describe('GPU policies in a normal multi-cluster scenario', () => {
  const fleet = (scoring: string) => `
name: packing
duration: 1h
controlPlane: { schedulingLatency: 0s }
fleet:
  clusters:
    - name: gpu
      region: r1
      nodeScoring: ${scoring}
      nodePools:
        - { count: 2, cpu: 16, memory: 64Gi, gpus: { count: 1, model: T4 } }
policies:
  - name: all
    kind: ClusterPropagationPolicy
    resourceSelectors: [{ kind: Deployment }]
    placement: { clusterAffinity: { clusterNames: [gpu] } }
workloads:
  - { kind: Deployment, name: shares, replicas: 2, resources: { cpu: 1, memory: 1Gi, gpuMilli: 400 } }
  - { kind: Deployment, name: whole, at: 1m, replicas: 1, resources: { cpu: 1, memory: 1Gi, gpu: 1 } }
`;
  it('GpuPacking and BestFit put two GPU shares on one GPU, leaving a whole GPU; LeastAllocated spreads them', async () => {
    for (const scoring of ['gpupacking', 'bestfit', 'LeastAllocated']) {
      violations.length = 0;
      const r = await runChecked(scenarioIn(dir, fleet(scoring)));
      expect(violations).toEqual([]);
      expect(r.workloads[1].ready).toBe(scoring === 'LeastAllocated' ? 0 : 1);
    }
  });

  it('scenarios/gpu-fleet.yaml: FGD (typical pods learnt online) keeps room for the 8-GPU Job that LeastAllocated leaves Pending', async () => {
    violations.length = 0;
    const r = await runChecked(loadScenario(join(ROOT, 'scenarios/gpu-fleet.yaml')));
    expect(violations).toEqual([]);
    const pending = Object.fromEntries(r.clusters.map((c) => [c.name, c.pending]));
    expect(pending).toEqual({ 'gpu-fgd': 0, 'gpu-spread': 1 });
  });

  it.skipIf(!haveTraces)('scenarios/gpu-openb-replay.yaml runs, with contention on its shrunk cluster', async () => {
    violations.length = 0;
    const r = await runChecked(loadScenario(join(ROOT, 'scenarios/gpu-openb-replay.yaml'), { allowRead: [TRACES] }));
    expect(violations).toEqual([]);
    const t = r.traces![0];
    expect(t).toMatchObject({ mode: 'replay', pods: 3735, arrived: 3735, failed: 0 });
    expect(t.schedulingDelay!.simulated.p99).toBeGreaterThan(0);
  }, 30_000);
});

// ---------------------------------------------------------------------------------------------
// The built CLI, end to end on the small fixture trace.

const CLI = join(ROOT, 'dist/src/cli/main.js');
function newest(d: string): number {
  let t = 0;
  for (const e of readdirSync(d, { withFileTypes: true })) t = Math.max(t, e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs);
  return t;
}
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('fleetsim run with a cluster trace (built CLI)', () => {
  beforeAll(() => {
    if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest(join(ROOT, 'src'))) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { cwd: ROOT, stdio: 'pipe' });
      } catch {
        // Type errors elsewhere still emit JavaScript.
      }
    }
  }, 120_000);

  it('paper mode: summary line, summary.json with the curve, and the report chart', () => {
    writeFileSync(join(dir, 'paper.yaml'), traceScenario({ policy: 'fgd', mode: 'paper' }));
    const r = cli(['run', 'paper.yaml', '--out', 'out-paper']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trace gpu \(openb paper, fgd\): \d+ pods, \d+ arrived, \d+ bound, \d+ failed, 0 pending; GPU allocation \d+\.\d\d% at 100% arrived demand/);
    const summary = JSON.parse(readFileSync(join(dir, 'out-paper/summary.json'), 'utf8'));
    const t = summary.runs[0].traces[0];
    expect(t.allocationCurve).toHaveLength(131);
    expect(summary.runs[0].workloads).toEqual([]);
    const html = readFileSync(join(dir, 'out-paper/index.html'), 'utf8');
    expect(html).toContain('GPU allocation ratio vs arrived GPU demand');
  });

  it('replay mode: the delays beside the trace\'s own', () => {
    writeFileSync(join(dir, 'replay.yaml'), traceScenario({ policy: 'dotprod', mode: 'replay' }));
    const r = cli(['run', 'replay.yaml', '--out', 'out-replay']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trace gpu \(openb replay, dotprod\): 60 pods, 60 arrived, \d+ bound, 0 failed, \d+ pending; scheduling delay p50 \/ p99 .* \(the trace's own: /);
  });

  it('a broken trace is a located user error: exit 2, no stack trace', () => {
    writeFileSync(join(dir, 'broken.yaml'), traceScenario({ policy: 'fgd', mode: 'replay', pods: 'missing.csv' }));
    const r = cli(['run', 'broken.yaml', '--out', 'out-broken']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+: fleet\.clusters\[0\]\.trace\.pods: expected a readable openb pod CSV file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
