import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioError } from '../../src/scenario/errors.js';

/** Write a scenario (`s.yaml`) and the files it includes into a fresh temporary folder; the scenario's path. */
export function writeScenario(files: Record<string, string>, scenario: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 's.yaml'), scenario);
  return join(dir, 's.yaml');
}

/** The ScenarioError `f` throws (anything else is rethrown; no error fails the test). */
export function scenarioErrorOf(f: () => unknown): ScenarioError {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}
