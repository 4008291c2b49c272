/**
 * Volcano batch scheduling inside a member cluster, as pure code: a session over a snapshot of
 * nodes, queues and PodGroups, with Volcano's actions and plugins (spec `volcano.md`).
 * The simulator calls `runSession(snapshot, config)` once per schedule period.
 */
export { runSession, openSession, type RunSessionOptions } from './run-session.js';
export { validateJobCreate, deniedByWebhook, JOB_WEBHOOK, type VolcanoJobFields, type AdmissionQueue } from './admission.js';
export { DEFAULT_SESSION_CONFIG, BUILTIN_SESSION_CONFIG, KURATOR_VOLCANO_SESSION_CONFIG, VolcanoConfigError, resolvePluginOption } from './config.js';
export { Session, podGroupPhase } from './session.js';
export { Statement } from './statement.js';
export { ResourceSchema, CPU, MEMORY, PODS } from './resource.js';
export { PriorityQueue } from './priority-queue.js';
export { JobInfo } from './job.js';
export { TaskInfo } from './task.js';
export { NodeInfo } from './node.js';
export { QueueInfo } from './queue.js';
export { BUILTIN_PLUGINS } from './plugins/index.js';
export { ACTIONS } from './actions/index.js';
export { binpackScore, binpackWeights, type BinpackWeights } from './plugins/binpack.js';
export { capacityShare } from './plugins/capacity.js';
export { proportionShare, waterFill } from './plugins/proportion.js';
export { dominantShare, drfIsVictim } from './plugins/drf.js';
export { shouldSkipUnschedulableForReleasing, gangJobValid, gangJobReady, gangJobPipelined } from './plugins/gang.js';
export { numFeasibleNodesToFind } from './node-selection.js';
export { GPU_MEMORY, GPU_NUMBER, pickCardByMemory, pickCardsByNumber } from './plugins/deviceshare.js';
export { PERMIT, ABSTAIN, REJECT, type Plugin, type PluginBuilder, type PluginArguments } from './plugin.js';
export type * from './types.js';
export { PLUGIN_FLAGS } from './types.js';
