/**
 * Cron schedules as Kubernetes reads them: a CronJob's `spec.schedule` (and a Karmada
 * CronFederatedHPA rule's `schedule`) is parsed by robfig/cron v3's `ParseStandard` and its
 * runs come from `SpecSchedule.Next` in the schedule's time zone (`spec.timeZone`, an IANA
 * name; the controller's own zone, UTC here, when absent). Pure functions of (text, instant);
 * instants are seconds since 1970-01-01T00:00:00Z.
 *
 * Syntax: five fields (minute, hour, day of month, month, day of week), each a comma list of
 * `*` or `?`, `a`, `a-b`, with an optional `/step` (`a/step` means `a-max/step`); months
 * JAN-DEC and days SUN-SAT by name, case-insensitive; or a descriptor: @yearly, @annually,
 * @monthly, @weekly, @daily, @midnight, @hourly, `@every <duration>`. A leading `TZ=zone` or
 * `CRON_TZ=zone` sets the zone (Kubernetes warns; fleetsim notes it). Day of month and day of
 * week: when either is `*` (or `?`, without a step above 1) both must match, else either may.
 */

export interface CronSchedule {
  /** The text as written. */
  readonly text: string;
  next(after: number): number | null;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field: the allowed values, and whether it was written as `*`/`?` (robfig's starBit). */
interface Field {
  values: Set<number>;
  star: boolean;
}

/** Thrown for a schedule robfig/cron would reject; the message is robfig's. */
export class CronSyntaxError extends Error {}

function all(b: Bounds, star = true): Field {
  const values = new Set<number>();
  for (let i = b.min; i <= b.max; i++) values.add(i);
  return { values, star };
}

function one(v: number): Field {
  return { values: new Set([v]), star: false };
}

function parseIntOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^[+-]?\d+$/.test(expr)) throw new CronSyntaxError(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronSyntaxError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

/** robfig `getRange`: `*` | `?` | number ["-" number] ["/" step]. */
function range(expr: string, b: Bounds, into: Field): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b);
    else throw new CronSyntaxError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseIntOrName(rangeAndStep[1], { min: 0, max: 0 });
    if (single) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new CronSyntaxError(`too many slashes: ${expr}`);
  if (start < b.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) into.values.add(i);
  if (star) into.star = true;
}

function field(text: string, b: Bounds): Field {
  const f: Field = { values: new Set(), star: false };
  for (const expr of text.split(',').filter((x) => x !== '')) range(expr, b, f);
  return f;
}

interface Spec {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
}

/**
 * Parse a schedule as `cron.ParseStandard` does; `zone` is the schedule's time zone (null: UTC)
 * unless the text names one (`TZ=`/`CRON_TZ=`). Throws CronSyntaxError with robfig's message.
 */
export function parseCronSchedule(text: string, zone: string | null = null): CronSchedule & { zone: string | null; zoneInText: boolean } {
  let spec = text.trim();
  let tz = zone;
  let zoneInText = false;
  const m = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(spec);
  if (m) {
    tz = m[1];
    spec = m[2].trim();
    zoneInText = true;
  }
  if (tz !== null) checkZone(tz);
  if (spec === '') throw new CronSyntaxError('empty spec string');
  if (spec.startsWith('@')) {
    const every = /^@every\s+(.+)$/.exec(spec);
    if (every) {
      const d = goDuration(every[1]);
      if (d === null) throw new CronSyntaxError(`failed to parse duration ${spec}: time: invalid duration "${every[1]}"`);
      // robfig `Every`: at least a second, rounded down to whole seconds.
      const delay = Math.max(1, Math.floor(d));
      return { text, zone: tz, zoneInText, next: (after) => Math.floor(after) + delay };
    }
    const d = descriptor(spec);
    if (!d) throw new CronSyntaxError(`unrecognized descriptor: ${spec}`);
    return { text, zone: tz, zoneInText, next: (after) => nextTime(d, tz, after) };
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const s: Spec = { minute: field(fields[0], MINUTES), hour: field(fields[1], HOURS), dom: field(fields[2], DOM), month: field(fields[3], MONTHS), dow: field(fields[4], DOW) };
  return { text, zone: tz, zoneInText, next: (after) => nextTime(s, tz, after) };
}

function descriptor(spec: string): Spec | null {
  switch (spec) {
    case '@yearly':
    case '@annually':
      return { minute: one(0), hour: one(0), dom: one(1), month: one(1), dow: all(DOW) };
    case '@monthly':
      return { minute: one(0), hour: one(0), dom: one(1), month: all(MONTHS), dow: all(DOW) };
    case '@weekly':
      return { minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: one(0) };
    case '@daily':
    case '@midnight':
      return { minute: one(0), hour: one(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) };
    case '@hourly':
      return { minute: one(0), hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW) };
    default:
      return null;
  }
}

