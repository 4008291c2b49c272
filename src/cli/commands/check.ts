import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { registerBuiltinSchedulers, resolveScheduler } from '../../placement/builtin.js';
import { schedulerNames } from '../../placement/registry.js';
import { isModulePath, loadScenarioVariants } from '../../scenario/load.js';
import { parseDuration } from '../../scenario/units.js';
import { checkRun, INVARIANTS, selectInvariants } from '../../testing/invariants.js';
import { loadSchedulers } from '../../runner/preflight.js';
import { inputLoadOptions, inputOptions, type InputArgs } from '../limits.js';

interface Args extends InputArgs {
  target: string;
  runs: number;
  seed: number;
  invariant?: string[];
  scheduler?: string[];
  out: string;
  duration?: string;
}

const display = (abs: string): string => {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
};

export const checkCommand: CommandModule<object, Args> = {
  command: 'check <target>',
  describe: 'Search random fleets, workloads and failures for a run that breaks an invariant (no overcommit, replica conservation, gang all-or-nothing, nothing on down or tainted clusters, queue capability, determinism); shrink it and write a minimal scenario YAML (exit 1 when found)',
  builder: (y) =>
    inputOptions(y)
      .positional('target', { type: 'string', demandOption: true, describe: "a scheduler (module path or registered name), or a scenario YAML: the scenario itself is checked, then its schedulers on random scenarios" })
      .option('runs', { type: 'number', default: 100, describe: 'random scenarios per scheduler (0: a scenario target only)' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the random search (same seed, same scenarios)' })
      .option('invariant', { type: 'string', array: true, describe: `invariants to check (default: all but opt-in ones): ${INVARIANTS.map((i) => i.name + (i.optIn ? ' (opt-in)' : '')).join(', ')}` })
      .option('scheduler', { type: 'string', array: true, describe: "with a scenario target: schedulers instead of the scenario's list" })
      .option('duration', { type: 'string', describe: 'simulated time of each random scenario (default 1h)' })
      .option('out', { type: 'string', default: join('reports', 'check'), describe: 'folder for counterexample scenarios (<scheduler>.counterexample.yaml)' }) as never,
  handler: async (args) => {
    if (!Number.isInteger(args.runs) || args.runs < 0) throw new UserError(`--runs: expected an integer >= 0, found ${args.runs}`);
    if (!Number.isInteger(args.seed)) throw new UserError(`--seed: expected an integer, found ${args.seed}`);
    if (args.duration !== undefined && !(Number(parseDuration(args.duration)) > 0)) throw new UserError(`--duration: expected a duration like 30m or 2h, found ${args.duration}`);
    let invariants;
    try {
      invariants = selectInvariants(args.invariant);
    } catch (e) {
      throw new UserError(`--invariant: ${(e as Error).message}`);
    }
    registerBuiltinSchedulers();
    const isScenario = /\.ya?ml$/i.test(args.target);
    let schedulers: string[];
    let found = 0;
    const lines: string[] = [];
    const say = (s: string) => process.stdout.write(s + '\n');
    say(`fleetsim check ${args.target}: invariants ${invariants.map((i) => i.name).join(', ')}`);
    if (isScenario) {
      const variants = loadScenarioVariants(args.target, { knownSchedulers: schedulerNames(), ...inputLoadOptions(args) });
      await loadSchedulers(variants, args.scheduler);
      schedulers = args.scheduler?.length ? args.scheduler.map((s) => (isModulePath(s) ? resolve(s) : s)) : variants[0].schedulers;
      // The scenario as written, first: every variant × scheduler.
      for (const v of variants) {
        for (const s of schedulers) {
          const name = (await resolveScheduler(s)).name;
          const violations = await checkRun(v, s, { invariants });
          const label = `${v.name}${v.variant ? ` [${v.variant}]` : ''} × ${name}`;
          if (violations.length === 0) say(`ok         ${label}`);
          for (const x of violations) {
            found++;
            say(`VIOLATION  ${label}: ${x.invariant}: ${x.message}`);
          }
        }
      }
    } else {
      if (args.scheduler?.length) throw new UserError('--scheduler goes with a scenario target; give the scheduler as the target instead');
      schedulers = [isModulePath(args.target) ? resolve(args.target) : args.target];
      await resolveScheduler(schedulers[0]);
    }
    if (args.runs > 0) {
      // Loaded only here: the search needs fast-check, which the rest of the CLI does not.
      const { allowReadFor, checkPolicy, writeCounterexample } = await import('../../testing/check.js');
      for (const s of schedulers) {
        const r = await checkPolicy(s, { runs: args.runs, seed: args.seed, invariants: invariants.map((i) => i.name), ...(args.duration ? { duration: args.duration } : {}) });
        if (r.ok) {
          say(`ok         ${r.name}: ${r.runs} random scenarios (seed ${r.seed}) kept every invariant`);
          continue;
        }
        found++;
        const file = resolve(args.out, `${r.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.counterexample.yaml`);
        const text = writeCounterexample(r, display(file), args.duration ? { duration: args.duration } : {});
        say(`VIOLATION  ${r.name}: ${r.violation!.invariant} after ${r.runs} random scenario(s) (seed ${r.seed}), shrunk ${r.shrinks} times:`);
        say(`  ${r.violation!.message}`);
        say(`  minimal scenario, ${display(file)}:`);
        for (const l of text.split('\n')) if (l && !l.startsWith('#')) lines.push(`    ${l}`);
        say(lines.splice(0).join('\n'));
        say(`  reproduce: fleetsim check ${display(file)} --runs 0${allowReadFor(resolve(s), file)}`);
      }
    }
    say(found ? `\n${found} violation(s) found` : '\nno violation found');
    if (found) process.exitCode = 1;
  },
};
