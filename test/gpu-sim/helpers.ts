import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPU_NODE_SCORINGS, GpuPolicyScorer } from '../../src/control/gpu-scoring.js';
import { registerNodeScorer, type MemberSchedulerHost, type NodeScorer } from '../../src/control/member-scheduling.js';
import { PodPhase } from '../../src/control/pods.js';
import { MILLI_PER_GPU } from '../../src/model/world.js';
import { runScenario } from '../../src/runner/run.js';
import type { RunResult } from '../../src/runner/result.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';

export const fixture = (f: string): string => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));

/**
 * The GPU scorers wrapped with invariant checks, registered as `checked-<policy>`: after every
 * bind and release the wrapper checks the World and the scorer's mirror, and records violations:
 * - no GPU holds more than 1000 milli (free milli in 0..1000);
 * - the mirror equals the World (cpu, memory, per-GPU free milli);
 * - when the pod table is settled (after a bind; a release updates it just after the hook), the
 *   node's GPU milli in use equals the bound pods' demand, every bound GPU pod sits on a node with
 *   GPUs of a model its gpuModels allow, and the mirror's GpuClustering pod kinds equal a recount.
 */
export const violations: string[] = [];
export const stats = { checks: 0 };
/** The last host (member cluster) each checked scorer saw, by cluster name: tests read its pod table. */
export const hosts = new Map<string, MemberSchedulerHost>();

function check(host: MemberSchedulerHost, inner: GpuPolicyScorer, node: number): void {
  stats.checks++;
  hosts.set(host.info.name, host);
  const w = host.world;
  const at = `t=${host.sim.now} node ${w.nodeName(node)}`;
  let used = 0;
  for (let g = w.gpuStart[node]; g < w.gpuStart[node + 1]; g++) {
    const f = w.gpuMilliFree[g];
    if (f < 0 || f > MILLI_PER_GPU) violations.push(`${at}: GPU ${g} has ${f} milli free`);
    used += MILLI_PER_GPU - f;
  }
  const m = inner.mirror;
  const i = node - host.info.nodeStart;
  if (m.cpuFree[i] !== w.cpuFree[node] || m.memoryFree[i] !== w.memFree[node]) violations.push(`${at}: mirror cpu/memory differ`);
  for (let k = 0; k < m.gpuCount[i]; k++) if (m.gpuFree[m.gpuOffset[i] + k] !== w.gpuMilliFree[w.gpuStart[node] + k]) violations.push(`${at}: mirror GPU ${k} differs`);
  // Pods bound on the node, by the pod table.
  const pods = host.pods;
  let bound = 0;
  let demand = 0;
  const kinds = new Int32Array(m.affinityStride);
  const onNode: number[] = [];
  for (let p = 0; p < pods.count; p++) {
    if (pods.node[p] !== node || (pods.phase[p] !== PodPhase.Starting && pods.phase[p] !== PodPhase.Running)) continue;
    bound++;
    onNode.push(p);
    const t = host.template(p);
    if (t.gpus > 0) {
      demand += t.gpus * t.gpuMilli;
      kinds[t.gpuMilli < MILLI_PER_GPU ? 0 : t.gpus]++;
    }
  }
  if (bound !== w.podsAlloc[node] - w.podsFree[node]) return; // a release: the table catches up right after
  if (demand !== used) violations.push(`${at}: GPU milli in use ${used} != bound pods' demand ${demand}`);
  for (const p of onNode) {
    const t = host.template(p);
    if (t.gpus === 0) continue;
    const model = w.gpuModel[node];
    if (model === '' || (t.gpuModels.length > 0 && !t.gpuModels.includes(model))) violations.push(`${at}: pod ${p} (models ${t.gpuModels.join('|') || 'any'}) on model '${model}'`);
  }
  for (let c = 0; c < kinds.length; c++) {
    if (kinds[c] !== m.affinity[i * m.affinityStride + c]) violations.push(`${at}: GPU kind ${c}: mirror ${m.affinity[i * m.affinityStride + c]}, pods ${kinds[c]}`);
  }
}

for (const name of GPU_NODE_SCORINGS) {
  registerNodeScorer(`checked-${name}`, (info, world) => {
    const inner = new GpuPolicyScorer(name, info, world);
    const scorer: NodeScorer = {
      name,
      score: (host, pod, node) => inner.score(host, pod, node),
      selectGpus: (host, pod, node) => inner.selectGpus(host, pod, node),
      nodeChanged: (host, node) => {
        inner.nodeChanged(host, node);
        check(host, inner, node);
      },
    };
    return scorer;
  });
}

/** Use the checked scorers on every cluster that scores with a GPU policy. */
export function checked(s: Scenario): Scenario {
  for (const c of s.fleet.clusters) if ((GPU_NODE_SCORINGS as readonly string[]).includes(c.nodeScoring)) c.nodeScoring = `checked-${c.nodeScoring}`;
  return s;
}

/** A temporary folder for generated traces and scenarios. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fleetsim-gpu-sim-'));
}

/** Parse scenario text as if it were `<dir>/scenario.yaml`. */
export function scenarioIn(dir: string, yaml: string): Scenario {
  return parseScenario(yaml, 'scenario.yaml', dir);
}

export async function runChecked(s: Scenario, seed?: number): Promise<RunResult> {
  return runScenario(checked(s), seed === undefined ? {} : { seed });
}

/** One cluster, nodes and pods from CSVs in `dir`. */
export function traceScenario(opts: { policy: string; mode: 'paper' | 'replay'; nodes?: string; pods?: string; extra?: string; duration?: string; seed?: number }): string {
  return `
name: trace-test
seed: ${opts.seed ?? 1}
duration: ${opts.duration ?? '4h'}
metrics: { interval: 10m }
fleet:
  clusters:
    - name: gpu
      region: r1
      nodeScoring: ${opts.policy}
      trace:
        kind: openb
        nodes: ${opts.nodes ?? 'nodes.csv'}
        pods: ${opts.pods ?? 'pods.csv'}
        mode: ${opts.mode}
${opts.extra ?? ''}`;
}

export interface GenNode {
  cpu: number;
  mem: number;
  gpus: number;
  model: string;
}
export interface GenPod {
  cpu: number;
  mem: number;
  numGpu: number;
  gpuMilli: number;
  spec: string;
  qos: string;
  creation: number;
  run: number;
  delay: number | null;
}

export function writeTrace(dir: string, nodes: readonly GenNode[], pods: readonly GenPod[]): void {
  writeFileSync(join(dir, 'nodes.csv'), ['sn,cpu_milli,memory_mib,gpu,model', ...nodes.map((n, i) => `n-${i},${n.cpu},${n.mem},${n.gpus},${n.gpus > 0 ? n.model : ''}`)].join('\n') + '\n');
  const sorted = [...pods].sort((a, b) => a.creation - b.creation);
  writeFileSync(
    join(dir, 'pods.csv'),
    [
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
      ...sorted.map((p, i) => {
        const sched = p.delay === null ? '' : String(p.creation + p.delay);
        const del = p.creation + (p.delay ?? 0) + p.run;
        return `p-${String(i).padStart(4, '0')},${p.cpu},${p.mem},${p.numGpu},${p.numGpu > 0 ? p.gpuMilli : 0},${p.numGpu > 0 ? p.spec : ''},${p.qos},${p.delay === null ? 'Pending' : 'Running'},${p.creation},${del},${sched}`;
      }),
    ].join('\n') + '\n',
  );
}
