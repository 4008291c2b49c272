import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { fleetsim } from '../helpers/cli.js';

/**
 * Malformed scenarios: each must give one message naming file:line:col, the field path, what was
 * expected and what was found, exit 2 from the CLI, and no stack trace.
 */

const BASE = `name: t
fleet:
  clusters:
    - name: a
      region: r1
      nodePools:
        - { count: 2, cpu: 4, memory: 8Gi }
    - name: b
      region: r2
      nodePools:
        - { count: 1, cpu: 4, memory: 8Gi, gpus: { count: 2 } }
workloads:
  - kind: Deployment
    name: web
    replicas: 3
    resources: { cpu: 500m, memory: 1Gi }
`;

interface Case {
  name: string;
  text: string;
  files?: Record<string, string>;
  line: number;
  col: number;
  path: string;
  expected: RegExp;
  found: RegExp;
  file?: string;
}

const cases: Case[] = [
  { name: 'gpu count is a word', text: BASE.replace('gpus: { count: 2 }', 'gpus: { count: eight }'), line: 11, col: 59, path: 'fleet.clusters[1].nodePools[0].gpus.count', expected: /integer >= 0/, found: /"eight"/ },
  { name: 'negative replicas', text: BASE.replace('replicas: 3', 'replicas: -3'), line: 15, col: 15, path: 'workloads[0].replicas', expected: /integer >= 0/, found: /-3/ },
  { name: 'unknown top-level field', text: BASE + 'dration: 1h\n', line: 17, col: 1, path: 'dration', expected: /did you mean "duration"/, found: /unknown field "dration"/ },
  { name: 'missing fleet', text: 'name: t\n', line: 1, col: 1, path: 'fleet', expected: /map/, found: /nothing/ },
  { name: 'bad cpu quantity', text: BASE.replace('cpu: 500m', 'cpu: 5OOm'), line: 16, col: 23, path: 'workloads[0].resources.cpu', expected: /CPU quantity/, found: /"5OOm"/ },
  { name: 'bad memory quantity', text: BASE.replace('memory: 8Gi }\n    - name: b', 'memory: 8GB }\n    - name: b'), line: 7, col: 39, path: 'fleet.clusters[0].nodePools[0].memory', expected: /memory quantity/, found: /"8GB"/ },
  { name: 'bad duration', text: BASE + 'duration: 10 minutes\n', line: 17, col: 11, path: 'duration', expected: /duration/, found: /"10 minutes"/ },
  { name: 'unknown workload kind', text: BASE.replace('kind: Deployment', 'kind: StatefulSet'), line: 13, col: 11, path: 'workloads[0].kind', expected: /"Deployment", "Job"/, found: /"StatefulSet"/ },
  { name: 'job without duration', text: BASE.replace('kind: Deployment', 'kind: Job').replace('replicas: 3', 'parallelism: 3'), line: 13, col: 5, path: 'workloads[0].duration', expected: /duration/, found: /nothing/ },
  { name: 'duplicate cluster name', text: BASE.replace('name: b', 'name: a'), line: 8, col: 13, path: 'fleet.clusters[1].name', expected: /not used before/, found: /"a"/ },
  { name: 'link to unknown region', text: BASE + 'network:\n  links:\n    - { from: r1, to: r9, latency: 5ms }\n', line: 19, col: 23, path: 'network.links[0].to', expected: /region of a cluster/, found: /"r9"/ },
  { name: 'YAML syntax error', text: BASE.replace('replicas: 3', 'replicas: [3'), line: 16, col: 5, path: '(document)', expected: /valid YAML/, found: /syntax error/ },
  { name: 'duplicate key', text: BASE.replace('replicas: 3', 'replicas: 3\n    replicas: 4'), line: 16, col: 5, path: '(document)', expected: /valid YAML/, found: /syntax error/ },
  { name: 'bad taint effect', text: BASE.replace('region: r2', 'region: r2\n      taints: [{ key: k, effect: NoRun }]'), line: 10, col: 34, path: 'fleet.clusters[1].taints[0].effect', expected: /NoSchedule/, found: /"NoRun"/ },
  { name: 'weight below 1', text: BASE + 'policies:\n  - name: p\n    placement:\n      replicaScheduling:\n        weightPreference:\n          staticWeightList:\n            - { targetCluster: { clusterNames: [a] }, weight: 0 }\n', line: 23, col: 63, path: 'policies[0].placement.replicaScheduling.weightPreference.staticWeightList[0].weight', expected: /integer >= 1/, found: /0/ },
  { name: 'unknown policy referenced', text: BASE.replace('replicas: 3', 'replicas: 3\n    policy: nope'), line: 16, col: 13, path: 'workloads[0].policy', expected: /name of a policy/, found: /"nope"/ },
  { name: 'distribution with a bad parameter', text: BASE.replace('kind: Deployment', 'kind: Job').replace('replicas: 3', 'duration: { kind: lognormal, mu: 3, sigma: -1 }'), line: 15, col: 48, path: 'workloads[0].duration.sigma', expected: /number > 0/, found: /-1/ },
  { name: 'unknown distribution', text: BASE.replace('kind: Deployment', 'kind: Job').replace('replicas: 3', 'duration: { kind: gaussian, mean: 3 }'), line: 15, col: 23, path: 'workloads[0].duration.kind', expected: /"exponential"/, found: /"gaussian"/ },
  { name: 'minAvailable above parallelism', text: BASE.replace('kind: Deployment', 'kind: Job').replace('replicas: 3', 'duration: 5m\n    parallelism: 2\n    minAvailable: 3'), line: 17, col: 19, path: 'workloads[0].minAvailable', expected: /<= parallelism/, found: /3/ },
  { name: 'not a map', text: '- just\n- a list\n', line: 1, col: 1, path: '(document)', expected: /map/, found: /list/ },
  { name: 'two documents', text: BASE + '---\nname: u\n', line: 1, col: 1, path: '(document)', expected: /exactly one YAML document/, found: /2 documents/ },
  { name: 'unknown scheduler', text: BASE + 'schedulers: [karmda]\n', line: 17, col: 14, path: 'schedulers[0]', expected: /registered scheduler/, found: /"karmda"/ },
  {
    name: 'bad manifest in an include file',
    text: BASE + 'include: [m.yaml]\n',
    files: {
      'm.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec:\n  replicas: two\n  template:\n    spec:\n      containers: [{ image: nginx }]\n',
    },
    file: 'm.yaml',
    line: 5,
    col: 13,
    path: 'spec.replicas',
    expected: /integer >= 0/,
    found: /"two"/,
  },
  {
    name: 'missing include file',
    text: BASE + 'include: [missing.yaml]\n',
    line: 17,
    col: 11,
    path: 'include[0]',
    expected: /readable YAML file/,
    found: /no such file/,
  },
  {
    name: 'bad cpu in a manifest container',
    text: BASE + 'include: [m.yaml]\n',
    files: {
      'm.yaml': '---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx\n          resources: { requests: { cpu: lots } }\n',
    },
    file: 'm.yaml',
    line: 10,
    col: 41,
    path: 'spec.template.spec.containers[0].resources.requests.cpu',
    expected: /CPU quantity/,
    found: /"lots"/,
  },
  {
    name: 'Job manifest with a run time that is not one',
    text: BASE + 'include: [m.yaml]\n',
    files: { 'm.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j, annotations: { fleetsim.io/duration: soon } }\nspec:\n  template:\n    spec:\n      containers: [{ image: busybox }]\n' },
    file: 'm.yaml',
    line: 3,
    col: 59,
    path: 'metadata.annotations["fleetsim.io/duration"]',
    expected: /a duration like "10m", or a distribution/,
    found: /"soon"/,
  },
  {
    // Issue 16 item 13: a missing PriorityClass at its own line, with its full path.
    name: 'schedulePriority naming a PriorityClass that does not exist',
    text: BASE + 'include: [m.yaml]\n',
    files: {
      'm.yaml':
        'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: { name: p }\nspec:\n  resourceSelectors: [{ kind: Deployment }]\n  schedulePriority:\n    priorityClassSource: KubePriorityClass\n    priorityClassName: urgent\n',
    },
    file: 'm.yaml',
    line: 8,
    col: 24,
    path: 'spec.schedulePriority.priorityClassName',
    expected: /a PriorityClass of the scenario/,
    found: /"urgent"/,
  },
  {
    // Issue 16 item 13: a duplicate policy name at the second one's metadata.name.
    name: 'two PropagationPolicies of one name',
    text: BASE + 'include: [m.yaml]\n',
    files: {
      'm.yaml':
        'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: { name: p }\nspec: { resourceSelectors: [{ kind: Deployment }] }\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata:\n  name: p\nspec: { resourceSelectors: [{ kind: Job }] }\n',
    },
    file: 'm.yaml',
    line: 9,
    col: 9,
    path: 'metadata.name',
    expected: /PropagationPolicy name not used before/,
    found: /"p"/,
  },
  {
    // Issue 16 item 13: templated YAML is one clean line (no YAML-library warning).
    name: 'a Helm template instead of a manifest',
    text: BASE + 'include: [m.yaml]\n',
    files: { 'm.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    release: {{ .Release.Name }}\n' },
    file: 'm.yaml',
    line: 6,
    col: 15,
    path: 'metadata.labels.release',
    expected: /plain YAML/,
    found: /template placeholder.*render the template first/,
  },
  {
    name: 'a name with a template placeholder',
    text: BASE + 'include: [m.yaml]\n',
    files: { 'm.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "web-{{uid}}"\nspec: { containers: [{ image: nginx }] }\n' },
    file: 'm.yaml',
    line: 4,
    col: 9,
    path: 'metadata.name',
    expected: /DNS-1123 name.*render the template first/,
    found: /"web-\{\{uid\}\}"/,
  },
  {
    name: 'generateName instead of a name',
    text: BASE + 'include: [m.yaml]\n',
    files: { 'm.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: pi-\nspec: { template: { spec: { containers: [{ image: perl }] } } }\n' },
    file: 'm.yaml',
    line: 4,
    col: 3,
    path: 'metadata.name',
    expected: /kubectl apply needs metadata.name/,
    found: /^nothing$/,
  },
  {
    // Issue 16 item 13: a bad limit is reported at the limits path, not as requests.
    name: 'a memory limit that is not a quantity',
    text: BASE + 'include: [m.yaml]\n',
    files: { 'm.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx\n          resources: { requests: { cpu: 1 }, limits: { memory: lots } }\n' },
    file: 'm.yaml',
    line: 9,
    col: 64,
    path: 'spec.template.spec.containers[0].resources.limits.memory',
    expected: /quantity/,
    found: /"lots"/,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'fleetsim-malformed-'));
