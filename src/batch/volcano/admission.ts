/**
 * Volcano's validating admission webhook for Jobs (`validatejob.volcano.sh`,
 * pkg/webhooks/admission/jobs/validate/admit_job.go `validateJobCreate`, util.go
 * `validatePolicies`, `topoSort`): what a member with Volcano answers when a Volcano Job is
 * created there. The checks run in upstream's order and their messages are joined as upstream
 * joins them; the reply is what the API server returns: `admission webhook
 * "validatejob.volcano.sh" denied the request: <messages>`.
 *
 * Modelled: no task; the mpi plugin's master task; a task's minAvailable above its replicas; a
 * duplicate task name (which ends the task loop); lifecycle policies (event and exitCode together
 * or neither, unknown events or actions, duplicate events or exit codes, exit code 0, `*` with
 * others); the job's minAvailable above the tasks' replicas; unknown job plugins; the queue
 * (missing, not Open, `root`); dependsOn that is not a DAG. Not modelled: pod template validation,
 * name formats, volumes, partition policies, network topology, hierarchical queues. Go renders a
 * multi-error over several lines and lists the valid events and actions in map order; here it is
 * one line and the lists keep upstream's declaration order.
 */

export interface LifecyclePolicy {
  event?: string;
  events?: string[];
  action?: string;
  exitCode?: number;
}

/** The fields of a Volcano Job the webhook reads (defaults of the mutating webhook applied: queue). */
export interface VolcanoJobFields {
  name: string;
  queue: string;
  /** As written (0 when unset). */
  minAvailable: number;
  tasks: readonly { name: string; replicas: number; minAvailable: number | null; policies: readonly LifecyclePolicy[]; dependsOn: readonly string[] }[];
  policies: readonly LifecyclePolicy[];
  plugins: Readonly<Record<string, readonly string[]>>;
}

/** A queue of the member, and its `status.state` (default Open). */
export interface AdmissionQueue {
  name: string;
  state?: 'Open' | 'Closed' | 'Closing';
}

export const JOB_WEBHOOK = 'validatejob.volcano.sh';

/** Events and actions a user may name (`policyEventMap`, `policyActionMap` entries allowed externally). */
const VALID_EVENTS = ['*', 'PodFailed', 'PodEvicted', 'PodPending', 'Unknown', 'TaskCompleted', 'TaskFailed', 'JobUpdated'];
const VALID_ACTIONS = ['AbortJob', 'RestartJob', 'RestartTask', 'RestartPod', 'RestartPartition', 'TerminateJob', 'CompleteJob', 'ResumeJob'];
/** The job plugins Volcano's controller registers (pkg/controllers/job/plugins/factory.go). */
const JOB_PLUGINS = new Set(['ssh', 'env', 'svc', 'tensorflow', 'mpi', 'pytorch', 'hcclrank', 'ray']);

/** The webhook's refusal (the messages, trimmed) or null when it admits the job. */
export function validateJobCreate(job: VolcanoJobFields, queues: readonly AdmissionQueue[]): string | null {
  if (job.tasks.length === 0) return 'No task specified in job spec';
  if (job.plugins.mpi) {
    const flag = job.plugins.mpi.find((a) => a.startsWith('--master='));
    const master = flag ? flag.slice('--master='.length) : 'master';
    if (!job.tasks.some((t) => t.name === master)) return 'The specified mpi master task was not found';
  }
  let b = '';
  const names = new Set<string>();
  let total = 0;
  for (const t of job.tasks) {
    if (t.minAvailable !== null && t.minAvailable > t.replicas) b += ` 'minAvailable' is greater than 'replicas' in task: ${t.name}, job: ${job.name};`;
    total += t.replicas;
    if (names.has(t.name)) {
      b += ` duplicated task name ${t.name};`;
      break;
    }
    names.add(t.name);
    const err = validatePolicies(t.policies, 'spec.tasks.policies');
    if (err) b += `${err} valid events are [${VALID_EVENTS.join(' ')}], valid actions are [${VALID_ACTIONS.join(' ')}];`;
  }
  if (total < job.minAvailable) b += " job 'minAvailable' should not be greater than total replicas in tasks;";
  const err = validatePolicies(job.policies, 'spec.policies');
  if (err) b += `${err} valid events are [${VALID_EVENTS.join(' ')}], valid actions are [${VALID_ACTIONS.join(' ')}];`;
  for (const name of Object.keys(job.plugins).sort()) if (!JOB_PLUGINS.has(name)) b += ` unable to find job plugin: ${name};`;
  const q = queues.find((x) => x.name === job.queue);
  if (!q) b += ` unable to find job queue: queue.scheduling.volcano.sh "${job.queue}" not found;`;
  else {
    const state = q.state ?? 'Open';
    if (state !== 'Open') b += ` can only submit job to queue with state \`Open\`, queue \`${q.name}\` status is \`${state}\`;`;
    if (q.name === 'root') b += ' can not submit job to root queue;';
  }
  if (job.tasks.some((t) => t.dependsOn.length > 0) && !isDag(job.tasks)) b += " job has dependencies between tasks, but doesn't form a directed acyclic graph(DAG);";
  return b.length > 0 ? b.trim() : null;
}

