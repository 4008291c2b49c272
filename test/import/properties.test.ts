import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeObject, podObject, writeList, type ExportNode, type ExportPod } from '../../src/import/export.js';
import { runImport } from '../../src/import/index.js';
import { loadScenario } from '../../src/scenario/load.js';

/**
 * import ∘ export is the identity on what scheduling sees: a random fleet, written as kubectl
 * dumps it (export.ts), imported and loaded back as a scenario, has the same nodes (allocatable
 * cpu, memory in whole MiB, pod slots, GPUs and model, zone, taints, cordoned, NotReady) and the
 * same pods (each live pod once, on its node or pending, with its requests, priority, nodeSelector
 * and tolerations): none dropped, none duplicated.
 */

const AT = '2024-06-01T08:00:00Z';
const MODELS = ['NVIDIA-A100-SXM4-80GB', 'Tesla-T4', 'NVIDIA-H100-80GB-HBM3'];
const TAINTS = [
  { key: 'dedicated', value: 'ml', effect: 'NoSchedule' as const },
  { key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' as const },
  { key: 'spot', effect: 'PreferNoSchedule' as const },
];

const nodeArb = fc.record({
  cpuMillis: fc.integer({ min: 1, max: 128 }).map((c) => c * 500),
  memoryMiB: fc.integer({ min: 512, max: 1 << 20 }),
  pods: fc.integer({ min: 8, max: 250 }),
  gpus: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
  model: fc.constantFrom(...MODELS),
  zone: fc.constantFrom('z-a', 'z-b', 'z-c'),
  taints: fc.subarray(TAINTS),
  cordoned: fc.boolean(),
  ready: fc.boolean(),
});

const podArb = fc.record({
  owner: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Job', null),
  ownerName: fc.constantFrom('web', 'api', 'batch', 'agent'),
  node: fc.option(fc.nat(), { nil: null }),
  done: fc.boolean(),
  cpuMillis: fc.integer({ min: 0, max: 8000 }),
  memoryMiB: fc.integer({ min: 0, max: 64 * 1024 }),
  gpus: fc.integer({ min: 0, max: 2 }),
  priority: fc.constantFrom(0, 1000, 2000000000),
  rack: fc.option(fc.nat({ max: 7 }), { nil: null }),
  tolerates: fc.subarray(TAINTS.slice(0, 2)),
});

const fleetArb = fc.array(fc.record({ nodes: fc.array(nodeArb, { minLength: 1, maxLength: 8 }), pods: fc.array(podArb, { maxLength: 30 }) }), { minLength: 1, maxLength: 3 });

type Fleet = fc.Arbitrary<typeof fleetArb extends fc.Arbitrary<infer T> ? T : never> extends fc.Arbitrary<infer U> ? U : never;

function exportFleet(fleet: Fleet, dir: string) {
  const truth = fleet.map((c, ci) => {
    const name = `c${ci}`;
    const nodes: ExportNode[] = c.nodes.map((n, k) => ({
      name: `${name}-node-${k}`, cpuMillis: n.cpuMillis, memoryBytes: n.memoryMiB * 2 ** 20, pods: n.pods, gpus: n.gpus, gpuModel: n.gpus ? n.model : '',
      labels: { rack: `r${k}` }, taints: n.taints, zone: n.zone, region: 'r1', cordoned: n.cordoned, ready: n.ready,
    }));
    const pods: ExportPod[] = c.pods.map((p, k) => {
      const node = p.node === null ? null : nodes[p.node % nodes.length].name;
      return {
        namespace: 'default', name: `${p.owner ?? 'bare'}-${p.ownerName}-${k}`,
        owner: p.owner ? { kind: p.owner as 'Deployment', name: `${p.owner.toLowerCase()}-${p.ownerName}` } : null,
        node, phase: node === null ? 'Pending' : p.done ? 'Succeeded' : 'Running',
        cpuMillis: p.cpuMillis, memoryBytes: p.memoryMiB * 2 ** 20, gpus: p.gpus, priority: p.priority, image: 'registry.example/app:1',
        ...(p.rack !== null ? { nodeSelector: { rack: `r${p.rack}` } } : {}),
        ...(p.tolerates.length ? { tolerations: p.tolerates.map((t) => ({ key: t.key, operator: 'Equal' as const, value: t.value, effect: t.effect })) } : {}),
      };
    });
    mkdirSync(join(dir, name), { recursive: true });
    writeList(join(dir, name, 'nodes.json'), nodes.map((n) => nodeObject(n, AT)));
    writeList(join(dir, name, 'pods.json'), pods.map((p) => podObject(p, AT)));
    return { name, nodes, pods };
  });
  return truth;
}

const key = (...xs: unknown[]) => JSON.stringify(xs);

describe('import ∘ export', () => {
  it('is the identity on what scheduling sees; no pod is dropped or duplicated', () => {
    fc.assert(
      fc.property(fleetArb, (fleet) => {
        const dir = mkdtempSync(join(tmpdir(), 'fleetsim-prop-'));
        const truth = exportFleet(fleet, join(dir, 'dump'));
        const out = join(dir, 'fleet.yaml');
        runImport({ paths: [join(dir, 'dump')], clusters: [], out, history: 'none', command: 'test' });
        const s = loadScenario(out);
        for (const t of truth) {
          const c = s.fleet.clusters.find((x) => x.name === t.name)!;
          // Nodes: every one once, as scheduling sees it.
          const got = c.nodePools.flatMap((p) =>
            p.nodes!.map((n) => key(n, p.cpuMillis, p.memoryMiB, p.maxPods, p.gpus.count, p.gpus.count ? p.gpus.model : '', p.zone, [...(p.taints ?? [])].sort((a, b) => a.key.localeCompare(b.key)), (p.cordoned ?? []).includes(n), !(p.notReady ?? []).includes(n), p.labels.rack)),
          );
          // A label some pod selects on is kept (it splits pools); one nobody reads is not.
          const selects = t.pods.some((p) => p.nodeSelector);
          const want = t.nodes.map((n) => key(n.name, n.cpuMillis, n.memoryBytes / 2 ** 20, n.pods, n.gpus, n.gpuModel, n.zone, [...n.taints].sort((a, b) => a.key.localeCompare(b.key)), n.cordoned, n.ready, selects ? n.labels.rack : undefined));
          expect(got.sort()).toEqual(want.sort());
          // Pods: each live pod once, bound to its node or pending, with its requests and priority.
          const gotPods: string[] = [];
          for (const w of s.workloads) {
            for (const part of w.initial?.clusters ?? []) {
              if (part.cluster !== t.name) continue;
              const tpl = part.template ?? w.template;
              const sel = tpl.nodeSelection;
              const where = key(sel?.nodeSelector ?? {}, (sel?.tolerations ?? []).map((x) => x.key).sort());
              for (const [node, count] of part.bound) for (let i = 0; i < count; i++) gotPods.push(key(node, tpl.cpuMillis, tpl.memoryMiB, tpl.gpus, tpl.priority, where));
              for (let i = 0; i < part.pending; i++) gotPods.push(key(null, tpl.cpuMillis, tpl.memoryMiB, tpl.gpus, tpl.priority, where));
            }
          }
          const wantPods = t.pods
            .filter((p) => p.phase !== 'Succeeded')
            .map((p) => key(p.node, p.cpuMillis, p.memoryBytes / 2 ** 20, p.gpus, p.priority, key(p.nodeSelector ?? {}, (p.tolerations ?? []).map((x) => x.key).sort())));
          expect(gotPods.sort()).toEqual(wantPods.sort());
        }
      }),
      { numRuns: 40, seed: 17 },
    );
  });
});
