import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { mergeResults, readResultsFile, ResultsWriter } from '../../runner/sweep-results.js';
import { writeSweepOutputs } from './sweep.js';

interface Args {
  files: string[];
  out?: string;
  force?: boolean;
}

const SHARD_FILE = /^runs-shard-(\d+)-of-(\d+)\.jsonl$/;

/** The results files an argument names: a file, or a folder's shard files (else its runs.jsonl). */
export function resultsFilesIn(arg: string): string[] {
  if (!existsSync(arg)) throw new UserError(`${arg}: no such file or folder`);
  if (!statSync(arg).isDirectory()) return [arg];
  const names = readdirSync(arg);
  const shards = names
    .map((n) => ({ n, m: SHARD_FILE.exec(n) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m![2]) - Number(b.m![2]) || Number(a.m![1]) - Number(b.m![1]));
  if (shards.length) return shards.map((x) => join(arg, x.n));
  if (names.includes('runs.jsonl')) return [join(arg, 'runs.jsonl')];
  throw new UserError(`${arg}: no sweep results in this folder (runs.jsonl or runs-shard-i-of-n.jsonl)`);
}

export const mergeCommand: CommandModule<object, Args> = {
  command: 'merge <files..>',
  describe: 'Combine sweep results files (e.g. the shards of a sweep run on several machines) into one: runs.jsonl, tables and the HTML report',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'results files, or folders holding runs-shard-*.jsonl' })
      .option('out', { type: 'string', describe: 'output folder (default reports/<scenario name>-sweep/)' })
      .option('force', { type: 'boolean', default: false, describe: 'replace a runs.jsonl in --out that is not one of the files merged' }) as never,
  handler: async (args) => {
    const paths = args.files.flatMap(resultsFilesIn);
    const seen = new Set<string>();
    for (const p of paths) {
      if (seen.has(resolve(p))) throw new UserError(`merge: ${p} is given twice`);
      seen.add(resolve(p));
    }
    const files = paths.map((p) => readResultsFile(p));
    const { header, records, missing } = mergeResults(files);
    const outDir = resolve(args.out ?? join('reports', `${header.scenario}-sweep`));
    const merged = join(outDir, 'runs.jsonl');
    if (!args.force && existsSync(merged) && !seen.has(merged)) throw new UserError(`${merged} holds another sweep's results, not one of the files merged: give another --out, or --force to replace it`);
    const { files: written, notes, summary } = await writeSweepOutputs(outDir, header, records);
    // The merged results file, in canonical order (written after reading every input, which may be in
    // outDir), whole or not at all: a temporary file renamed into place.
    const tmp = `${merged}.${process.pid}.tmp`;
    const w = ResultsWriter.create(tmp, header);
    for (const r of records.values()) w.write(r);
    w.close();
    renameSync(tmp, merged);
    process.stdout.write(summary);
    for (const n of notes) process.stdout.write(`note: ${n}\n`);
    process.stdout.write(`\nmerged ${files.length} file${files.length === 1 ? '' : 's'}: ${records.size} of ${header.runs} runs; wrote ${merged}, ${written.map((f) => f.slice(outDir.length + 1)).join(', ')} in ${outDir}\n`);
    const failed = [...records.values()].filter((r) => r.status === 'failed').length;
    if (missing) process.stderr.write(`fleetsim: ${missing} of ${header.runs} runs are missing (a shard not merged, or not finished)\n`);
    if (failed) process.stderr.write(`fleetsim: ${failed} runs failed (see the report's Failed runs)\n`);
    if (missing || failed) process.exitCode = 1;
  },
};
