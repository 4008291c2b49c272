import { describe, expect, it } from 'vitest';
import { RunState } from '../../src/control/state.js';
import { Simulation } from '../../src/kernel/index.js';
import { World } from '../../src/model/world.js';
import { runScenario } from '../../src/runner/run.js';
import { parseScenario } from '../../src/scenario/load.js';

const scenario = parseScenario(
  `
name: t
duration: 30m
metrics: { interval: 1m }
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 3, cpu: 8, memory: 32Gi }] }
    - { name: b, region: r2, nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
policies:
  - { name: p, resourceSelectors: [{ kind: Deployment }, { kind: Job }], placement: { replicaScheduling: { replicaSchedulingType: Divided } } }
workloads:
  - { kind: Deployment, name: web, replicas: 6, image: reg.example/web:1, resources: { cpu: 1, memory: 1Gi } }
  - { kind: Deployment, name: api, replicas: 3, image: reg.example/api:2, resources: { cpu: 1, memory: 1Gi } }
  - { kind: Job, name: etl, at: 5m, parallelism: 4, completions: 8, duration: 2m, image: reg.example/web:1, resources: { cpu: 2, memory: 1Gi } }
`,
  'test.yaml',
);

describe('RunState', () => {
  it('interns image references: known ones keep their ids, a new one is appended once', () => {
    const state = new RunState(new Simulation(), scenario, new World(scenario), scenario.workloads, ['reg.example/web:1', 'reg.example/api:2'], null);
    expect(state.imageId('reg.example/api:2')).toBe(1);
    expect(state.internImage('reg.example/web:1')).toBe(0);
    expect(state.internImage('reg.example/web:2')).toBe(2);
    expect(state.internImage('reg.example/web:2')).toBe(2);
    expect(state.images).toEqual(['reg.example/web:1', 'reg.example/api:2', 'reg.example/web:2']);
    expect(state.imageId('reg.example/web:2')).toBe(2);
    expect(state.workloads.map((w) => w.spec.name)).toEqual(['web', 'api', 'etl']);
  });

  it('tells the capacity listener, if there is one, which cluster freed resources', () => {
    const state = new RunState(new Simulation(), scenario, new World(scenario), [], [], null);
    state.onCapacityFreed(0); // no listener: nothing happens
    const heard: number[] = [];
    state.capacityListener = { capacityFreed: (c) => heard.push(c) };
    state.onCapacityFreed(1);
    state.onCapacityFreed(0);
    expect(heard).toEqual([1, 0]);
  });

  it('runs repeated on one thread give the first run\'s result (nothing carries over between runs)', async () => {
    const r = await runScenario(scenario, { seed: 7 });
    expect(r.workloads.map((w) => [w.name, w.ready + w.succeeded])).toEqual([['web', 6], ['api', 3], ['etl', 8]]);
    const first = JSON.stringify(r);
    await runScenario(scenario, { seed: 8 });
    expect(JSON.stringify(await runScenario(scenario, { seed: 7 }))).toBe(first);
  });
});
