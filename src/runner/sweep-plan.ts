import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isMap, isSeq } from 'yaml';
import { UserError } from '../errors.js';
import { ScenarioError, formatPath, type SourcePosition } from '../scenario/errors.js';
import { isModulePath, scenarioVariantsFromSource, type LoadOptions } from '../scenario/load.js';
import { parseYamlText, readYamlFile, type PathElement, type YamlSource } from '../scenario/source.js';
import type { Scenario } from '../scenario/types.js';
import { canonicalJson, cartesian, enumerateRuns, formatValue, pointLabels, replicationSeeds, sha256, type AxisDef, type PlannedRun } from './sweep-keys.js';

/**
 * A sweep's plan: the scenario, its sweep axes, the points (one validated Scenario each), the
 * schedulers and the replications, and every run with its id and seed.
 *
 * The `sweep:` block of a scenario maps paths into the scenario document to lists of values:
 *
 * ```yaml
 * sweep:
 *   fleet.clusters[1].nodePools[0].count: [4, 8, 16]
 *   workloads[name=llm-inference].replicas: [10, 20]
 * ```
 *
 * Path syntax: keys separated by dots; `[i]` indexes a list; `[field=value]` picks the one list
 * element whose `field` is `value` (e.g. `clusters[name=serving-sh]`); `["a.b/c"]` is a key that
 * holds dots. A path may end in a key the document does not have yet (`metrics.interval`); lists
 * must already have the element. Each value is written into the parsed YAML document BEFORE
 * validation, keeping its own position, so a bad value is reported at its place in the `sweep:`
 * block, with the field path it was written to and the sweep point. `--set path=v1,v2` does the
 * same from the command line (values are YAML, read as a flow list: `--set 'workloads[0].duration={kind: exponential, mean: 600},5m'`);
 * a `--set` path that is also in the `sweep:` block replaces that axis, any other is added after
 * them; errors in its values are reported at the position of the field it replaces. The axes
 * apply in order, so a later axis wins where two paths overlap. Paths under `sweep` and
 * `schedulers` cannot be swept (every point runs every scheduler), and `include:`d manifests are
 * other files: they are not reachable by a path.
 */

export interface SweepAxis extends AxisDef {
  /** The resolved path (indexes for `[field=value]` selectors); null for the `variant` axis. */
  readonly target: readonly PathElement[] | null;
  readonly origin: 'sweep' | 'set' | 'variants';
  /** Where each value is reported in errors: its place in the sweep block, or (--set) the field it replaces. */
  readonly positions: readonly SourcePosition[];
}

export interface SweepPoint {
  readonly index: number;
  /** One value per axis. */
  readonly values: readonly unknown[];
  readonly label: string;
  readonly scenario: Scenario;
}

export interface PlannedSweepRun extends PlannedRun {
  readonly seed: number;
  /** What to pass to runScenario as the scheduler (module paths made absolute). */
  readonly schedulerSpec: string;
}

export interface SweepPlan {
  /** The scenario file as given/displayed, and absolute. */
  readonly file: string;
  readonly absFile: string;
  readonly name: string;
  readonly description: string;
  readonly scenarioText: string;
  /** sha256 of the scenario document (without its sweep block) and its included files. */
  readonly scenarioHash: string;
  /** sha256 of (scenarioHash, axes, schedulers, replications). */
  readonly planHash: string;
  readonly axes: readonly SweepAxis[];
  readonly points: readonly SweepPoint[];
  /** Scheduler names as written (the identity used in run ids). */
  readonly schedulers: readonly string[];
  readonly replications: number;
  readonly runs: readonly PlannedSweepRun[];
}

export interface SweepPlanOptions {
  /** `--set path=v1,v2` arguments. */
  readonly set?: readonly string[];
  /** Schedulers instead of the scenario's list (names or module paths relative to the working directory). */
  readonly schedulers?: readonly string[];
  /** Replications; default: the scenario's `replications:`, else `defaultReplications`. */
  readonly replications?: number;
  /** Replications when neither the caller nor the scenario says (default 1). */
  readonly defaultReplications?: number;
  /** Replication 0's seed instead of the scenario's (`--seed`); the others derive from it. */
  readonly seed?: number;
  /** Leave the scenario's `sweep:` block out: variants × schedulers × replications only (`fleetsim run`). */
  readonly ignoreSweepBlock?: boolean;
  readonly knownSchedulers?: LoadOptions['knownSchedulers'];
}

