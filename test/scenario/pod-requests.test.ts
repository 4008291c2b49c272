import { describe, expect, it } from 'vitest';
import { podRequests } from '../../src/scenario/pod-requests.js';

const c = (requests: Record<string, unknown> | null, limits: Record<string, unknown> | null = null, extra: Record<string, unknown> = {}) => ({
  name: 'c',
  image: 'x',
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
  ...extra,
});

describe('podRequests (kube-scheduler PodRequests)', () => {
  it('adds up regular containers; limits fill in missing requests', () => {
    const r = podRequests({ containers: [c({ cpu: '1' }, { cpu: '2', memory: '1Gi' }), c({ cpu: '500m', memory: '512Mi' })] });
    expect(r).toEqual({ cpu: 1500, memory: 1.5 * 2 ** 30 });
  });

  it('takes the largest init container when it exceeds the containers', () => {
    const r = podRequests({ containers: [c({ cpu: '1', memory: '1Gi' })], initContainers: [c({ cpu: '3' }), c({ memory: '4Gi' })] });
    expect(r).toEqual({ cpu: 3000, memory: 4 * 2 ** 30 });
  });

  it('adds restartable init containers (sidecars) to the containers and to the init containers after them', () => {
    // Kubernetes' own example (KEP-753): sidecar 1 CPU, then an init of 2 CPU, containers 1 CPU.
    const spec = {
      containers: [c({ cpu: '1' })],
      initContainers: [c({ cpu: '1' }, null, { restartPolicy: 'Always' }), c({ cpu: '2' })],
    };
    // init phase: sidecar (1) + init (2) = 3; run phase: sidecar (1) + container (1) = 2.
    expect(podRequests(spec)).toEqual({ cpu: 3000 });
    const later = { containers: [c({ cpu: '1' })], initContainers: [c({ cpu: '2' }), c({ cpu: '1' }, null, { restartPolicy: 'Always' })] };
    // an init container before the sidecar does not overlap it: max(2, 1) vs 1 + 1.
    expect(podRequests(later)).toEqual({ cpu: 2000 });
  });

  it('adds pod overhead and honours pod-level requests for cpu and memory', () => {
    expect(podRequests({ containers: [c({ cpu: '1' })], overhead: { cpu: '250m', memory: '120Mi' } })).toEqual({ cpu: 1250, memory: 120 * 2 ** 20 });
    expect(podRequests({ containers: [c({ cpu: '1', 'nvidia.com/gpu': 1 })], resources: { requests: { cpu: '4' } } })).toEqual({ cpu: 4000, 'nvidia.com/gpu': 1 });
  });

  it('rounds each cpu quantity up to a millicore and reports a bad quantity with its path', () => {
    expect(podRequests({ containers: [c({ cpu: '0.0001' }), c({ cpu: '0.0001' })] })).toEqual({ cpu: 2 });
    let seen: unknown[] = [];
    try {
      podRequests({ containers: [c(null, { memory: 'lots' })] }, ['spec'], (path, expected, found) => {
        seen = [path, expected, found];
        throw new Error('bad');
      });
    } catch {
      // expected
    }
    expect(seen[0]).toEqual(['spec', 'containers', 0, 'resources', 'limits', 'memory']);
    expect(seen[2]).toBe('lots');
  });
});