/** Go's `time.ParseDuration` for the units cron schedules use (h, m, s, ms); seconds, or null. */
function goDuration(text: string): number | null {
  const re = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g;
  let total = 0;
  let consumed = 0;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) return null;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws CronSyntaxError for a zone the IANA database (as Node has it) does not know. */
export function checkZone(zone: string): void {
  try {
    zoneFormatter(zone);
  } catch {
    throw new CronSyntaxError(`unknown time zone ${zone}`);
  }
}

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** The wall clock in `zone` (null: UTC) at instant t (whole seconds). */
function wall(t: number, zone: string | null): Wall {
  const date = new Date(t * 1000);
  if (zone === null || zone === 'UTC') return { y: date.getUTCFullYear(), mo: date.getUTCMonth() + 1, d: date.getUTCDate(), h: date.getUTCHours(), mi: date.getUTCMinutes(), s: date.getUTCSeconds() };
  const parts: Record<string, number> = {};
  for (const p of zoneFormatter(zone).formatToParts(date)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year, mo: parts.month, d: parts.day, h: parts.hour, mi: parts.minute, s: parts.second };
}

/** The zone's offset from UTC (seconds) at instant t. */
function offset(t: number, zone: string | null): number {
  if (zone === null || zone === 'UTC') return 0;
  const w = wall(t, zone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) / 1000 - Math.floor(t);
}

/** Go's `time.Date(y, mo, d, h, mi, s, 0, loc)`: normalises overflowing fields; a wall time in a DST gap takes the offset before it. */
function dateIn(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string | null): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  const guess = asUtc - offset(asUtc, zone);
  return asUtc - offset(guess, zone);
}

function dayOfWeek(w: Wall): number {
  return new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay();
}

function dayMatches(s: Spec, w: Wall): boolean {
  const domMatch = s.dom.values.has(w.d);
  const dowMatch = s.dow.values.has(dayOfWeek(w));
  if (s.dom.star || s.dow.star) return domMatch && dowMatch;
  return domMatch || dowMatch;
}

/**
 * robfig `SpecSchedule.Next`: the first instant after `after` (whole seconds) that the schedule
 * matches, searching up to five years ahead (null beyond: a schedule like Feb 30 never runs).
 */
function nextTime(s: Spec, zone: string | null, after: number): number | null {
  let t = Math.floor(after) + 1;
  let added = false;
  const yearLimit = wall(t, zone).y + 5;
  for (;;) {
    let w = wall(t, zone);
    if (w.y > yearLimit) return null;
    let wrapped = false;
    while (!s.month.values.has(w.mo)) {
      if (!added) {
        added = true;
        t = dateIn(w.y, w.mo, 1, 0, 0, 0, zone);
      }
      w = wall(t, zone);
      t = dateIn(w.y, w.mo + 1, w.d, w.h, w.mi, w.s, zone);
      w = wall(t, zone);
      if (w.mo === 1) {
        wrapped = true;
        break;
      }
    }
    if (wrapped) continue;
    while (!dayMatches(s, w)) {
      if (!added) {
        added = true;
        t = dateIn(w.y, w.mo, w.d, 0, 0, 0, zone);
      }
      w = wall(t, zone);
      t = dateIn(w.y, w.mo, w.d + 1, w.h, w.mi, w.s, zone);
      w = wall(t, zone);
      // Not midnight after a DST change: move to the nearest midnight (robfig does the same).
      if (w.h !== 0) {
        t += w.h > 12 ? (24 - w.h) * 3600 : -w.h * 3600;
        w = wall(t, zone);
      }
      if (w.d === 1) {
        wrapped = true;
        break;
      }
    }
    if (wrapped) continue;
    while (!s.hour.values.has(w.h)) {
      if (!added) {
        added = true;
        t = dateIn(w.y, w.mo, w.d, w.h, 0, 0, zone);
      }
      t += 3600;
      w = wall(t, zone);
      if (w.h === 0) {
        wrapped = true;
        break;
      }
    }
    if (wrapped) continue;
    while (!s.minute.values.has(w.mi)) {
      if (!added) {
        added = true;
        t -= w.s;
      }
      t += 60;
      w = wall(t, zone);
      if (w.mi === 0) {
        wrapped = true;
        break;
      }
    }
    if (wrapped) continue;
    // Seconds: the standard parser fixes them at 0.
    while (w.s !== 0) {
      if (!added) added = true;
      t += 1;
      w = wall(t, zone);
      if (w.s === 0) {
        wrapped = true;
        break;
      }
    }
    if (wrapped) continue;
    return t;
  }
}
