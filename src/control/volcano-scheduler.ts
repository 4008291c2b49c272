import {
  BUILTIN_SESSION_CONFIG, DEFAULT_SESSION_CONFIG, KURATOR_VOLCANO_SESSION_CONFIG, deniedByWebhook, runSession, validateJobCreate, type VolcanoJobFields,
  type JobSpec as VcJob, type NodeSpec, type PodGroupPhase, type QueueSpec, type SessionConfig, type TaskSpec,
} from '../batch/volcano/index.js';
import type { ClusterInfo } from '../model/world.js';
import type { Taint, Toleration, VolcanoClusterSettings } from '../scenario/types.js';
import { fitError } from './fit-error.js';
import type { MemberOwner, MemberScheduler, MemberSchedulerHost } from './member-scheduling.js';
import { registerMemberScheduler } from './member-scheduling.js';
import { nodeLabels } from './daemon-set.js';
import { PodPhase } from './pods.js';
import type { Toleration as VolcanoToleration } from '../batch/volcano/types.js';
import { setClusterError } from './state.js';

/** Queue share samples of one Volcano queue in one cluster (the proportion plugin's view). */
export interface QueueShareSeries {
  cluster: string;
  queue: string;
  t: number[];
  /** nvidia.com/gpu when the cluster has GPUs, else cpu (millicores). */
  resource: string;
  deserved: number[];
  allocated: number[];
}

const CONFIGS: Record<string, SessionConfig> = {
  default: DEFAULT_SESSION_CONFIG,
  builtin: BUILTIN_SESSION_CONFIG,
  'kurator-v1.5.1': KURATOR_VOLCANO_SESSION_CONFIG,
};

/**
 * Volcano as a member cluster's scheduler: every `schedulePeriod` (1 s) a session over a snapshot
 * of the cluster (nodes, queues, one PodGroup per workload share with its pods as tasks), run by the
 * pure session in `batch/volcano/`; its binds and evictions are applied through the host. It takes
 * the pods that name it (`schedulerName: volcano`) and those of the scenario's own workloads; pods
 * of the member's kube-scheduler only take room on the nodes (`NodeSpec.used`).
 *
 * PodGroups: a Volcano Job (several pod templates) is one PodGroup with its `minAvailable` as
 * `minMember` and each task's as `minTaskMember`; a scenario Job's share here is one with
 * `minMember` = min(the Job's `minAvailable`, the pods it has here), the per-cluster gang of a Job
 * divided across clusters; a Deployment's share is one with minMember 1 (the podgroup controller's
 * PodGroup per ReplicaSet). The queue: a Volcano Job's `spec.queue`, else the pods'
 * `scheduling.volcano.sh/queue-name` annotation, else "default"; a PodGroup for a queue that does
 * not exist is refused, so its pods stay Pending (said in the results). The PodGroup's priority is
 * its PriorityClass's value (a Volcano Job's `spec.priorityClassName`), a task's its pod's. A
 * PodGroup's phase carries over from one session to the next (Pending until `enqueue` admits it).
 * Bound pods that are still starting are Bound tasks; Ready ones Running; succeeded ones stay in
 * the job as Succeeded tasks, counting toward its gang.
 */
export class VolcanoScheduler implements MemberScheduler {
  readonly name = 'volcano';
  /** Volcano's `--scheduler-name` default. */
  readonly schedulerName = 'volcano';
  readonly period: number;
  private readonly info: ClusterInfo;
  private readonly config: SessionConfig;
  private readonly queues: QueueSpec[];
  private readonly queueNames: Set<string>;
  private readonly phases = new Map<string, PodGroupPhase>();
  private nodeScanStart = 0;
  private nodeIds: Map<string, number> | null = null;
  /** Each node's labels and taints, by local index (from its pool; built at the first cycle). */
  private nodeMeta: { labels: Record<string, string>; taints: readonly Taint[] }[] | null = null;
  private readonly shares = new Map<string, QueueShareSeries>();
  private readonly sampleEvery: number;
  private nextSample = 0;
  /** The last session's PodGroup conditions (by namespace/name) and overused queues, for whyPending. */
  private lastConditions: Record<string, { type: string; message: string }> = {};
  private lastOverused = new Set<string>();

