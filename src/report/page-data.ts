/**
 * The data a run report page carries, column by column (page-script.ts turns it back into rows):
 * a column of numbers is an array (rounded to what a chart or a table shows), a column of
 * strings a dictionary and indexes, a column with one value that value once. Far smaller than
 * the same rows as JSON objects, so a day of four schedulers fits in the page.
 */

export type Column = (number | null)[] | { readonly d: string[]; readonly i: number[] } | { readonly c: string | number | null } | { readonly r: number };

export interface Columnar {
  readonly n: number;
  readonly f: Record<string, Column>;
}

/** Round to `digits` significant digits (0 and non-finite values as they are; -0 as 0). */
export function round(x: number, digits = 4): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  const p = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  const r = Math.round(x * p) / p;
  return r === 0 ? 0 : Number(r.toPrecision(digits));
}

/** Strings, each kept once: `index` gives a string's place in `values`, adding it the first time. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly places = new Map<string, number>();

  index(s: string): number {
    let k = this.places.get(s);
    if (k === undefined) {
      k = this.values.length;
      this.values.push(s);
      this.places.set(s, k);
    }
    return k;
  }
}

/** One column of values: numbers rounded, strings dictionary-encoded, a constant once. */
export function encodeColumn(values: readonly (string | number | null | undefined)[], digits = 4): Column {
  if (values.length > 0 && values.every((v) => v === values[0])) return { c: values[0] ?? null };
  if (values.every((v) => v === null || v === undefined || typeof v === 'number')) return values.map((v) => (v === null || v === undefined ? null : round(v as number, digits)));
  const dict = new Dictionary();
  return { i: values.map((v) => (v === null || v === undefined ? -1 : dict.index(String(v)))), d: dict.values };
}

/** Rows of objects, as columns (every field any row has; absent is null). */
export function columnar(rows: readonly Record<string, string | number | null | undefined>[], digits = 4): Columnar {
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const f: Record<string, Column> = {};
  for (const k of fields) f[k] = encodeColumn(rows.map((r) => r[k]), digits);
  return { n: rows.length, f };
}

/** What a light report page carries (html.ts `page`); page-script.ts reads it. */
export interface PageData {
  readonly datasets: Record<string, Columnar>;
  readonly tables: Record<string, InteractiveTable>;
  readonly waits: Record<string, unknown>;
  /** Columns that several datasets or tables have (`{ r: index }` points here). */
  shared?: Column[];
}

/**
 * Send each column once: a column that appears in several datasets or tables (the time of every
 * chart, the names of the workloads in every configuration's table) moves to `shared`, and each
 * place it was gets a reference to it.
 */
export function shareColumns(page: PageData): void {
  const seen = new Map<string, { count: number; places: { o: Record<string, Column>; k: string }[] }>();
  const visit = (o: Record<string, Column> | undefined) => {
    for (const [k, c] of Object.entries(o ?? {})) {
      const key = JSON.stringify(c);
      if (key.length < 64) continue;
      let e = seen.get(key);
      if (!e) seen.set(key, (e = { count: 0, places: [] }));
      e.count++;
      e.places.push({ o: o!, k });
    }
  };
  for (const d of Object.values(page.datasets)) visit(d.f);
  for (const t of Object.values(page.tables)) {
    visit(t.rows.f);
    visit(t.groups?.f);
  }
  const shared: Column[] = page.shared ?? [];
  for (const e of seen.values()) {
    if (e.count < 2) continue;
    const r = shared.length;
    shared.push(e.places[0].o[e.places[0].k]);
    for (const p of e.places) p.o[p.k] = { r };
  }
  page.shared = shared;
}

/** How a table column is written in the page: text as it is, or a number as a duration, a clock time, a percentage... */
export type CellKind = 'text' | 'int' | 'num' | 'dur' | 'clock' | 'pct' | 'money';

/**
 * A table drawn in the page (page-script.ts): sortable on any column, filterable, a page of rows
 * at a time; rows may belong to a group (a Job stream), shown as the group's summary row that
 * opens to them.
 */
export interface InteractiveTable {
  readonly columns: readonly { readonly title: string; readonly kind: CellKind }[];
  /** Cells by column (`c0`, `c1`, ...). */
  readonly rows: Columnar;
  /** Per row, the index of its group (-1: none). */
  readonly group?: Column;
  /** The groups' summary rows, cells by column. */
  readonly groups?: Columnar;
  readonly pageSize: number;
  /** Initial sort: column and direction (1 ascending, -1 descending). */
  readonly sort?: readonly [number, 1 | -1];
}

/** A cell rounded to what the page shows of it: seconds to 0.1 below a minute and whole above, money to cents. */
function roundCell(v: string | number | null, kind: CellKind): string | number | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v;
  switch (kind) {
    case 'clock':
    case 'int':
      return Math.round(v);
    case 'dur':
      return v < 60 ? Math.round(v * 10) / 10 : Math.round(v);
    case 'money':
      return Math.round(v * 100) / 100;
    default:
      return round(v, 4);
  }
}

export function interactiveTable(
  columns: InteractiveTable['columns'],
  rows: readonly (string | number | null)[][],
  opts: { groupOf?: readonly number[]; groups?: readonly (string | number | null)[][]; pageSize?: number; sort?: readonly [number, 1 | -1] } = {},
): InteractiveTable {
  const byColumn = (rs: readonly (string | number | null)[][]): Columnar => {
    const f: Record<string, Column> = {};
    columns.forEach((c, k) => (f[`c${k}`] = encodeColumn(rs.map((r) => roundCell(r[k], c.kind)))));
    return { n: rs.length, f };
  };
  return {
    columns,
    rows: byColumn(rows),
    ...(opts.groupOf ? { group: opts.groupOf.slice() } : {}),
    ...(opts.groups ? { groups: byColumn(opts.groups) } : {}),
    pageSize: opts.pageSize ?? 50,
    ...(opts.sort ? { sort: opts.sort } : {}),
  };
}
