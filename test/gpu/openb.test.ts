import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { runPaperExperiment } from '../../src/gpu/paper-experiment.js';
import { typicalPods } from '../../src/gpu/typical-pods.js';
import { buildPaperWorkload, parseOpenbNodes, parseOpenbPods, podGpuMilli, toTimedPods } from '../../src/trace/openb.js';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const nodesText = readFileSync(fixture('nodes.csv'), 'utf8');
const podsText = readFileSync(fixture('pods.csv'), 'utf8');
const POD_HEADER = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('openb CSV import', () => {
  it('reads the node and pod lists', () => {
    const nodes = parseOpenbNodes(nodesText, 'nodes.csv');
    expect(nodes.map((n) => n.gpuCount)).toEqual([8, 8, 2, 2, 1, 0]);
    expect(nodes[5].model).toBe('');
    const pods = parseOpenbPods(podsText, 'pods.csv');
    expect(pods).toHaveLength(40);
    expect(pods[3]).toMatchObject({ name: 'tiny-pod-0003', numGpu: 1, gpuMilli: 1000, gpuSpec: ['T4'], qos: 'LS', phase: 'Running', scheduledTime: 594 });
    expect(pods[4]).toMatchObject({ name: 'tiny-pod-0004', numGpu: 2, phase: 'Pending', scheduledTime: null });
    expect(pods.find((p) => p.gpuSpec.length === 2)?.gpuSpec).toEqual(['G2', 'T4']);
  });

  it('accepts the 5-column multigpu layout (no times, no qos)', () => {
    const pods = parseOpenbPods('name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,100,8,1000\np1,500,10,0,0\n', 'm.csv');
    expect(pods.map((p) => [p.numGpu, p.qos, p.creationTime])).toEqual([[8, null, null], [0, null, null]]);
    expect(errorOf(() => toTimedPods(pods, 'm.csv'))).toMatch(/^m\.csv:2:1: .*creation_time/);
  });

  it('a bad row is an error naming file, line, column and field', () => {
    expect(errorOf(() => parseOpenbPods(`${POD_HEADER}\np0,1000,100,1,1000,,LS,Running,0,10,0\np1,1000,1O0,1,1000,,LS,Running,0,10,0\n`, 'pods.csv'))).toBe(
      'pods.csv:3:9: memory_mib: expected an integer in 0.., found "1O0"',
    );
    expect(errorOf(() => parseOpenbPods(`${POD_HEADER}\np0,1000,100,2,500,,LS,Running,0,10,0\n`, 'x.csv'))).toMatch(/^x\.csv:2:15: gpu_milli: expected 1000/);
    expect(errorOf(() => parseOpenbPods(`${POD_HEADER}\np0,1000,100,0,0,,XX,Running,0,10,0\n`, 'x.csv'))).toMatch(/^x\.csv:2:\d+: qos: expected one of LS, BE, Burstable, Guaranteed, found "XX"/);
    expect(errorOf(() => parseOpenbPods(`${POD_HEADER}\np0,1000,100,0,0,,LS,Running,50,10,\n`, 'x.csv'))).toMatch(/deletion_time: expected a time >= creation_time 50/);
    expect(errorOf(() => parseOpenbPods(`${POD_HEADER}\np0,1000,100,0,0,,LS,Running,0,10\n`, 'x.csv'))).toMatch(/^x\.csv:2:\d+: \(row\): expected 11 fields, as the header has, found 10/);
    expect(errorOf(() => parseOpenbPods('name,cpu_milli,memory_mib,num_gpu\np0,1,1,0\n', 'x.csv'))).toMatch(/^x\.csv:1:1: header: expected the columns name,cpu_milli,memory_mib,num_gpu,gpu_milli .*, found no column "gpu_milli"/);
    expect(errorOf(() => parseOpenbNodes('sn,cpu_milli,memory_mib,gpu,model\nn0,1000,100,2,\n', 'n.csv'))).toMatch(/^n\.csv:2:\d+: model: expected a GPU model name/);
    expect(errorOf(() => parseOpenbNodes('sn,cpu_milli,memory_mib,gpu,model\nn0,1000,100,2,T4\nn0,1000,100,2,T4\n', 'n.csv'))).toMatch(/^n\.csv:3:1: sn: expected a node name not used before, found "n0" again/);
    // An unknown column is reported by its place, not its text: the file may be any file a path named.
    expect(errorOf(() => parseOpenbNodes('sn,cpu_milli,memory_mib,gpu,model,extra\n', 'n.csv'))).toMatch(/^n\.csv:1:\d+: header: expected the columns sn,cpu_milli,memory_mib,gpu,model, found another column \(column 6\)$/);
  });

  it('maps pods to the time-driven replay: arrival, run time, priority from qos', () => {
    const timed = toTimedPods(parseOpenbPods(podsText, 'pods.csv'), 'pods.csv');
    const p0 = timed.find((t) => t.name === 'tiny-pod-0000')!;
    expect([p0.arrival, p0.runTime, p0.priority, p0.realDelay]).toEqual([231, 4105 - 245, 0, 14]);
    const pending = timed.find((t) => t.name === 'tiny-pod-0004')!;
    expect([pending.runTime, pending.priority, pending.realDelay]).toEqual([2646 - 605, 2, null]);
    for (let i = 1; i < timed.length; i++) expect(timed[i].arrival).toBeGreaterThanOrEqual(timed[i - 1].arrival);
    expect(new Set(timed.map((t) => t.priority))).toEqual(new Set([0, 1, 2]));
  });
});

