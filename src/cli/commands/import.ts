import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../errors.js';
import { parseDuration } from '../../scenario/units.js';
import { runImport } from '../../import/index.js';
import { formatImportTable } from '../../import/table.js';

interface Args {
  paths: string[];
  out: string;
  cluster?: string[];
  host?: string;
  'gpu-resource'?: string[];
  replay?: boolean;
  fit?: boolean;
  duration?: string;
  lose?: string;
  'lose-at'?: string;
}

export const importCommand: CommandModule<object, Args> = {
  command: 'import [paths..]',
  describe: 'Write a scenario of your fleet as it is, from kubectl dumps of its clusters (and Karmada)',
  builder: (y) =>
    y
      .positional('paths', { type: 'string', array: true, default: [], describe: 'dump folders (one sub-folder per cluster, named after it) or files (named <cluster>-<what>.json)' })
      .option('out', { type: 'string', demandOption: true, describe: 'the scenario to write (beside it: <name>.state.json, <name>.manifests.yaml)' })
      .option('cluster', { type: 'string', array: true, describe: 'NAME=PATH: a cluster\'s dump (a folder, a file or a file prefix); repeat for more paths' })
      .option('host', { type: 'string', describe: "the Karmada control plane's objects (kubectl get clusters,propagationpolicies,resourcebindings,... -o yaml)" })
      .option('gpu-resource', { type: 'string', array: true, describe: 'an extended resource that counts GPUs (besides nvidia.com/gpu, amd.com/gpu), e.g. alibabacloud.com/gpu-count' })
      .option('replay', { type: 'boolean', describe: "replay the recorded history (batch pods' creation and run times, openb pod CSVs) from t = 0" })
      .option('fit', { type: 'boolean', describe: 'fit a workload to the history: per owner or kind, diurnal arrivals and empirical run times' })
      .option('duration', { type: 'string', describe: "the scenario's simulated time (default 1h)" })
      .option('lose', { type: 'string', describe: 'what if this member is lost: variants as-is, lose-NAME (Karmada defaults) and lose-NAME-failover' })
      .option('lose-at', { type: 'string', describe: 'when --lose loses it (default 10m)' })
      .conflicts('replay', 'fit')
      .example('$0 import dumps/ --out fleet.yaml', 'dumps/gke, dumps/eks, ... one folder per cluster')
      .example('$0 import --cluster gke=dumps/gke-nodes.json --cluster gke=dumps/gke-pods.json --out fleet.yaml', 'name the clusters yourself') as never,
  handler: (args) => {
    if (!/\.ya?ml$/i.test(args.out)) throw new UserError(`--out: expected a scenario file name ending in .yaml, found "${args.out}"`);
    if (args.paths.length === 0 && !(args.cluster ?? []).length) throw new UserError('expected dump folders or files, or --cluster NAME=PATH, found none');
    if (args['lose-at'] !== undefined && parseDuration(args['lose-at']) === null) throw new UserError(`--lose-at: expected a duration like "10m", found "${args['lose-at']}"`);
    if (args.duration !== undefined && parseDuration(args.duration) === null) throw new UserError(`--duration: expected a duration like "2h" or "90m", found "${args.duration}"`);
    const command = ['fleetsim import', ...process.argv.slice(3).map((a) => (/^[\w./=:@-]+$/.test(a) ? a : JSON.stringify(a)))].join(' ');
    const { fleet, written, history } = runImport({
      paths: args.paths,
      clusters: args.cluster ?? [],
      ...(args.host ? { host: args.host } : {}),
      gpuResources: args['gpu-resource'] ?? [],
      out: resolve(args.out),
      history: args.replay ? 'replay' : args.fit ? 'fit' : 'none',
      command,
      ...(args.duration ? { duration: args.duration } : {}),
      ...(args.lose !== undefined ? { lose: args.lose, loseAt: args['lose-at'] ?? '10m' } : {}),
    });
    process.stdout.write(formatImportTable(fleet));
    if (history.length) process.stdout.write(`\nhistory:\n${history.map((l) => `  ${l}`).join('\n')}\n`);
    process.stdout.write(`\nwrote ${[written.scenario, written.state, written.manifests, ...written.extra].filter(Boolean).join(', ')}\n`);
  },
};