type Seg = { key: string } | { index: number } | { field: string; value: string };

/** Parse a sweep path (`fleet.clusters[1].nodePools[name=a100].count`). Throws an Error describing the problem. */
export function parseSweepPath(text: string): Seg[] {
  const segs: Seg[] = [];
  let i = 0;
  const bad = (why: string): never => {
    throw new Error(`${why} at character ${i + 1}`);
  };
  const ident = (): string => {
    const m = /^[^.[\]=\s]+/.exec(text.slice(i));
    if (!m) bad('expected a key');
    i += m![0].length;
    return m![0];
  };
  if (text.length === 0) bad('empty path');
  if (text[0] !== '[') segs.push({ key: ident() });
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      segs.push({ key: ident() });
    } else if (c === '[') {
      const close = findClose(text, i);
      if (close < 0) bad('unclosed [');
      const inner = text.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segs.push({ index: Number(inner) });
      else if (inner.startsWith('"')) {
        let key: unknown;
        try {
          key = JSON.parse(inner);
        } catch {
          key = undefined;
        }
        if (typeof key !== 'string') bad('expected a quoted key like ["a.b/c"]');
        segs.push({ key: key as string });
      } else {
        const eq = inner.indexOf('=');
        if (eq <= 0) bad('expected [index], [field=value] or ["key"]');
        let value = inner.slice(eq + 1);
        if (value.startsWith('"')) {
          try {
            value = JSON.parse(value) as string;
          } catch {
            bad('expected a quoted value');
          }
        }
        segs.push({ field: inner.slice(0, eq), value });
      }
      i = close + 1;
    } else {
      bad(`unexpected "${c}"`);
    }
  }
  return segs;
}

/** Index of the `]` closing the `[` at `open` (skipping a quoted string), or -1. */
function findClose(text: string, open: number): number {
  let inString = false;
  for (let j = open + 1; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ']') return j;
  }
  return -1;
}

/** Resolve parsed segments against the plain document value; returns the YAML path or an error text. */
function resolveSegments(doc: unknown, segs: readonly Seg[]): PathElement[] | string {
  const out: PathElement[] = [];
  let cur: unknown = doc;
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    const here = formatPath(out) || '(document)';
    if ('key' in s) {
      if (cur !== undefined && (cur === null || typeof cur !== 'object' || Array.isArray(cur))) return `${here} is not a map, so it has no key "${s.key}"`;
      out.push(s.key);
      cur = cur === undefined ? undefined : (cur as Record<string, unknown>)[s.key];
    } else {
      if (!Array.isArray(cur)) return `${here} is not a list${cur === undefined ? ' (it is not in the document)' : ''}`;
      let idx: number;
      if ('index' in s) {
        idx = s.index;
        if (idx >= cur.length) return `${here} has ${cur.length} element${cur.length === 1 ? '' : 's'}, so no [${idx}]`;
      } else {
        const hits = cur.map((el, j) => ({ el, j })).filter(({ el }) => el !== null && typeof el === 'object' && !Array.isArray(el) && String((el as Record<string, unknown>)[s.field]) === s.value);
        if (hits.length !== 1) return `${here} has ${hits.length === 0 ? 'no' : hits.length} element${hits.length === 1 ? '' : 's'} with ${s.field}=${s.value}`;
        idx = hits[0].j;
      }
      out.push(idx);
      cur = cur[idx];
    }
  }
  return out;
}

/** The document's display path (relative to the working directory when inside it). */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** The one YAML document of a scenario file. */
export function readSingle(absFile: string, display: string): YamlSource {
  const docs = readYamlFile(absFile, display);
  if (docs.length !== 1) throw new ScenarioError({ file: display, line: 1, col: 1 }, '', 'exactly one YAML document (put manifests in an include: file)', `${docs.length} documents`);
  return docs[0];
}

/** Split `path=v1,v2` at the first `=` outside brackets. */
export function splitSet(arg: string): { path: string; values: string } | null {
  let depth = 0;
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '=' && depth === 0) return { path: arg.slice(0, i).trim(), values: arg.slice(i + 1) };
  }
  return null;
}

