import { parseBandwidth, parseBytes, parseCpuMillis, parseDuration, parseMemoryMiB } from './units.js';
import type { PathElement, YamlSource } from './source.js';

/**
 * The subset of JSON Schema (draft 2020-12) that fleetsim's scenario schema uses. The same
 * object is printed by `fleetsim schema` for editors and interpreted here, so the documented
 * format and the checks cannot drift apart. `format` names fleetsim's unit formats.
 */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  format?: UnitFormat;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  default?: unknown;
  examples?: unknown[];
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
export type UnitFormat = 'cpu' | 'memory' | 'bytes' | 'duration' | 'bandwidth';

const FORMAT_TEXT: Record<UnitFormat, string> = {
  cpu: 'a CPU quantity (cores like 2 or 0.5, or millicores like "500m")',
  memory: 'a memory quantity (bytes, or like "512Mi", "64Gi", "1G")',
  bytes: 'a size (bytes, or like "150Mi", "2G")',
  duration: 'a duration (seconds, or like "90s", "5m", "1h30m")',
  bandwidth: 'a bandwidth (Mbit/s as a number, or like "500Mbps", "10Gbps")',
};

const FORMAT_PARSER: Record<UnitFormat, (v: unknown) => number | null> = {
  cpu: parseCpuMillis,
  memory: parseMemoryMiB,
  bytes: parseBytes,
  duration: parseDuration,
  bandwidth: parseBandwidth,
};

/** One validation failure, located by path. The first is reported; the rest are dropped. */
export interface SchemaViolation {
  path: PathElement[];
  expected: string;
  found: unknown;
  atKey?: boolean;
  rawFound?: boolean;
}

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

function typeMatches(v: unknown, t: JsonType): boolean {
  const actual = typeOf(v);
  if (t === 'number') return actual === 'number' || actual === 'integer';
  return actual === t;
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

const TYPE_TEXT: Record<JsonType, string> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean (true or false)',
  object: 'map',
  array: 'list',
  null: 'null',
};

/** A human description of what a schema accepts, for "expected ..." in messages. */
export function describeSchema(s: JsonSchema, root: JsonSchema): string {
  s = resolve(s, root);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return `one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (s.format) return FORMAT_TEXT[s.format];
  if (s.oneOf || s.anyOf) {
    const alts = (s.oneOf ?? s.anyOf)!.map((a) => describeSchema(a, root));
    return [...new Set(alts)].join(' or ');
  }
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  let text = types.map((t) => article(TYPE_TEXT[t])).join(' or ') || 'a value';
  const bounds: string[] = [];
  if (s.minimum !== undefined) bounds.push(`>= ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) bounds.push(`<= ${s.maximum}`);
  if (bounds.length) text += ` ${bounds.join(' and ')}`;
  if (s.minItems) text += ` with at least ${s.minItems} item${s.minItems > 1 ? 's' : ''}`;
  if (s.minLength) text += ' (not empty)';
  if (s.pattern) text += ` matching /${s.pattern}/`;
  return text;
}

