import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { formatConformanceReport, type ConformanceReport } from '../../conformance/common.js';
import { runKarmadaConformance } from '../../conformance/karmada.js';
import { runVolcanoConformance } from '../../conformance/volcano.js';

/**
 * Conformance runners by system. Each takes the file or directory paths the user gave and
 * returns one report; the command prints a line per failing vector and `N passed, M failed`.
 */
const runners: Record<string, (paths: string[]) => Promise<ConformanceReport>> = {
  karmada: runKarmadaConformance,
  volcano: runVolcanoConformance,
};

interface Args {
  system: string;
  paths: string[];
}

export const conformanceCommand: CommandModule<object, Args> = {
  command: 'conformance <system> <paths..>',
  describe: 'Run conformance vectors (karmada, volcano) from files or directories',
  builder: (y) =>
    y
      .positional('system', { type: 'string', demandOption: true, describe: 'karmada | volcano' })
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'vector files or directories' }) as never,
  handler: async (args) => {
    const run = runners[args.system];
    if (!run) {
      throw new UserError(`conformance: unknown system '${args.system}' (expected one of: ${Object.keys(runners).join(', ') || 'none registered'})`);
    }
    const report = await run(args.paths);
    process.stdout.write(formatConformanceReport(report));
    if (report.failed > 0) process.exitCode = 1;
  },
};