describe('paper-mode workload', () => {
  const pods = parseOpenbPods(podsText, 'pods.csv');
  const capacityMilli = 21_000;

  it('shuffles per seed and inflates to tune x capacity without exceeding it', () => {
    const a = buildPaperWorkload(pods, { seed: 42, tune: 1.3, capacityMilli });
    const total = a.reduce((s, p) => s + podGpuMilli(p), 0);
    expect(total).toBeLessThanOrEqual(1.3 * capacityMilli);
    expect(total).toBeGreaterThan(1.3 * capacityMilli - 8000);
    expect(a.slice(0, pods.length).map((p) => p.name).sort()).toEqual(pods.map((p) => p.name).sort());
    expect(a.slice(pods.length).every((p) => /-tuned-\d+$/.test(p.name))).toBe(true);
    expect(buildPaperWorkload(pods, { seed: 42, tune: 1.3, capacityMilli })).toEqual(a);
    expect(buildPaperWorkload(pods, { seed: 43, tune: 1.3, capacityMilli }).map((p) => p.name)).not.toEqual(a.map((p) => p.name));
  });

  it('removes pods when the list is above the target', () => {
    const w = buildPaperWorkload(pods, { seed: 1, tune: 0.5, capacityMilli });
    expect(w.reduce((s, p) => s + podGpuMilli(p), 0)).toBeLessThanOrEqual(0.5 * capacityMilli);
    expect(w.length).toBeLessThan(pods.length);
  });

  it('runs are deterministic per seed; the curve is monotone and starts at 0', () => {
    const nodes = parseOpenbNodes(nodesText, 'nodes.csv');
    const typical = typicalPods(pods);
    for (const policy of ['random', 'fgd', 'gpupacking']) {
      const run = (seed: number) =>
        runPaperExperiment({ nodes, workload: buildPaperWorkload(pods, { seed, tune: 1.3, capacityMilli }), typicalPods: typical, policy, seed, targetMilli: 1.3 * capacityMilli });
      const a = run(5);
      expect(run(5)).toEqual(a);
      expect(a.curve).toHaveLength(131);
      expect(a.curve[0]).toBe(0);
      for (let k = 1; k <= 130; k++) {
        expect(a.curve[k]).not.toBeNull();
        expect(a.curve[k]!).toBeGreaterThanOrEqual(a.curve[k - 1]!);
        expect(a.curve[k]!).toBeLessThanOrEqual(Math.min(k + 40, 100)); // allocated <= arrived (+ the pod that crossed)
      }
      expect(a.allocatedGpuMilli + a.failedGpuMilli).toBe(a.arrivedGpuMilli);
    }
  });
});
