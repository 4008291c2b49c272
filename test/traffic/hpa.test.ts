import { describe, expect, it } from 'vitest';
import { decideReplicas, newHpaMemory, replicasForMetric } from '../../src/autoscale/hpa.js';
import { defaultScaleDown, defaultScaleUp, type HpaBehavior } from '../../src/traffic/spec.js';

const defaults = (): HpaBehavior => ({ scaleUp: defaultScaleUp(), scaleDown: defaultScaleDown() });
const opts = (behavior = defaults(), minReplicas = 1, maxReplicas = 100) => ({ minReplicas, maxReplicas, behavior });

describe('HPA replica calculation', () => {
  it('keeps the current count within the tolerance, else ceil(ratio × ready)', () => {
    expect(replicasForMetric(10, 65, 60, 10, 0, 0.1)).toBe(10); // ratio 1.083 <= 1.1
    expect(replicasForMetric(10, 67, 60, 10, 0, 0.1)).toBe(12); // ratio 1.117: ceil(11.17)
    expect(replicasForMetric(10, 30, 60, 10, 0, 0.1)).toBe(5);
    expect(replicasForMetric(10, 30, 60, 8, 0, 0.1)).toBe(4); // ready pods, not spec replicas
    expect(replicasForMetric(10, 67, 60, 0, 3, 0.1)).toBe(10); // no metrics at all
  });

  it('counts unready pods as idle when scaling up', () => {
    // 4 ready at 90 % of a 60 % target, 2 unready: ratio over 6 pods = 1.0 → within tolerance.
    expect(replicasForMetric(6, 90, 60, 4, 2, 0.1)).toBe(6);
    // 4 ready at 150 %: over 6 pods 1.667 → ceil(1.667 × 6) = 10.
    expect(replicasForMetric(6, 150, 60, 4, 2, 0.1)).toBe(10);
    // Scaling down ignores unready pods.
    expect(replicasForMetric(6, 30, 60, 4, 2, 0.1)).toBe(2);
  });
});

describe('HPA behaviour', () => {
  it('scale-down waits for the stabilisation window (highest recommendation of the last 300 s)', () => {
    const mem = newHpaMemory();
    const o = opts();
    expect(decideReplicas(o, mem, 0, 10, 10).desired).toBe(10);
    expect(decideReplicas(o, mem, 15, 10, 4).desired).toBe(10); // the 10 at t=0 is in the window
    expect(decideReplicas(o, mem, 150, 10, 4).desired).toBe(10);
    expect(decideReplicas(o, mem, 299, 10, 4).desired).toBe(10);
    // At 300 the recommendation of t=0 is no longer strictly after the cutoff (now − 300): only 4s remain.
    const d = decideReplicas(o, mem, 300, 10, 4);
    expect(d.desired).toBe(4);
  });

  it('scale-up is immediate by default, limited to max(4 pods, 100 %) per 15 s', () => {
    const mem = newHpaMemory();
    const o = opts();
    expect(decideReplicas(o, mem, 0, 2, 50).desired).toBe(6); // max(2 + 4, 2 × 2)
    expect(decideReplicas(o, mem, 5, 6, 50).desired).toBe(6); // still in the same 15 s period: started at 2
    expect(decideReplicas(o, mem, 16, 6, 50).desired).toBe(12); // new period from 6: max(10, 12)
  });

  it('selectPolicy Min takes the smallest limit and Disabled forbids the direction', () => {
    const b = defaults();
    b.scaleUp = { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }, { type: 'Percent', value: 100, periodSeconds: 60 }] };
    expect(decideReplicas(opts(b), newHpaMemory(), 0, 10, 50).desired).toBe(14); // min(14, 20)
    b.scaleUp.selectPolicy = 'Max';
    expect(decideReplicas(opts(b), newHpaMemory(), 0, 10, 50).desired).toBe(20);
    b.scaleUp.selectPolicy = 'Disabled';
    expect(decideReplicas(opts(b), newHpaMemory(), 0, 10, 50).desired).toBe(10);
    b.scaleDown = { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
    expect(decideReplicas(opts(b), newHpaMemory(), 0, 10, 1).desired).toBe(10);
  });

  it('Percent scale-down rounds down, and a period remembers what it already removed', () => {
    const b = defaults();
    b.scaleDown = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] };
    const mem = newHpaMemory();
    expect(decideReplicas(opts(b), mem, 0, 25, 1).desired).toBe(22); // floor(25 × 0.9) = 22
    expect(decideReplicas(opts(b), mem, 30, 22, 1).desired).toBe(22); // period start 25 → still 22
    expect(decideReplicas(opts(b), mem, 61, 22, 1).desired).toBe(19); // floor(22 × 0.9)
  });

  it('clamps to min/max and does nothing when scaled to zero', () => {
    expect(decideReplicas(opts(defaults(), 3, 8), newHpaMemory(), 0, 5, 100).desired).toBe(8);
    expect(decideReplicas(opts(defaults(), 3, 8), newHpaMemory(), 0, 12, 5).desired).toBe(8);
    expect(decideReplicas(opts(defaults(), 3, 8), newHpaMemory(), 0, 2, 5).desired).toBe(3);
    expect(decideReplicas(opts(defaults(), 3, 8), newHpaMemory(), 0, 0, 5).desired).toBe(0);
    expect(decideReplicas(opts(defaults(), 3, 8), newHpaMemory(), 0, 5, null).desired).toBe(5);
  });
});
