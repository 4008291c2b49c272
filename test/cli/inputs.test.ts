import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetsim } from '../helpers/cli.js';

/**
 * Issue 16 item 14: `run` prints what `validate` prints about the inputs (every kind read, kinds
 * skipped, fields not modelled, run times that fell back to a default), and the HTML report lists
 * them too.
 */
describe('validate, run and the report name the same inputs', () => {
  it('prints the same lines in both commands and lists them in the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetsim-inputs-'));
    writeFileSync(
      join(dir, 'm.yaml'),
      `apiVersion: batch/v1
kind: Job
metadata: { name: pi }
spec: { template: { spec: { restartPolicy: Never, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule }], containers: [{ name: pi, image: perl }] } } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { ports: [{ port: 80 }] }
---
apiVersion: scheduling.volcano.sh/v1beta1
kind: Queue
metadata: { name: research }
spec: { weight: 2 }
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high }
value: 1000
---
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterOverridePolicy
metadata: { name: labels }
spec:
  overrideRules: [{ overriders: { labelsOverrider: [{ operator: add, value: { env: prod } }] } }]
`,
    );
    writeFileSync(join(dir, 's.yaml'), 'name: inputs\nduration: 20m\nfleet: { clusters: [{ name: a, region: r, nodePools: [{ count: 1, cpu: 4, memory: 8Gi }] }] }\ninclude: [m.yaml]\n');
    const v = fleetsim(['validate', 's.yaml'], { cwd: dir });
    expect(v.code).toBe(0);
    const said = v.stdout.split('\n').slice(1).filter((l) => l.startsWith('  '));
    expect(said).toEqual([
      '  read: batch/v1 Job, scheduling.volcano.sh/v1beta1 Queue, scheduling.k8s.io/v1 PriorityClass, policy.karmada.io/v1alpha1 ClusterOverridePolicy',
      '  note: m.yaml: v1/Service web is not modelled and was skipped',
      "  note: m.yaml:1: Job default/pi: no fleetsim.io/duration annotation: its pods run 10m (fleetsim's default; set defaults.jobDuration to change it)",
      '  note: m.yaml:4: Job default/pi: not modelled: spec.template.spec.topologySpreadConstraints (pods are not spread over topology domains)',
      '  note: m.yaml:25: ClusterOverridePolicy labels: not modelled: labelsOverrider (they change nothing fleetsim simulates; applied by Karmada, ignored here)',
    ]);
    const r = fleetsim(['run', 's.yaml', '--out', join(dir, 'out')], { cwd: dir });
    expect(r.code).toBe(0);
    for (const line of said) expect(r.stdout).toContain(line);
    const html = readFileSync(join(dir, 'out', 'index.html'), 'utf8');
    expect(html).toContain('Inputs');
    expect(html).toContain('labelsOverrider (they change nothing fleetsim simulates');
    const json = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(json.inputs.kinds).toEqual({ 'batch/v1 Job': 1, 'scheduling.volcano.sh/v1beta1 Queue': 1, 'scheduling.k8s.io/v1 PriorityClass': 1, 'policy.karmada.io/v1alpha1 ClusterOverridePolicy': 1 });
  });
});
