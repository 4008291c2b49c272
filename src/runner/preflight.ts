import { UserError } from '../errors.js';
import { resolveScheduler } from '../placement/builtin.js';
import { isModulePath } from '../scenario/load.js';
import { ScenarioError, sourcePosition } from '../scenario/errors.js';
import type { Scenario } from '../scenario/types.js';

/**
 * What a run needs that the (synchronous) scenario loader cannot check: every scheduler module it
 * names is loaded (an import is asynchronous), and its export must have a scheduler's shape. So
 * `validate` reports a module that is missing, does not parse or exports the wrong thing, at the
 * `schedulers:` entry that names it, as `run` would fail on it.
 */
export async function loadSchedulers(scenarios: readonly Scenario[], override?: readonly string[]): Promise<void> {
  if (override?.length) {
    for (const s of new Set(override)) await resolveScheduler(s);
    return;
  }
  const done = new Set<string>();
  for (const sc of scenarios) {
    for (let i = 0; i < sc.schedulers.length; i++) {
      const spec = sc.schedulers[i];
      if (done.has(spec)) continue;
      done.add(spec);
      try {
        await resolveScheduler(spec);
      } catch (e) {
        const where = sc.schedulerSources?.[i];
        if (!(e instanceof UserError) || !isModulePath(spec) || where === undefined) throw e;
        const found = e.message.replace(/^scheduler module .*?: /, '');
        throw new ScenarioError(sourcePosition(where), `schedulers[${i}]`, 'a scheduler module that loads and exports a scheduler (default: an object with a name and schedule() or assign(); or register(api))', found);
      }
    }
  }
}
