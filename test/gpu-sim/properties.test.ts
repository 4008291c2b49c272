import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runPaperExperiment, typicalPods } from '../../src/gpu/index.js';
import { buildPaperWorkload, readOpenbNodes, readOpenbPods } from '../../src/trace/openb.js';
import { runChecked, scenarioIn, stats, tempDir, traceScenario, violations, writeTrace, type GenNode, type GenPod } from './helpers.js';

/**
 * Properties of the GPU policies as member-cluster node scoring, through the whole simulation,
 * on random small traces: the checked scorers (helpers.ts) assert after every bind and release
 * that no GPU holds more than 1000 milli, no pod sits on a GPU model its gpu_spec excludes, the
 * GPU milli in use is the bound pods' demand, and the scorer's mirror matches the World.
 */

const POLICIES = ['random', 'dotprod', 'gpuclustering', 'gpupacking', 'bestfit', 'fgd'] as const;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const genNode: fc.Arbitrary<GenNode> = fc.record({
  cpu: fc.integer({ min: 1, max: 16 }).map((k) => k * 4000),
  mem: fc.integer({ min: 1, max: 8 }).map((k) => k * 16384),
  gpus: fc.constantFrom(0, 1, 2, 4, 8),
  model: fc.constantFrom('A', 'B', 'C'),
});

const genPod: fc.Arbitrary<GenPod> = fc
  .record({
    kind: fc.constantFrom('cpu', 'share', 'share', 'whole', 'multi'),
    milli: fc.integer({ min: 1, max: 19 }).map((k) => k * 50),
    multi: fc.constantFrom(2, 4, 8),
    cpu: fc.integer({ min: 0, max: 12 }).map((k) => k * 1000),
    mem: fc.integer({ min: 0, max: 8 }).map((k) => k * 4096),
    spec: fc.constantFrom('', '', 'A', 'B', 'A|C', 'Z'),
    qos: fc.constantFrom('LS', 'BE', 'Burstable', 'Guaranteed'),
    creation: fc.integer({ min: 0, max: 2000 }),
    run: fc.integer({ min: 0, max: 3000 }),
    delay: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  })
  .map((r) => ({
    cpu: r.cpu,
    mem: r.mem,
    numGpu: r.kind === 'cpu' ? 0 : r.kind === 'multi' ? r.multi : 1,
    gpuMilli: r.kind === 'share' ? r.milli : 1000,
    spec: r.spec,
    qos: r.qos,
    creation: r.creation,
    run: r.run,
    delay: r.delay,
  }));

/** A trace with GPU capacity and at least one GPU pod (paper mode needs both). */
const genTrace = fc
  .tuple(fc.array(genNode, { minLength: 1, maxLength: 6 }), fc.array(genPod, { minLength: 1, maxLength: 30 }))
  .filter(([nodes, pods]) => nodes.some((n) => n.gpus > 0) && pods.some((p) => p.numGpu > 0));

describe('GPU policies as node scoring, through the simulation (fast-check)', () => {
  it('paper mode: invariants hold, and the allocation curve and failures equal the paper experiment for the same seed', async () => {
    await fc.assert(
      fc.asyncProperty(genTrace, fc.constantFrom(...POLICIES), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0.7, 1, 1.3), async ([nodes, pods], policy, seed, tune) => {
        const dir = tempDir();
        dirs.push(dir);
        writeTrace(dir, nodes, pods);
        violations.length = 0;
        const s = scenarioIn(dir, traceScenario({ policy, mode: 'paper', duration: '1h', extra: `        tune: ${tune}\n        interval: 1s` }));
        const before = stats.checks;
        const r = await runChecked(s, seed);
        expect(violations).toEqual([]);
        const t = r.traces![0];
        // The same run as `fleetsim experiment fgd` (GpuScheduler, no simulation).
        const n = readOpenbNodes(join(dir, 'nodes.csv'));
        const p = readOpenbPods(join(dir, 'pods.csv'));
        const cap = n.reduce((a, x) => a + x.gpuCount, 0) * 1000;
        const exp = runPaperExperiment({
          nodes: n,
          workload: buildPaperWorkload(p, { seed, tune, capacityMilli: cap }),
          typicalPods: typicalPods(p, { thresholdPct: 95 }),
          policy,
          seed,
          maxPct: Math.round(tune * 100),
          targetMilli: tune * cap,
        });
        expect(t.arrived).toBe(exp.pods);
        expect(t.failed).toBe(exp.failedPods);
        expect(t.failedGpuMilli).toBe(exp.failedGpuMilli);
        expect(t.allocatedGpuMilli).toBe(exp.allocatedGpuMilli);
        expect(t.allocationCurve).toEqual(exp.curve);
        expect(t.bound + t.failed).toBe(t.arrived);
        expect(t.pending).toBe(0);
        expect(stats.checks - before).toBe(t.bound); // one check per bind: nothing leaves in paper mode
      }),
      { numRuns: Number(process.env.GPU_SIM_RUNS ?? 40) },
    );
  }, 60_000);

  it('replay mode (pods leave and wait): invariants hold, every pod is bound, pending or never fits', async () => {
    await fc.assert(
      fc.asyncProperty(genTrace, fc.constantFrom(...POLICIES), fc.integer({ min: 0, max: 1000 }), async ([nodes, pods], policy, seed) => {
        const dir = tempDir();
        dirs.push(dir);
        writeTrace(dir, nodes, pods);
        violations.length = 0;
        const before = stats.checks;
        const r = await runChecked(scenarioIn(dir, traceScenario({ policy, mode: 'replay', duration: '30h' })), seed);
        expect(violations).toEqual([]);
        const t = r.traces![0];
        expect(t.arrived).toBe(pods.length);
        expect(t.failed).toBe(0);
        expect(t.bound + t.pending).toBe(t.arrived);
        // At most 30 pods of at most 3,100 s each, created before 2,000 s: even one at a time, all
        // that ever fit have run by 30 h, and the ones left Pending fit on no node at all.
        expect(t.finished).toBe(t.bound);
        expect(stats.checks - before).toBe(2 * t.bound); // one check per bind and per release
      }),
      { numRuns: Number(process.env.GPU_SIM_RUNS ?? 40) },
    );
  }, 60_000);

  it('same trace and seed give byte-identical results; the seed drives the paper-mode order', async () => {
    await fc.assert(
      fc.asyncProperty(genTrace, fc.constantFrom(...POLICIES), fc.constantFrom<'paper' | 'replay'>('paper', 'replay'), fc.integer({ min: 0, max: 1000 }), async ([nodes, pods], policy, mode, seed) => {
        const dir = tempDir();
        dirs.push(dir);
        writeTrace(dir, nodes, pods);
        const yaml = traceScenario({ policy, mode, duration: '3h' });
        const a = await runChecked(scenarioIn(dir, yaml), seed);
        const b = await runChecked(scenarioIn(dir, yaml), seed);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: Number(process.env.GPU_SIM_RUNS ?? 20) },
    );
  }, 60_000);
});
