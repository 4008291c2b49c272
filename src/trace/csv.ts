import { ScenarioError } from '../scenario/errors.js';

/**
 * A small CSV reader for trace files: comma-separated, optional double-quoted fields ("" is a
 * quote inside one), LF or CRLF line ends, first line is the header. Every field keeps the line
 * and column (1-based, in characters) where it starts, so a bad value can be reported precisely.
 * Blank lines are skipped.
 */
export interface CsvRow {
  /** 1-based line number of the row in the file. */
  readonly line: number;
  readonly values: readonly string[];
  /** 1-based column where each field starts. */
  readonly columns: readonly number[];
}

export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  /** 1-based column where each header name starts. */
  readonly headerColumns: readonly number[];
  readonly rows: readonly CsvRow[];
}

export function parseCsv(text: string, file: string): CsvTable {
  const rows: CsvRow[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  if (n > 0 && text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  while (i < n) {
    let lineStart = i;
    const values: string[] = [];
    const columns: number[] = [];
    const rowLine = line;
    // Parse one record.
    for (;;) {
      columns.push(i - lineStart + 1);
      let value = '';
      if (text[i] === '"') {
        const quoteLine = line;
        const quoteCol = i - lineStart + 1;
        i++;
        for (;;) {
          if (i >= n) throw new ScenarioError({ file, line: quoteLine, col: quoteCol }, '(csv)', 'a closing quote for this field', 'the end of the file');
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') {
            line++;
            lineStart = i + 1;
          }
          value += c;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new ScenarioError({ file, line, col: i - lineStart + 1 }, '(csv)', "',' or the end of the line after a quoted field", 'another character');
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(start, i);
        if (value.includes('"')) {
          throw new ScenarioError({ file, line, col: start - lineStart + 1 + value.indexOf('"') }, '(csv)', 'an unquoted field without \'"\' (or a field in double quotes)', 'a stray \'"\'');
        }
      }
      values.push(value);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // End of record: \r\n, \n, or end of text.
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    if (values.length === 1 && values[0] === '') continue; // blank line
    rows.push({ line: rowLine, values, columns });
  }
  if (rows.length === 0) throw new ScenarioError({ file, line: 1, col: 1 }, 'header', 'a header line', 'an empty file');
  const [head, ...body] = rows;
  return { file, header: head.values.map((h) => h.trim()), headerColumns: head.columns, rows: body };
}

/**
 * Where each named column sits in a table; checks the header and the width of every row. Problems
 * never quote the file's own text until its header is known to be the expected one (the path may
 * point at any file): an unknown column is reported by position, not by name.
 */
export class CsvColumns {
  private readonly index = new Map<string, number>();
  /** `optional: 'any'` allows any other columns (a samples CSV names the one column it reads). */
  constructor(
    readonly table: CsvTable,
    required: readonly string[],
    optional: readonly string[] | 'any',
  ) {
    const known = new Set([...required, ...(optional === 'any' ? [] : optional)]);
    const expected = `the columns ${required.join(',')}${optional === 'any' ? ' (others are ignored)' : optional.length ? ` and optionally ${optional.join(',')}` : ''}`;
    table.header.forEach((h, i) => {
      if (known.has(h) && this.index.has(h)) throw new ScenarioError({ file: table.file, line: 1, col: columnOfHeader(table, i) }, 'header', `${expected}, each once`, `"${h}" twice`);
      if (!this.index.has(h)) this.index.set(h, i);
    });
    const missing = required.filter((c) => !this.index.has(c));
    if (missing.length > 0) {
      const present = [...known].filter((c) => this.index.has(c));
      throw new ScenarioError(
        { file: table.file, line: 1, col: 1 },
        'header',
        expected,
        `no column ${missing.map((m) => `"${m}"`).join(', ')} (${table.header.length} column${table.header.length === 1 ? '' : 's'}${present.length ? `, among them ${present.join(',')}` : ''})`,
      );
    }
    if (optional !== 'any') {
      table.header.forEach((h, i) => {
        if (!known.has(h)) throw new ScenarioError({ file: table.file, line: 1, col: columnOfHeader(table, i) }, 'header', expected, `another column (column ${i + 1})`);
      });
    }
    for (const row of table.rows) {
      if (row.values.length !== table.header.length) {
        const col = row.values.length > table.header.length ? row.columns[table.header.length] : row.columns[row.columns.length - 1];
        throw new ScenarioError({ file: table.file, line: row.line, col }, '(row)', `${table.header.length} fields, as the header has`, `${row.values.length}`);
      }
    }
  }

  has(column: string): boolean {
    return this.index.has(column);
  }

  /** The raw text of a column in a row ('' if the table has no such column). */
  text(row: CsvRow, column: string): string {
    const i = this.index.get(column);
    return i === undefined ? '' : row.values[i];
  }

  /** A located error at a field: `file:line:col: column: expected ..., found ...`. */
  fail(row: CsvRow, column: string, expected: string, found: string): ScenarioError {
    const i = this.index.get(column) ?? 0;
    return new ScenarioError({ file: this.table.file, line: row.line, col: row.columns[i] }, column, expected, found);
  }

  /** The field's text as a message quotes it (the header is known to be right by now). */
  quoted(row: CsvRow, column: string): string {
    return quoteCell(this.text(row, column).trim());
  }

  /** An integer in [min, max], written in plain decimal digits. */
  int(row: CsvRow, column: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.text(row, column).trim();
    const range = `an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}`;
    if (!/^-?\d+$/.test(raw)) throw this.fail(row, column, range, quoteCell(raw));
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < min || v > max) throw this.fail(row, column, range, quoteCell(raw));
    return v;
  }

  /** A finite number >= min (and <= max), or null for an empty field when `optional`. */
  number(row: CsvRow, column: string, min: number, optional: true, max?: number): number | null;
  number(row: CsvRow, column: string, min: number, optional?: false, max?: number): number;
  number(row: CsvRow, column: string, min: number, optional = false, max = Number.MAX_VALUE): number | null {
    const raw = this.text(row, column).trim();
    if (raw === '' && optional) return null;
    const v = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(v) || v < min || v > max) throw this.fail(row, column, `a number >= ${min}${max < Number.MAX_VALUE ? ` and <= ${max}` : ''}`, quoteCell(raw));
    return v;
  }
}

/** A field's text quoted for a message, cut to 40 characters. */
export function quoteCell(raw: string): string {
  if (raw === '') return 'an empty field';
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}...` : raw);
}

function columnOfHeader(table: CsvTable, i: number): number {
  return table.headerColumns[i];
}
