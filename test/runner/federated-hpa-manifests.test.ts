import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';

/** Karmada FederatedHPA and CronFederatedHPA manifests onto the autoscalers model (issue 16 item 3). */

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  template: { spec: { containers: [{ name: web, image: nginx, resources: { requests: { cpu: 100m } } }] } }
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: web }
spec:
  resourceSelectors: [{ apiVersion: apps/v1, kind: Deployment, name: web }]
  placement: { clusterAffinity: { clusterNames: [a] } }
`;

function scenario(manifests: string) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-fhpa-'));
  writeFileSync(join(dir, 'm.yaml'), deployment + manifests);
  writeFileSync(
    join(dir, 'scenario.yaml'),
    `name: fhpa
duration: 2h
fleet: { clusters: [{ name: a, region: r, nodePools: [{ count: 2, cpu: 8, memory: 16Gi }] }] }
include: [m.yaml]
`,
  );
  return join(dir, 'scenario.yaml');
}

const fhpa = (min: number, max: number) => `---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: { name: web-fhpa }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: ${min}
  maxReplicas: ${max}
  behavior: { scaleDown: { stabilizationWindowSeconds: 10 } }
  metrics:
    - { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 50 } } }
    - { type: Resource, resource: { name: memory, target: { type: Utilization, averageUtilization: 50 } } }
`;

describe('FederatedHPA and CronFederatedHPA manifests', () => {
  it('a FederatedHPA becomes an autoscaler; without metrics it keeps the replicas within its bounds, and says so', async () => {
    const s = loadScenario(scenario(fhpa(3, 10)));
    expect(s.traffic?.autoscalers).toEqual([
      expect.objectContaining({ kind: 'FederatedHPA', name: 'web-fhpa', workload: 'web', minReplicas: 3, maxReplicas: 10, metrics: [{ type: 'cpu', averageUtilization: 50 }] }),
    ]);
    expect(s.traffic!.autoscalers[0].behavior.scaleDown.stabilizationWindowSeconds).toBe(10);
    expect(s.inputs.notes.map((n) => n.text)).toEqual([
      expect.stringMatching(/not modelled: the Resource memory Utilization metric/),
      expect.stringMatching(/no service in services: fronts default\/web, so it sees no metrics and only keeps its replicas within 3..10/),
    ]);
    const r = await runScenario(s);
    expect(r.workloads[0].ready).toBe(3);
    expect(r.autoscaling![0].decisions[0]).toMatchObject({ from: 2, to: 3, reason: expect.stringMatching(/TooFewReplicas/) });
  });

  it("a CronFederatedHPA scales its Deployment at its rules' times, or a FederatedHPA's bounds", async () => {
    const cron = `---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: CronFederatedHPA
metadata: { name: web-cron }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  rules:
    - { name: up, schedule: "10 0 * * *", targetReplicas: 6 }
    - { name: down, schedule: "40 0 * * *", targetReplicas: 1 }
    - { name: never, schedule: "20 0 * * *", targetReplicas: 9, suspend: true }
`;
    const r = await runScenario(loadScenario(scenario(cron)));
    const a = r.autoscaling!.find((x) => x.kind === 'CronFederatedHPA')!;
    expect(a.decisions.map((d) => [d.t, d.from, d.to, d.reason])).toEqual([
      [600, 2, 6, 'rule up'],
      [2400, 6, 1, 'rule down'],
    ]);
    expect(r.workloads[0].ready).toBe(1);

    const bounds = `---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: CronFederatedHPA
metadata: { name: web-bounds }
spec:
  scaleTargetRef: { apiVersion: autoscaling.karmada.io/v1alpha1, kind: FederatedHPA, name: web-fhpa }
  rules:
    - { name: busy, schedule: "0 1 * * *", targetMinReplicas: 5 }
`;
    const r2 = await runScenario(loadScenario(scenario(fhpa(2, 10) + bounds)));
    // At 01:00 the FederatedHPA's minimum becomes 5; its next sync scales the Deployment up.
    const f = r2.autoscaling!.find((x) => x.kind === 'FederatedHPA')!;
    expect(f.decisions.map((d) => d.reason)).toEqual([expect.stringMatching(/web-bounds rule busy: minReplicas 5/), expect.stringMatching(/TooFewReplicas/)]);
    expect(f.decisions[1]).toMatchObject({ from: 2, to: 5 });
    expect(r2.workloads[0].ready).toBe(5);
  });

  it('a rule without what its target needs, a bad schedule and an unknown target are located errors', () => {
    const fail = (m: string): string => {
      try {
        loadScenario(scenario(m));
      } catch (e) {
        const err = e as ScenarioError;
        return `${err.line}:${err.col} ${err.path}: ${err.expected}`;
      }
      return 'accepted';
    };
    const cron = (rule: string, ref = '{ apiVersion: apps/v1, kind: Deployment, name: web }') =>
      `---\napiVersion: autoscaling.karmada.io/v1alpha1\nkind: CronFederatedHPA\nmetadata: { name: c }\nspec:\n  scaleTargetRef: ${ref}\n  rules:\n    - ${rule}\n`;
    expect(fail(cron('{ name: r, schedule: "0 * * * *", targetMinReplicas: 2 }'))).toMatch(/^21:7 spec.rules\[0\].targetReplicas: targetReplicas \(the target is a Deployment\)/);
    expect(fail(cron('{ name: r, schedule: "0 25 * * *", targetReplicas: 2 }'))).toMatch(/^21:28 spec.rules\[0\].schedule: a cron schedule .*end of range \(25\) above maximum \(23\)/);
    expect(fail(cron('{ name: r, schedule: "0 * * * *", targetReplicas: 2 }', '{ kind: Deployment, name: api }'))).toMatch(/^19:45 spec.scaleTargetRef.name: a Deployment, StatefulSet, ReplicaSet of the scenario in namespace default \(Deployment default\/web\)/);
  });
});
