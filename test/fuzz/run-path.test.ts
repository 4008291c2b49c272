import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { registerBuiltinSchedulers } from '../../src/placement/builtin.js';
import { schedulerNames } from '../../src/placement/registry.js';
import { writeRunOutputs } from '../../src/cli/commands/run.js';
import { loadSchedulers } from '../../src/runner/preflight.js';
import { executeSweep } from '../../src/runner/sweep.js';
import { planSweep } from '../../src/runner/sweep-plan.js';
import { loadScenarioVariants } from '../../src/scenario/load.js';
import type { RunLimits } from '../../src/scenario/size.js';
import { SHARED } from '../helpers/cli.js';
import { examples, mutation, mutate } from './mutate.js';

/**
 * The run path, fuzzed: fast-check mutations of every example scenario. Property: what `validate`
 * accepts, `run` simulates to its end (or to its budget) without an internal error; what it
 * refuses is one located line. `npm test` tries a few hundred cases on a fixed seed; `npm run fuzz`
 * many more on a new seed each time (FLEETSIM_FUZZ_RUNS, FLEETSIM_FUZZ_SEED; README).
 */

const LONG = process.env.FLEETSIM_FUZZ_RUNS !== undefined;
const RUNS = Number(process.env.FLEETSIM_FUZZ_RUNS ?? 240);
const SEED = Number(process.env.FLEETSIM_FUZZ_SEED ?? (LONG ? Date.now() % 2 ** 31 : 20261207));
/** Small budgets keep each case short; a run that reaches one stops with a partial result, as the CLI's would. */
const LIMITS: RunLimits = { maxEvents: LONG ? 200_000 : 20_000, maxMemoryBytes: 3 * 2 ** 30 };
const ALLOW = [join(SHARED, 'traces')];

type Outcome = 'refused' | 'ran' | 'partial';

const OUT = mkdtempSync(join(tmpdir(), 'fleetsim-fuzz-out-'));

/** validate, then run, as the CLI does them (in this thread); anything but a UserError is the property failing. */
async function validateThenRun(file: string): Promise<Outcome> {
  const load = { allowRead: ALLOW, limits: LIMITS };
  try {
    await loadSchedulers(loadScenarioVariants(file, { knownSchedulers: schedulerNames(), ...load }));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    // One line: file:line:col: path: expected ..., found ... (or a flag's one-liner).
    expect(e.message.split('\n')).toHaveLength(1);
    return 'refused';
  }
  // validate said ok: run's own reading must agree, and its runs end (none failed), each written out.
  const plan = planSweep(file, { ignoreSweepBlock: true, knownSchedulers: schedulerNames(), load, limitsTogether: true });
  const res = await executeSweep(plan, { outDir: OUT, resultsFile: false, waits: true, workers: 1, limits: LIMITS, keepPartial: true });
  const records = [...res.records.values()];
  expect(records.filter((r) => r.status !== 'ok').map((r) => r.error)).toEqual([]);
  await writeRunOutputs(OUT, res.header, res.records, { inputs: null });
  return records.some((r) => r.result?.partial) ? 'partial' : 'ran';
}

describe('run path fuzz', () => {
  registerBuiltinSchedulers();
  const { names, docs, dir } = examples();
  const counts: Record<Outcome, number> = { refused: 0, ran: 0, partial: 0 };

  it(`validate accepts ⇒ run ends without an internal error (${RUNS} mutants of ${names.length} example scenarios, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (name, muts) => {
        const file = join(dir, `fuzz-${name}`);
        writeFileSync(file, stringify(mutate(docs.get(name), muts)));
        counts[await validateThenRun(file)]++;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Not vacuous: mutants of each kind were seen.
    expect(counts.refused).toBeGreaterThan(RUNS / 10);
    expect(counts.ran + counts.partial).toBeGreaterThan(RUNS / 20);
    if (LONG) process.stdout.write(`run path fuzz: ${RUNS} cases, seed ${SEED}: ${counts.refused} refused, ${counts.ran} ran, ${counts.partial} stopped at a budget\n`);
  }, LONG ? 24 * 3600_000 : 600_000);
});