const known = ['karmada'];

describe('malformed scenarios', () => {
  it('has at least 15 cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));

  cases.forEach((c, i) => {
    it(`${c.name}: one located message`, () => {
      const sub = join(dir, `case-${i}`);
      const file = join(sub, 'scenario.yaml');
      writeFileSync(join(dir, '.keep'), '');
      require_mkdir(sub);
      writeFileSync(file, c.text);
      for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(sub, name), text);
      let err: unknown;
      try {
        loadScenario(file, { knownSchedulers: known });
      } catch (e) {
        err = e;
      }
      expect(err, 'the loader must reject it').toBeInstanceOf(ScenarioError);
      const e = err as ScenarioError;
      expect(e.file.endsWith(c.file ?? 'scenario.yaml')).toBe(true);
      expect({ line: e.line, col: e.col, path: e.path }).toEqual({ line: c.line, col: c.col, path: c.path });
      expect(e.expected).toMatch(c.expected);
      expect(e.found).toMatch(c.found);
      expect(e.message).toBe(`${e.file}:${c.line}:${c.col}: ${c.path}: expected ${e.expected}, found ${e.found}`);
    });
  });

  it('the CLI prints each as one line on stderr, exits 2, and shows no stack trace', () => {
    cases.forEach((_, i) => {
      const r = fleetsim(['validate', join(dir, `case-${i}`, 'scenario.yaml')]);
      expect(r.code, `case ${cases[i].name}: ${r.stderr}`).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^fleetsim: .+:\d+:\d+: .+: expected .+, found .+$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  });
});

function require_mkdir(p: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (globalThis as unknown as { __mk?: (p: string) => void }).__mk?.(p);
  mkdirSyncSafe(p);
}

import { mkdirSync } from 'node:fs';
function mkdirSyncSafe(p: string): void {
  mkdirSync(p, { recursive: true });
}
