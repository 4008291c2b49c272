import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKarmadaConformance, runKarmadaVector } from '../../src/conformance/karmada.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '../../../shared/conformance/karmada');
const done = ['webster', 'static_weight', 'duplicated', 'dynamic_weight', 'aggregated', 'scale_up_down', 'assign_misc', 'reschedule_triggers'];

describe('karmada conformance', () => {
  it('passes the implemented vector files', async () => {
    const r = await runKarmadaConformance(done.map((f) => path.join(dir, `${f}.json`)));
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(75);
  });

  it('reports a wrong expected value as a failure', () => {
    const v = {
      name: 'deliberately wrong',
      entry: 'webster',
      input: { newSeats: 7, votes: { a: 2, b: 1, c: 1, d: 1 }, initial: {}, tieBreak: 'default' },
      expected: [{ name: 'a', replicas: 3 }, { name: 'b', replicas: 2 }, { name: 'c', replicas: 2 }, { name: 'd', replicas: 0 }],
      match: 'ordered',
    };
    expect(runKarmadaVector(v).pass).toBe(false);
    expect(runKarmadaVector({ ...v, expected: [{ name: 'a', replicas: 3 }, { name: 'b', replicas: 2 }, { name: 'c', replicas: 1 }, { name: 'd', replicas: 1 }] }).pass).toBe(true);
  });

  it('treats an unknown entry as a failure', () => {
    expect(runKarmadaVector({ name: 'x', entry: 'noSuchEntry', input: {}, expected: 1, match: 'exact' }).pass).toBe(false);
  });

  it('fails an error vector when the call succeeds', () => {
    const v = { name: 'x', entry: 'AssignReplicas', input: { clusters: [{ name: 'm1' }], replicas: 1, placement: {}, previous: [] }, expected: { error: 'boom' }, match: 'error' };
    expect(runKarmadaVector(v).pass).toBe(false);
  });
});
