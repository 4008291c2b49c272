/**
 * Scheduler configuration: actions and tiers of plugins (Volcano `SchedulerConfiguration`), and
 * how an option's `enabled`/`disabled` lists resolve to the `Enabled*` flags.
 */
import { PLUGIN_FLAGS, type PluginFlag, type PluginOption, type SessionConfig } from './types.js';

/**
 * What the Volcano helm chart deploys (`installer/helm/chart/volcano/config/volcano-scheduler.conf`,
 * spec §2): actions `enqueue, allocate, backfill`; tier 1 priority, gang (enablePreemptable false),
 * conformance; tier 2 overcommit, drf (enablePreemptable false), predicates, proportion, nodeorder,
 * binpack. reclaim and preempt are not enabled by default.
 */
export const DEFAULT_SESSION_CONFIG: SessionConfig = Object.freeze({
  actions: Object.freeze(['enqueue', 'allocate', 'backfill'] as const),
  tiers: Object.freeze([
    Object.freeze([
      { name: 'priority' },
      { name: 'gang', disabled: ['preemptable'] },
      { name: 'conformance' },
    ]),
    Object.freeze([
      { name: 'overcommit' },
      { name: 'drf', disabled: ['preemptable'] },
      { name: 'predicates' },
      { name: 'proportion' },
      { name: 'nodeorder' },
      { name: 'binpack' },
    ]),
  ]),
});

/** The built-in `DefaultSchedulerConf` (pkg/scheduler/util.go): as above without binpack. */
export const BUILTIN_SESSION_CONFIG: SessionConfig = Object.freeze({
  actions: Object.freeze(['enqueue', 'allocate', 'backfill'] as const),
  tiers: Object.freeze([
    Object.freeze([{ name: 'priority' }, { name: 'gang' }, { name: 'conformance' }]),
    Object.freeze([
      { name: 'overcommit' },
      { name: 'drf' },
      { name: 'predicates' },
      { name: 'proportion' },
      { name: 'nodeorder' },
    ]),
  ]),
});

/**
 * What Kurator's `kurator install volcano` deploys: Volcano v1.5.1 with its default conf (the
 * built-in tiers, no binpack), reproducing the v1.5.1 differences of spec §15.
 */
export const KURATOR_VOLCANO_SESSION_CONFIG: SessionConfig = Object.freeze({ ...BUILTIN_SESSION_CONFIG, version: 'v1.5.1' as const });

export class VolcanoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolcanoConfigError';
  }
}

export interface ResolvedPluginOption {
  readonly name: string;
  readonly flags: ReadonlySet<PluginFlag>;
  readonly arguments: Readonly<Record<string, string | number | boolean>>;
}

const FLAG_SET: ReadonlySet<string> = new Set(PLUGIN_FLAGS);
/** Volcano `Enabled*` flags of extension points this model does not have; accepted and ignored. */
const UNMODELLED_FLAGS: ReadonlySet<string> = new Set([
  'namespaceOrder',
  'clusterOrder',
  'hierarchy',
  'victim',
  'targetJob',
  'reservedNodes',
  'hyperNodeOrder',
  'subJobOrder',
]);

function checkFlags(plugin: string, list: readonly string[]): PluginFlag[] {
  const out: PluginFlag[] = [];
  for (const f of list) {
    if (FLAG_SET.has(f)) out.push(f as PluginFlag);
    else if (!UNMODELLED_FLAGS.has(f)) {
      throw new VolcanoConfigError(`plugin '${plugin}': unknown extension point '${f}' (expected one of ${PLUGIN_FLAGS.join(', ')})`);
    }
  }
  return out;
}

export function resolvePluginOption(o: PluginOption): ResolvedPluginOption {
  let flags: Set<PluginFlag>;
  if (o.enabled !== undefined) {
    flags = new Set(checkFlags(o.name, o.enabled as readonly string[]));
  } else {
    flags = new Set(PLUGIN_FLAGS);
    for (const f of checkFlags(o.name, (o.disabled ?? []) as readonly string[])) flags.delete(f);
  }
  return { name: o.name, flags, arguments: o.arguments ?? {} };
}