const FORBIDDEN_ROOTS = new Set(['sweep', 'schedulers', 'variants', 'variant', 'replications']);

function axisFromSweepBlock(src: YamlSource, raw: Record<string, unknown>, path: string): SweepAxis {
  let segs: Seg[];
  try {
    segs = parseSweepPath(path);
  } catch (e) {
    return src.fail(['sweep', path], `a path like fleet.clusters[1].nodePools[0].count (${(e as Error).message})`, path, { atKey: true });
  }
  if (FORBIDDEN_ROOTS.has(String('key' in segs[0] ? segs[0].key : ''))) {
    return src.fail(['sweep', path], 'a path outside sweep, schedulers and variants (every point runs every scheduler and variant)', path, { atKey: true });
  }
  const target = resolveSegments(raw, segs);
  if (typeof target === 'string') return src.fail(['sweep', path], `a path to a field of this scenario (${target})`, path, { atKey: true });
  const values = (raw.sweep as Record<string, unknown[]>)[path];
  const seq = src.doc.getIn(['sweep', path], true);
  const positions = values.map((_, j) => (isSeq(seq) ? src.at(['sweep', path, j]) : src.at(['sweep', path])));
  return { path, target, values, origin: 'sweep', positions };
}

/**
 * A path given on the command line (`sweep --set`, `plan --vary`) resolved against the plain
 * document: its YAML path, or why it is not a path to a field that can be set.
 */
export function resolveCliPath(raw: Record<string, unknown>, pathText: string): { target: PathElement[] } | { error: string } {
  let segs: Seg[];
  try {
    segs = parseSweepPath(pathText);
  } catch (e) {
    return { error: `expected a path like fleet.clusters[1].nodePools[0].count (${(e as Error).message})` };
  }
  if (FORBIDDEN_ROOTS.has(String('key' in segs[0] ? segs[0].key : ''))) return { error: 'sweep, schedulers and variants cannot be set (use --scheduler for schedulers)' };
  const target = resolveSegments(raw, segs);
  if (typeof target === 'string') return { error: `not a path to a field of this scenario: ${target}` };
  return { target };
}

function axisFromSet(src: YamlSource, arg: string, raw: Record<string, unknown>): SweepAxis {
  const fail = (why: string): never => {
    throw new UserError(`--set ${arg}: ${why}`);
  };
  const parts = splitSet(arg);
  if (!parts || !parts.path) return fail('expected path=value[,value...], e.g. fleet.clusters[1].nodePools[0].count=4,8,16');
  const resolved = resolveCliPath(raw, parts.path);
  if ('error' in resolved) return fail(resolved.error);
  const target = resolved.target;
  let values: unknown;
  try {
    values = parseYamlText(`[${parts.values}]`, '--set')[0]?.value();
  } catch (e) {
    return fail(`the values are not a YAML flow list (${(e as Error).message.replace(/^--set:\d+:\d+: \(document\): /, '')})`);
  }
  if (!Array.isArray(values) || values.length === 0) return fail('expected at least one value');
  // Errors in a --set value are reported at the field it replaces (or its nearest ancestor in the file).
  const at = src.at(target);
  return { path: parts.path, target, values, origin: 'set', positions: values.map(() => at) };
}

/** The scenario's identity: sha256 of its document without the sweep block, and of its included files. */
export function scenarioIdentity(raw: Record<string, unknown>, absFile: string): string {
  const identity: unknown[] = [canonicalJson({ ...raw, sweep: undefined })];
  for (const inc of (raw.include as string[] | undefined) ?? []) identity.push(readFileSync(resolve(dirname(absFile), inc), 'utf8'));
  return sha256(canonicalJson(identity));
}