function resolve(s: JsonSchema, root: JsonSchema): JsonSchema {
  let guard = 0;
  while (s.$ref) {
    const name = s.$ref.replace(/^#\/\$defs\//, '');
    const target = root.$defs?.[name];
    if (!target || ++guard > 32) throw new Error(`schema: unresolved $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

/** The discriminator of a oneOf: the property every branch pins with `const`, if any. */
function discriminator(branches: JsonSchema[], root: JsonSchema): string | null {
  const resolved = branches.map((b) => resolve(b, root));
  const first = resolved[0]?.properties;
  if (!first) return null;
  for (const key of Object.keys(first)) {
    if (resolved.every((b) => b.properties?.[key]?.const !== undefined)) return key;
  }
  return null;
}

/** Validate `value` against `schema`; returns the first violation or null. */
export function check(value: unknown, schema: JsonSchema, root: JsonSchema, path: PathElement[] = []): SchemaViolation | null {
  const s = resolve(schema, root);

  if (s.oneOf || s.anyOf) {
    const branches = (s.oneOf ?? s.anyOf)!;
    const disc = discriminator(branches, root);
    if (disc && value && typeof value === 'object' && !Array.isArray(value)) {
      const tag = (value as Record<string, unknown>)[disc];
      const branch = branches.find((b) => resolve(b, root).properties![disc].const === tag);
      if (!branch) {
        const tags = branches.map((b) => JSON.stringify(resolve(b, root).properties![disc].const));
        return { path: tag === undefined ? path : [...path, disc], expected: `${disc}: one of ${tags.join(', ')}`, found: tag };
      }
      return check(value, branch, root, path);
    }
    let best: SchemaViolation | null = null;
    for (const b of branches) {
      const v = check(value, b, root, path);
      if (!v) return null;
      if (!best || v.path.length > best.path.length) best = v;
    }
    // A failure inside a branch is more useful than "expected A or B" when the value's shape chose it.
    if (best && best.path.length > path.length) return best;
    return { path, expected: describeSchema(s, root), found: value };
  }

  if (s.format) {
    if (FORMAT_PARSER[s.format](value) === null) return { path, expected: FORMAT_TEXT[s.format], found: value };
    if (s.exclusiveMinimum !== undefined && !(FORMAT_PARSER[s.format](value)! > s.exclusiveMinimum)) {
      return { path, expected: `${FORMAT_TEXT[s.format]} greater than ${s.exclusiveMinimum}`, found: value };
    }
    return null;
  }

  if (s.const !== undefined && value !== s.const) return { path, expected: JSON.stringify(s.const), found: value };
  if (s.enum && !s.enum.includes(value as never)) return { path, expected: describeSchema(s, root), found: value };

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeMatches(value, t))) return { path, expected: describeSchema(s, root), found: value };
  }

  if (typeof value === 'number') {
    if ((s.minimum !== undefined && value < s.minimum) || (s.maximum !== undefined && value > s.maximum) || (s.exclusiveMinimum !== undefined && !(value > s.exclusiveMinimum)) || !Number.isFinite(value)) {
      return { path, expected: describeSchema(s, root), found: value };
    }
  }
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) return { path, expected: describeSchema(s, root), found: value };
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(value)) return { path, expected: describeSchema(s, root), found: value };
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) return { path, expected: describeSchema(s, root), found: value };
    if (s.items) {
      for (let i = 0; i < value.length; i++) {
        const v = check(value[i], s.items, root, [...path, i]);
        if (v) return v;
      }
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const req of s.required ?? []) {
      if (!(req in obj) || obj[req] === null) {
        const sub = s.properties?.[req];
        return { path: [...path, req], expected: sub ? describeSchema(sub, root) : 'a value', found: undefined };
      }
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub = s.properties?.[k];
      if (sub) {
        const r = check(v, sub, root, [...path, k]);
        if (r) return r;
      } else if (s.additionalProperties === false) {
        const known = Object.keys(s.properties ?? {});
        const near = closest(k, known);
        return {
          path: [...path, k],
          expected: near ? `a known field (did you mean "${near}"?)` : `one of the fields ${known.join(', ')}`,
          found: `unknown field "${k}"`,
          atKey: true,
          rawFound: true,
        };
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const r = check(v, s.additionalProperties, root, [...path, k]);
        if (r) return r;
      }
    }
  }
  return null;
}

/** Validate and throw the first violation as a located ScenarioError. */
export function validateAgainst(src: Pick<YamlSource, 'fail'>, value: unknown, schema: JsonSchema, root: JsonSchema = schema, base: PathElement[] = []): void {
  const v = check(value, schema, root, base);
  if (v) src.fail(v.path, v.expected, v.found, { atKey: v.atKey, rawFound: v.rawFound });
}

function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
