import { totalmem } from 'node:os';
import type { Argv } from 'yargs';
import { UserError } from '../errors.js';
import type { LoadOptions } from '../scenario/load.js';
import { DEFAULT_RUN_LIMITS, type RunLimits } from '../scenario/size.js';
import { DEFAULT_MAX_FILE_BYTES, formatBytes } from '../scenario/source.js';
import { parseBytes } from '../scenario/units.js';

/**
 * The flags that say which files a scenario may read and how big a run may grow, shared by every
 * command that loads or runs scenarios (validate, run, sweep, check, diff): README "Limits and safety".
 */
export interface InputArgs {
  'allow-read'?: string[];
  'max-file-size'?: string;
}

export interface LimitArgs extends InputArgs {
  'max-events'?: number;
  'max-memory'?: string;
}

/** --allow-read and --max-file-size. */
export function inputOptions<T>(y: Argv<T>): Argv<T & InputArgs> {
  return y
    .option('allow-read', { type: 'string', array: true, describe: "a folder besides the scenario's own that its files (include:, CSVs, traces, scheduler modules) may be in; / allows any" })
    .option('max-file-size', { type: 'string', describe: `the largest file a scenario may read (default ${formatBytes(DEFAULT_MAX_FILE_BYTES)})` }) as Argv<T & InputArgs>;
}

/** --allow-read, --max-file-size, --max-events and --max-memory. */
export function limitOptions<T>(y: Argv<T>): Argv<T & LimitArgs> {
  return inputOptions(y)
    .option('max-events', { type: 'number', describe: `events one run may process (default ${DEFAULT_RUN_LIMITS.maxEvents.toLocaleString('en-US')}); a scenario estimated above is refused, a run that reaches it stops with a partial report` })
    .option('max-memory', { type: 'string', describe: `memory one run may use, like 4Gi (default ${formatBytes(defaultMaxMemory())}); refused or stopped likewise` }) as Argv<T & LimitArgs>;
}

/** The default memory budget: DEFAULT_RUN_LIMITS', or less on a machine with under twice that. */
function defaultMaxMemory(): number {
  return Math.min(DEFAULT_RUN_LIMITS.maxMemoryBytes, Math.floor(totalmem() / 2));
}

function size(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const b = parseBytes(v);
  if (b === null || b < 1) throw new UserError(`--${flag}: expected a size like 64Mi or 2Gi, found ${v}`);
  return b;
}

/** The loader's options from the input flags. */
export function inputLoadOptions(args: InputArgs): Pick<LoadOptions, 'allowRead' | 'maxFileBytes'> {
  const maxFileBytes = size('max-file-size', args['max-file-size']);
  return { ...(args['allow-read']?.length ? { allowRead: args['allow-read'] } : {}), ...(maxFileBytes !== undefined ? { maxFileBytes } : {}) };
}

/** The run budgets from the limit flags; a budget above what this machine has is refused. */
export function runLimits(args: LimitArgs): RunLimits {
  const events = args['max-events'];
  if (events !== undefined && !(Number.isInteger(events) && events >= 1)) throw new UserError(`--max-events: expected an integer >= 1, found ${events}`);
  const memory = size('max-memory', args['max-memory']);
  if (memory !== undefined && memory > totalmem()) throw new UserError(`--max-memory: expected at most this machine's memory (${formatBytes(totalmem())}), found ${args['max-memory']}`);
  return { maxEvents: events ?? DEFAULT_RUN_LIMITS.maxEvents, maxMemoryBytes: memory ?? defaultMaxMemory() };
}

/** The loader's options from all the flags: input rules and run budgets. */
export function limitLoadOptions(args: LimitArgs): Pick<LoadOptions, 'allowRead' | 'maxFileBytes'> & { limits: RunLimits } {
  return { ...inputLoadOptions(args), limits: runLimits(args) };
}