  constructor(info: ClusterInfo, settings: VolcanoClusterSettings, sampleEvery: number) {
    this.info = info;
    this.period = settings.schedulePeriod;
    const base = CONFIGS[settings.config];
    this.config = settings.actions ? { ...base, actions: settings.actions } : base;
    this.queues = memberQueues(settings);
    this.queueNames = new Set(this.queues.map((q) => q.name));
    this.sampleEvery = sampleEvery;
  }

  cycle(host: MemberSchedulerHost, _pending: Int32Array, _count: number): void {
    const w = host.world;
    const { nodeStart, nodeEnd } = this.info;
    if (!this.nodeIds) {
      this.nodeIds = new Map();
      for (let n = nodeStart; n < nodeEnd; n++) this.nodeIds.set(w.nodeName(n), n);
    }
    const others = this.othersUsed(host);
    const nodes: NodeSpec[] = [];
    // Labels and taints come from the node's pool (they never change during a run).
    this.nodeMeta ??= Array.from({ length: nodeEnd - nodeStart }, (_, k) => {
      const pool = this.info.spec.nodePools[w.nodePool[nodeStart + k]];
      return { labels: nodeLabels(w, nodeStart + k), taints: pool.taints ?? [] };
    });
    for (let n = nodeStart; n < nodeEnd; n++) {
      const used = others?.get(n);
      nodes.push({
        name: w.nodeName(n),
        allocatable: { cpu: w.cpuAlloc[n], memory: w.memAlloc[n] * 2 ** 20, pods: w.podsAlloc[n], ...(w.gpuAlloc[n] ? { 'nvidia.com/gpu': w.gpuAlloc[n] } : {}) },
        ready: w.nodeReady[n] === 1,
        unschedulable: w.nodeCordoned[n] === 1,
        ...this.nodeMeta[n - nodeStart],
        ...(used ? { used } : {}),
      });
    }
    const jobs: VcJob[] = [];
    // One PodGroup per workload share: a multi-template workload's task owners make one job.
    const groups = new Map<number, MemberOwner[]>();
    for (const o of host.owners) {
      if (o.pods.length === 0 || host.servedBy(o) !== this) continue;
      const g = groups.get(o.workload);
      if (g) g.push(o);
      else groups.set(o.workload, [o]);
    }
    for (const owners of groups.values()) {
      const wl = host.workload(owners[0].pods[0]);
      const spec = wl.spec;
      const key = `${spec.namespace}/${spec.name}`;
      const queue = spec.queue ?? 'default';
      if (!this.queueNames.has(queue)) {
        // Volcano's PodGroup webhook refuses a PodGroup for a queue that does not exist, so its pods stay Pending.
        setClusterError(wl, this.info.index, `pods stay Pending: ${missingQueueMessage(queue)}`);
        continue;
      }
      const tasks: TaskSpec[] = [];
      const minTaskMember: Record<string, number> = {};
      // A Job divided over clusters gangs its share here; a whole multi-template job its minAvailable.
      const minMember = spec.kind !== 'Job' ? 1 : spec.tasks ? spec.minAvailable : Math.min(spec.minAvailable, owners[0].replicas);
      for (const o of owners) {
        // Pods that succeeded stay in Volcano's view of the job until it is deleted, and count
        // toward its gang (ready, valid); as many as the gang can use are enough.
        for (let k = Math.min(o.succeeded, minMember); k > 0; k--) tasks.push({ name: `succeeded-${o.workload}-${k}.${o.task?.name ?? ''}`, status: 'Succeeded', ...(o.task ? { role: o.task.name } : {}) });
        const t = o.template;
        const request = { cpu: t.cpuMillis, memory: t.memoryMiB * 2 ** 20, ...(t.gpus ? { 'nvidia.com/gpu': (t.gpus * t.gpuMilli) / 1000 } : {}) };
        if (o.task) minTaskMember[o.task.name] = o.task.minAvailable ?? o.completions;
        for (const p of o.pods) {
          const ph = host.pods.phase[p];
          if (ph !== PodPhase.Pending && ph !== PodPhase.Starting && ph !== PodPhase.Running) continue;
          tasks.push({
            name: `pod-${p}`,
            request,
            status: ph === PodPhase.Pending ? 'Pending' : ph === PodPhase.Starting ? 'Bound' : 'Running',
            node: ph === PodPhase.Pending ? null : w.nodeName(host.pods.node[p]),
            priority: host.pods.priority[p],
            ...(t.preemptionPolicy === 'Never' ? { preemptionPolicy: 'Never' as const } : {}),
            ...(o.task ? { role: o.task.name } : {}),
            creationTime: host.pods.created[p],
            ...(t.nodeSelection
              ? {
                  nodeSelector: t.nodeSelection.nodeSelector,
                  ...(t.nodeSelection.nodeSelectorTerms ? { nodeSelectorTerms: t.nodeSelection.nodeSelectorTerms } : {}),
                  tolerations: volcanoTolerations(t.nodeSelection.tolerations),
                }
              : {}),
          });
        }
      }
      jobs.push({
        name: spec.name,
        namespace: spec.namespace,
        queue,
        minMember,
        ...(spec.kind === 'Job' && spec.tasks ? { minTaskMember } : {}),
        phase: this.phases.get(key) ?? 'Pending',
        priority: spec.kind === 'Job' && spec.podGroupPriority !== undefined ? spec.podGroupPriority : owners[0].template.priority,
        creationTime: spec.arrival,
        tasks,
      });
    }
    const result = runSession({ nodes, queues: this.queues, jobs }, { ...this.config, nodeScanStart: this.nodeScanStart });
    this.nodeScanStart = result.nextNodeScanStart;
    for (const [k, ph] of Object.entries(result.podGroupPhases)) this.phases.set(k, ph);
    this.lastConditions = result.podGroupConditions;
    this.lastOverused = new Set(Object.entries(result.queues).filter(([, q]) => q.overused).map(([name]) => name));
    for (const e of result.evictions) {
      const pod = taskPod(e.task);
      host.workload(pod).preemptedPods++;
      host.evict(pod, `volcano ${e.reason}`);
    }
    for (const b of result.binds) host.bind(taskPod(b.task), this.nodeIds.get(b.node)!);
    this.sampleShares(host.sim.now, result.queues, w.clusterSum(w.gpuAlloc, this.info.index) > 0);
  }