/** What the API server says when the webhook refuses. */
export function deniedByWebhook(message: string): string {
  return `admission webhook "${JOB_WEBHOOK}" denied the request: ${message}`;
}

/** `validatePolicies`: the first error of each kind, joined as a multi-error (on one line). */
function validatePolicies(policies: readonly LifecyclePolicy[], path: string): string | null {
  const errs: string[] = [];
  const events = new Set<string>();
  const exitCodes = new Set<number>();
  for (const p of policies) {
    const list = [...new Set([...(p.events ?? []), ...(p.event ? [p.event] : [])])];
    const hasEvent = !!p.event || (p.events?.length ?? 0) > 0;
    if (hasEvent && p.exitCode !== undefined) {
      errs.push('must not specify event and exitCode simultaneously');
      break;
    }
    if (!hasEvent && p.exitCode === undefined) {
      errs.push('either event and exitCode should be specified');
      break;
    }
    if (hasEvent) {
      let stop = false;
      for (const e of list) {
        if (!VALID_EVENTS.includes(e)) {
          errs.push(`${path}: Invalid value: "${e}": invalid policy event`);
          stop = true;
          break;
        }
        if (!VALID_ACTIONS.includes(p.action ?? '')) {
          errs.push(`${path}: Invalid value: "${p.action ?? ''}": invalid policy action`);
          stop = true;
          break;
        }
        if (events.has(e)) {
          errs.push(`duplicate event ${e}  across different policy`);
          stop = true;
          break;
        }
        events.add(e);
      }
      if (stop) break;
    } else {
      if (p.exitCode === 0) {
        errs.push('0 is not a valid error code');
        break;
      }
      if (exitCodes.has(p.exitCode!)) {
        errs.push(`duplicate exitCode ${p.exitCode}`);
        break;
      }
      exitCodes.add(p.exitCode!);
    }
  }
  if (events.has('*') && events.size > 1) errs.push("if there's * here, no other policy should be here");
  if (errs.length === 0) return null;
  return `${errs.length} error${errs.length === 1 ? '' : 's'} occurred: ${errs.map((e) => `* ${e}`).join(' ')}`;
}

/** `topoSort`: do the tasks' dependsOn edges form a DAG (names that are no task count as nodes of their own)? */
function isDag(tasks: VolcanoJobFields['tasks']): boolean {
  const nodes = new Set(tasks.map((t) => t.name));
  const inDegree = new Map<string, number>([...nodes].map((n) => [n, 0]));
  const edges = new Map<string, Set<string>>();
  for (const t of tasks) {
    for (const d of t.dependsOn) {
      if (!edges.has(d)) edges.set(d, new Set());
      if (!edges.get(d)!.has(t.name)) {
        edges.get(d)!.add(t.name);
        inDegree.set(t.name, (inDegree.get(t.name) ?? 0) + 1);
      }
      if (!inDegree.has(d)) inDegree.set(d, 0);
    }
  }
  const stack = [...inDegree].filter(([, k]) => k === 0).map(([n]) => n);
  let sorted = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    sorted++;
    for (const m of edges.get(n) ?? []) {
      inDegree.set(m, inDegree.get(m)! - 1);
      if (inDegree.get(m) === 0) stack.push(m);
    }
  }
  // Upstream compares with the number of tasks, so a dependency on a name that is no task makes it "not a DAG" too.
  return sorted === nodes.size;
}