/** Read a scenario with its sweep axes (its sweep block, then --set) and build every point. */
export function planSweep(file: string, opts: SweepPlanOptions = {}): SweepPlan {
  const absFile = resolve(file);
  const display = displayPath(absFile);
  const base = readSingle(absFile, display);
  const scenarioText = readFileSync(absFile, 'utf8');
  if (opts.replications !== undefined && (!Number.isInteger(opts.replications) || opts.replications < 1)) throw new UserError(`--replications: expected an integer >= 1, found ${opts.replications}`);
  if (opts.seed !== undefined && (!Number.isInteger(opts.seed) || opts.seed < 0)) throw new UserError(`--seed: expected a non-negative integer, found ${opts.seed}`);
  const loadOpts: LoadOptions = opts.knownSchedulers ? { knownSchedulers: opts.knownSchedulers } : {};

  // Validate the plain scenario first: a mistake outside the sweep block is reported as `validate` would.
  const baseScenarios = scenarioVariantsFromSource(base, absFile, loadOpts);
  const baseScenario = baseScenarios[0];
  const raw = base.value() as Record<string, unknown>;
  const replications = opts.replications ?? (raw.replications !== undefined ? baseScenario.replications : (opts.defaultReplications ?? 1));

  // Axes: the scenario's variants (if any) first, then the sweep block, then --set.
  const axes: SweepAxis[] = [];
  const hasVariants = raw.variants !== undefined;
  if (hasVariants) axes.push({ path: 'variant', target: null, values: baseScenarios.map((s) => s.variant), origin: 'variants', positions: [] });
  if (!opts.ignoreSweepBlock && raw.sweep !== undefined && isMap(base.doc.get('sweep', true))) {
    for (const path of Object.keys(raw.sweep as object)) axes.push(axisFromSweepBlock(base, raw, path));
  }
  for (const arg of opts.set ?? []) {
    const axis = axisFromSet(base, arg, raw);
    const same = axes.findIndex((a) => a.target !== null && canonicalJson(a.target) === canonicalJson(axis.target));
    if (same >= 0) axes[same] = axis;
    else axes.push(axis);
  }

  const scenarioHash = scenarioIdentity(raw, absFile);

  // Schedulers: as written (the ids), and what runScenario is given.
  const schedulers = opts.schedulers?.length ? [...opts.schedulers] : ((raw.schedulers as string[] | undefined) ?? ['karmada']);
  const specs = opts.schedulers?.length ? opts.schedulers.map((s) => (isModulePath(s) ? resolve(s) : s)) : baseScenario.schedulers;
  const dup = schedulers.find((s, i) => schedulers.indexOf(s) !== i);
  if (dup !== undefined) throw new UserError(`scheduler ${dup} is listed twice`);

  // Points: apply the document axes' values (each reported at its own position), then build the
  // scenario's variants from that document (a variant's set: wins over a sweep value at the same path).
  const labels = pointLabels(axes);
  const built = new Map<string, Scenario[]>();
  const points: SweepPoint[] = cartesian(axes).map((idx, p) => {
    const values = axes.map((a, i) => a.values[idx[i]]);
    const docAxes = axes.map((a, i) => ({ a, j: idx[i] })).filter(({ a }) => a.target !== null);
    const key = docAxes.map(({ j }) => j).join(',');
    let scenarios = built.get(key);
    if (!scenarios) {
      let src = base;
      for (const { a, j } of docAxes) src = src.withOverride([...a.target!], a.values[j], a.positions[j]);
      try {
        scenarios = docAxes.length ? scenarioVariantsFromSource(src, absFile, loadOpts) : baseScenarios;
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        const where = docAxes.map(({ a, j }) => `${a.path}=${formatValue(a.values[j])}${a.origin === 'set' ? ' (from --set)' : ''}`).join(', ');
        throw new UserError(`${e.message} (in sweep point ${where})`, e.exitCode);
      }
      built.set(key, scenarios);
    }
    const scenario = hasVariants ? scenarios[idx[0]] : scenarios[0];
    return { index: p, values, label: labels[p], scenario };
  });

  const seedsByPoint = points.map((pt) => replicationSeeds(opts.seed ?? pt.scenario.seed, replications));
  const runs: PlannedSweepRun[] = enumerateRuns(axes, schedulers, replications).map((r) => ({
    ...r,
    seed: seedsByPoint[r.point][r.replication],
    schedulerSpec: specs[schedulers.indexOf(r.scheduler)],
  }));
  const planHash = sha256(canonicalJson([scenarioHash, axes.map((a) => [a.path, a.values]), schedulers, replications, ...(opts.seed !== undefined ? [opts.seed] : [])]));
  return {
    file: display,
    absFile,
    name: baseScenario.name,
    description: baseScenario.description,
    scenarioText,
    scenarioHash,
    planHash,
    axes,
    points,
    schedulers,
    replications,
    runs,
  };
}