  /** Requests of the bound pods other schedulers here own, by node (null when there are none). */
  private othersUsed(host: MemberSchedulerHost): Map<number, Record<string, number>> | null {
    let out: Map<number, Record<string, number>> | null = null;
    for (const o of host.owners) {
      if (host.servedBy(o) === this) continue;
      const t = o.template;
      for (const p of o.pods) {
        const ph = host.pods.phase[p];
        if (ph !== PodPhase.Starting && ph !== PodPhase.Running) continue;
        const node = host.pods.node[p];
        out ??= new Map();
        const u = out.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
        u.cpu += t.cpuMillis;
        u.memory += t.memoryMiB * 2 ** 20;
        u.pods += 1;
        if (t.gpus) u['nvidia.com/gpu'] = (u['nvidia.com/gpu'] ?? 0) + (t.gpus * t.gpuMilli) / 1000;
        out.set(node, u);
      }
    }
    return out;
  }

  private sampleShares(now: number, queues: Record<string, { deserved: Record<string, number>; allocated: Record<string, number> }>, gpus: boolean): void {
    if (now < this.nextSample) return;
    this.nextSample = (Math.floor(now / this.sampleEvery) + 1) * this.sampleEvery;
    const resource = gpus ? 'nvidia.com/gpu' : 'cpu';
    for (const [name, q] of Object.entries(queues).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let s = this.shares.get(name);
      if (!s) {
        s = { cluster: this.info.name, queue: name, t: [], resource, deserved: [], allocated: [] };
        this.shares.set(name, s);
      }
      s.t.push(now);
      s.deserved.push(q.deserved[resource] ?? 0);
      s.allocated.push(q.allocated[resource] ?? 0);
    }
  }

