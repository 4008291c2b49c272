import { join } from 'node:path';
import { formatInputs } from '../../src/report/inputs-report.js';
import { inputsReport } from '../../src/runner/run.js';
import type { ScenarioError } from '../../src/scenario/errors.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import { ROOT } from './cli.js';
import { scenarioErrorOf } from './files.js';

/** The fixtures of Kurator Applications read from local copies of their sources (see its README.md). */
export const KURATOR_APPS = join(ROOT, 'test/fixtures/kurator-apps');

/** A small fleet for them: a host (where Kurator runs) and the two members of the fixtures' Fleet. */
export function kuratorAppsScenario(name: string, duration: string, body: string): string {
  return `name: ${name}
duration: ${duration}
fleet:
  clusters:
    - { name: host, role: host, region: r1, nodePools: [{ count: 1, cpu: 8, memory: 32Gi }] }
    - { name: kurator-member1, region: r1, nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
    - { name: kurator-member2, region: r1, nodePools: [{ count: 2, cpu: 8, memory: 32Gi }] }
${body}`;
}

/** Load scenario text as if it were `scenario.yaml` in `dir` (which may read files in `allowRead` folders too). */
export const loadIn = (dir: string, text: string, allowRead: string[] = []): Scenario => parseScenario(text, 'scenario.yaml', dir, { allowRead });

/** The ScenarioError loading it throws (anything else is rethrown; no error fails the test). */
export const loadError = (dir: string, text: string, allowRead: string[] = []): ScenarioError => scenarioErrorOf(() => loadIn(dir, text, allowRead));

/** What validate and run print about the inputs. */
export const noteLines = (s: Scenario): string[] => formatInputs(inputsReport(s));
