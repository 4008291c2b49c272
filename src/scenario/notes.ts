import type { Scenario } from './types.js';

/**
 * Everything the inputs hold that fleetsim does not model, one line each: the manifests it
 * skipped and the notes the readers left. `validate` and `run` print these lines and the report
 * lists them, so that nothing is dropped silently.
 */
export function noteLines(s: Pick<Scenario, 'ignoredManifests' | 'notes'>): string[] {
  return [
    ...s.ignoredManifests.map((m) => `${m.file}: ${m.kind} ${m.name} is not modelled and was skipped`),
    ...s.notes.map((n) => `${n.source}: ${n.text}`),
  ];
}
