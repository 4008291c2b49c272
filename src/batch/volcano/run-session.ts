/**
 * `runSession`: one Volcano scheduling cycle as a pure function, the call a member-cluster actor
 * makes every schedule period (Volcano's default `--schedule-period` is 1 s).
 *
 *   snapshot (nodes, queues, PodGroups with their tasks) + config (actions, tiers)
 *     -> open session (plugins register in tier order) -> actions in order -> close
 *     -> { binds, evictions, pipelined, podGroupPhases, podGroupConditions, queues, nextNodeScanStart }
 *
 * Nothing is mutated in the inputs; same inputs give the same output (every order is total and
 * every tie-break documented: task/job/queue orders fall back to creation time then UID, node
 * score ties go to the first node in scan order, see node-selection.ts). Binds and evictions are
 * what Volcano would send to the API server after committing; pipelined reservations are
 * informational (Volcano recomputes them next cycle).
 */
import { ACTIONS } from './actions/index.js';
import { VolcanoConfigError } from './config.js';
import { BUILTIN_PLUGINS } from './plugins/index.js';
import type { PluginBuilder } from './plugin.js';
import { Session } from './session.js';
import type { SessionConfig, SessionResult, SessionSnapshot } from './types.js';

export interface RunSessionOptions {
  /** Extra or replacement plugins by name (a user's policy module registers here). */
  plugins?: ReadonlyMap<string, PluginBuilder>;
}

export function openSession(snapshot: SessionSnapshot, config: SessionConfig, options: RunSessionOptions = {}): Session {
  for (const a of config.actions) {
    if (!(a in ACTIONS)) throw new VolcanoConfigError(`unknown action '${a}' (known: ${Object.keys(ACTIONS).join(', ')})`);
  }
  let builders = BUILTIN_PLUGINS;
  if (options.plugins) builders = new Map([...BUILTIN_PLUGINS, ...options.plugins]);
  const names = new Set(config.tiers.flatMap((t) => t.map((p) => p.name)));
  if (names.has('proportion') && names.has('capacity')) {
    // Volcano does not guard this, but its docs call the two plugins "in conflict".
    throw new VolcanoConfigError('the proportion and capacity plugins cannot be enabled together');
  }
  const ssn = new Session(snapshot, config, builders);
  ssn.open();
  return ssn;
}

export function runSession(snapshot: SessionSnapshot, config: SessionConfig, options: RunSessionOptions = {}): SessionResult {
  const ssn = openSession(snapshot, config, options);
  for (const a of config.actions) ACTIONS[a](ssn);
  return ssn.close();
}
