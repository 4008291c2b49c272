import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runVolcanoConformance, runVolcanoVector } from '../../src/conformance/volcano.js';
import { nextWeight, simulateRollout } from '../../src/rollout/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '../../../shared/conformance/volcano');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const SCHEDULING_FILES: Record<string, number> = {
  'binpack.json': 6,
  'drf.json': 6,
  'gang.json': 14,
  'preempt.json': 9,
  'proportion.json': 11,
  'queue_share.json': 12,
  'reclaim.json': 6,
};

function vectors(file: string): Json[] {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')).vectors;
}

/** A value no tolerance can accept in place of `v`. */
function perturb(v: Json): Json {
  if (v === null) return { __bogus__: 1 };
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v + 1000 + Math.abs(v);
  if (typeof v === 'string') return v + '__bogus__';
  if (Array.isArray(v)) return [...v, 'ns/__bogus__'];
  const keys = Object.keys(v).filter((k) => k !== 'tolerance');
  if (keys.length === 0) return { 'ns/__bogus__': 'n-bogus' };
  return { ...v, [keys[0]]: perturb(v[keys[0]]) };
}

describe('volcano conformance', () => {
  for (const [file, count] of Object.entries(SCHEDULING_FILES)) {
    it(`passes every vector of ${file}`, async () => {
      const r = await runVolcanoConformance([path.join(dir, file)]);
      expect(r.failures).toEqual([]);
      expect(r.failed).toBe(0);
      expect(r.passed).toBe(count);
    });
  }

  it('passes every Kurator rollout trace, and fails a trace with a wrong tick', async () => {
    const r = await runVolcanoConformance([path.join(dir, 'kurator_rollout_traces.json')]);
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(7);
    for (const v of vectors('kurator_rollout_traces.json')) {
      const ticks = v.expectedTicks;
      const last = ticks.length - 1;
      const wrongWeight = ticks.map((t: Json, i: number) => (i === last ? { ...t, statusWeight: t.statusWeight + 10 } : t));
      expect(runVolcanoVector({ ...v, expectedTicks: wrongWeight }).pass, v.id).toBe(false);
      expect(runVolcanoVector({ ...v, expectedTicks: ticks.slice(0, last) }).pass, v.id).toBe(false);
      const wrongPhase = ticks.map((t: Json, i: number) => (i === 1 ? { ...t, phase: 'Failed' } : t));
      expect(runVolcanoVector({ ...v, expectedTicks: wrongPhase }).pass, v.id).toBe(false);
    }
  });

  it('rollout model: stepWeights, threshold 0 counts as 1, blue/green rollback', () => {
    expect([0, 5, 25].map((w) => nextWeight({ stepWeights: [5, 25, 60] }, w))).toEqual([5, 25, 60]);
    const steps = simulateRollout({ stepWeights: [5, 25, 60] }).map((t) => t.statusWeight);
    expect(steps).toEqual([0, 5, 25, 60, 0, 0, 0]);
    const t0 = simulateRollout({ maxWeight: 50, stepWeight: 10, threshold: 0 }, [true, false]);
    expect(t0.at(-1)).toMatchObject({ phase: 'Failed', failedChecks: 0, canaryRouteWeight: 0 });
    expect(t0).toHaveLength(5); // detect, 10 (pre-rollout), 20 (pass), fail, rollback
    const bg = simulateRollout({ iterations: 3, threshold: 2 }, [false, false]);
    expect(bg.map((t) => t.phase)).toEqual(['Progressing', 'Progressing', 'Progressing', 'Progressing', 'Failed']);
  });

  it('fails every scheduling vector whose expected value is made wrong', () => {
    let n = 0;
    for (const file of Object.keys(SCHEDULING_FILES)) {
      for (const v of vectors(file)) {
        expect(runVolcanoVector(v).pass, v.id).toBe(true);
        const keys = Object.keys(v.expected).filter((k) => k !== 'tolerance');
        for (const k of keys) {
          const bad = { ...v, expected: { ...v.expected, [k]: perturb(v.expected[k]) } };
          expect(runVolcanoVector(bad).pass, `${v.id} with a wrong '${k}'`).toBe(false);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('fails on an unknown expected field and on an unrecognised vector shape', () => {
    const v = vectors('gang.json').find((x) => x.id === 'gang-004');
    expect(runVolcanoVector({ ...v, expected: { ...v.expected, surprise: 1 } }).pass).toBe(false);
    expect(runVolcanoVector({ id: 'x', input: { what: 1 }, expected: { y: 2 } }).pass).toBe(false);
  });

  it('turns an exception (unknown plugin) into a failure with the message', () => {
    const v = vectors('gang.json').find((x) => x.id === 'gang-004');
    const r = runVolcanoVector({ ...v, config: { ...v.config, plugins: [{ name: 'nosuchplugin' }] } });
    expect(r.pass).toBe(false);
    expect(String(r.got)).toMatch(/unknown plugin 'nosuchplugin'/);
  });
});
