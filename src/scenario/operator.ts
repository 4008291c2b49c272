import type { DistributionSpec } from '../kernel/index.js';
import type { PathElement, YamlSource } from './source.js';
import type { ClaimSpec, Scenario } from './types.js';
import { parseDuration } from './units.js';

type Obj = Record<string, unknown>;

/** Claims whose metric is a time take durations; a utilisation takes a ratio or a percentage. */
const SECONDS = new Set(['failover.time.mean', 'failover.afterDetection', 'timeToAllReady.mean', 'timeToAllReady.p95', 'gangs.queueingDelay.mean', 'jobs.queueingDelay.mean', 'traffic.sloViolation']);
const RATIO = new Set(['cpu.utilization', 'gpu.utilization', 'memory.utilization']);

function claimValue(src: YamlSource, metric: string, v: unknown, path: PathElement[]): number {
  if (SECONDS.has(metric)) {
    const d = parseDuration(v);
    if (d === null) src.fail(path, `a duration (seconds, or like "15m") for ${metric}`, v);
    return d!;
  }
  if (RATIO.has(metric)) {
    if (typeof v === 'string' && /^\d+(\.\d+)?%$/.test(v.trim())) return Number(v.trim().slice(0, -1)) / 100;
    if (typeof v === 'number' && v >= 0 && v <= 1) return v;
    src.fail(path, `a ratio between 0 and 1 or a percentage like "35%" for ${metric}`, v);
  }
  if (typeof v !== 'number') src.fail(path, `a number for ${metric}`, v);
  return v as number;
}

/**
 * The `operator:`, `claims:` and `assumptions:` blocks of a scenario (validated against the
 * schema already): people acting by hand, and figures claimed elsewhere to set beside the
 * simulated ones.
 */
export function readOperatorBlocks(
  src: YamlSource,
  doc: Obj,
  toDist: (v: unknown, path: PathElement[]) => DistributionSpec,
  /** Check that a claim's variant exists (the scenario as written; a variant's own build has no variants: list). */
  checkVariants = true,
): Pick<Scenario, 'operator' | 'claims' | 'assumptions'> {
  const fo = ((doc.operator as Obj | undefined) ?? {}).failover as Obj | undefined;
  const taint = (fo?.taint as Obj | undefined) ?? {};
  const variants = ((doc.variants as Obj[] | undefined) ?? []).map((v) => String(v.name));
  const claims: ClaimSpec[] = ((doc.claims as Obj[] | undefined) ?? []).map((c, i) => {
    const metric = c.metric as ClaimSpec['metric'];
    const min = claimValue(src, metric, c.min, ['claims', i, 'min']);
    const max = claimValue(src, metric, c.max, ['claims', i, 'max']);
    if (max < min) src.fail(['claims', i, 'max'], `a value >= min (${String(c.min)})`, c.max);
    const variant = (c.variant as string | undefined) ?? null;
    if (checkVariants && variant !== null && !variants.includes(variant)) src.fail(['claims', i, 'variant'], `a variant of this scenario (${variants.join(', ') || 'it has none'})`, variant);
    return { claim: c.claim as string, source: (c.source as string | undefined) ?? '', metric, variant, min, max };
  });
  if (fo && ((fo.taint as Obj | undefined)?.effect ?? 'NoExecute') === 'NoExecute') {
    const k = (doc.karmada as Obj | undefined) ?? {};
    const gate = ((k.featureGates as Obj | undefined) ?? {}).Failover === true;
    if (!gate || k.enableNoExecuteTaintEviction !== true) {
      src.fail(['operator', 'failover'], 'karmada.featureGates.Failover and karmada.enableNoExecuteTaintEviction both true (without them Karmada evicts nothing on a NoExecute taint, so nobody would fail over)', `Failover ${gate ? 'on' : 'off'}, enableNoExecuteTaintEviction ${k.enableNoExecuteTaintEviction === true ? 'on' : 'off'}`);
    }
  }
  return {
    operator: {
      failover: fo
        ? {
            reaction: toDist(fo.reaction, ['operator', 'failover', 'reaction']),
            taint: { key: (taint.key as string | undefined) ?? 'fleetsim.io/manual-failover', ...(taint.value !== undefined ? { value: taint.value as string } : {}), effect: (taint.effect as 'NoExecute' | 'NoSchedule' | undefined) ?? 'NoExecute' },
          }
        : null,
    },
    claims,
    assumptions: ((doc.assumptions as string[] | undefined) ?? []).slice(),
  };
}