  /**
   * In Volcano's words: the gang plugin's PodGroup condition (`3/4 tasks in gang unschedulable:
   * pod group is not ready, ...`, plugins/gang/gang.go with api/job_info.go's FitError), the queue
   * when proportion found it overused (allocate.go skips it: "Queue <q> is overused"), and the
   * pod's FitErrors (api/unschedule_info.go) unless the condition already gives an origin reason.
   */
  whyPending(host: MemberSchedulerHost, pod: number): string {
    const spec = host.workload(pod).spec;
    const key = `${spec.namespace}/${spec.name}`;
    const queue = spec.kind === 'Job' && spec.queue ? spec.queue : 'default';
    const parts: string[] = [];
    const cond = this.lastConditions[key];
    if (cond?.type === 'Unschedulable') parts.push(`PodGroup ${key} Unschedulable: ${cond.message}`);
    else if ((this.phases.get(key) ?? 'Pending') === 'Pending') parts.push(`PodGroup ${key} Pending: not admitted by the enqueue action`);
    if (this.lastOverused.has(queue)) parts.push(`Queue <${queue}> is overused`);
    if (!cond?.message.includes('. Origin reason is ')) parts.push(fitError(host, pod, 'volcano'));
    return parts.join('; ');
  }

  queueShares(): QueueShareSeries[] {
    return [...this.shares.values()];
  }
}

/** The queues of a Volcano member: its settings' (included Queue manifests among them), and "default", which Volcano always creates. */
export function memberQueues(settings: VolcanoClusterSettings): QueueSpec[] {
  return settings.queues.some((q) => q.name === 'default') ? settings.queues : [{ name: 'default', weight: 1 }, ...settings.queues];
}

/**
 * What a member answers when a Volcano Job is created there: Volcano's validating webhook on a
 * Volcano member (null: admitted), the API server's "no matches for kind" where Volcano's CRDs are
 * not installed.
 */
export function admitVolcanoJob(job: VolcanoJobFields, cluster: ClusterInfo): string | null {
  if (cluster.spec.scheduler !== 'volcano') return 'no matches for kind "Job" in version "batch.volcano.sh/v1alpha1"';
  const refusal = validateJobCreate(job, memberQueues(cluster.spec.volcano));
  return refusal === null ? null : deniedByWebhook(refusal);
}

/** What Volcano's PodGroup webhook (`validatepodgroup.volcano.sh`, checkQueueState) answers for a queue that does not exist. */
export function missingQueueMessage(queue: string): string {
  return `admission webhook "validatepodgroup.volcano.sh" denied the request: unable to find queue: queue.scheduling.volcano.sh "${queue}" not found`;
}

/** Task names are `pod-<id>` (`namespace/pod-<id>` in results). */
function taskPod(task: string): number {
  const m = /pod-(\d+)$/.exec(task);
  if (!m) throw new Error(`volcano: unexpected task name ${task}`);
  return Number(m[1]);
}

registerMemberScheduler('volcano', (info, _scorer) => {
  const settings = info.spec.volcano;
  return new VolcanoScheduler(info, settings, settings.sampleInterval);
});

/** Kubernetes tolerations as Volcano's session types them (an empty effect means every effect). */
function volcanoTolerations(ts: readonly Toleration[]): VolcanoToleration[] {
  return ts.map(({ effect, ...rest }) => (effect ? { ...rest, effect } : rest));
}
