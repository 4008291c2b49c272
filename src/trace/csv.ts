import { UserError } from '../errors.js';

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
          if (i >= n) throw new UserError(`${file}:${quoteLine}:${quoteCol}: unterminated quoted field`);
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
          throw new UserError(`${file}:${line}:${i - lineStart + 1}: expected ',' or end of line after a quoted field, found '${text[i]}'`);
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(start, i);
        if (value.includes('"')) {
          throw new UserError(`${file}:${line}:${start - lineStart + 1 + value.indexOf('"')}: stray '"' inside an unquoted field`);
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
  if (rows.length === 0) throw new UserError(`${file}:1:1: empty file, expected a header line`);
  const [head, ...body] = rows;
  return { file, header: head.values.map((h) => h.trim()), headerColumns: head.columns, rows: body };
}

/** Where each named column sits in a table; checks required columns and the width of every row. */
export class CsvColumns {
  private readonly index = new Map<string, number>();
  constructor(
    readonly table: CsvTable,
    required: readonly string[],
    optional: readonly string[],
  ) {
    table.header.forEach((h, i) => {
      if (this.index.has(h)) throw new UserError(`${table.file}:1:${columnOfHeader(table, i)}: column '${h}' appears twice`);
      this.index.set(h, i);
    });
    const missing = required.filter((c) => !this.index.has(c));
    if (missing.length > 0) {
      throw new UserError(
        `${table.file}:1:1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}` +
          ` (expected ${required.join(',')}${optional.length ? ` and optionally ${optional.join(',')}` : ''}; found ${table.header.join(',')})`,
      );
    }
    const known = new Set([...required, ...optional]);
    table.header.forEach((h, i) => {
      if (!known.has(h)) {
        throw new UserError(`${table.file}:1:${columnOfHeader(table, i)}: unknown column '${h}' (expected ${[...required, ...optional].join(',')})`);
      }
    });
    for (const row of table.rows) {
      if (row.values.length !== table.header.length) {
        const col = row.values.length > table.header.length ? row.columns[table.header.length] : row.columns[row.columns.length - 1];
        throw new UserError(`${table.file}:${row.line}:${col}: expected ${table.header.length} fields (${table.header.join(',')}), found ${row.values.length}`);
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

  /** A UserError pointing at a field: `file:line:col: column 'x': <message>`. */
  error(row: CsvRow, column: string, message: string): UserError {
    const i = this.index.get(column) ?? 0;
    return new UserError(`${this.table.file}:${row.line}:${row.columns[i]}: column '${column}': ${message}`);
  }

  /** An integer in [min, max], written in plain decimal digits. */
  int(row: CsvRow, column: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.text(row, column).trim();
    if (!/^-?\d+$/.test(raw)) throw this.error(row, column, `expected an integer, found '${raw}'`);
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      throw this.error(row, column, `expected an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}, found '${raw}'`);
    }
    return v;
  }

  /** A finite number >= min, or null for an empty field when `optional`. */
  number(row: CsvRow, column: string, min: number, optional: true): number | null;
  number(row: CsvRow, column: string, min: number, optional?: false): number;
  number(row: CsvRow, column: string, min: number, optional = false): number | null {
    const raw = this.text(row, column).trim();
    if (raw === '' && optional) return null;
    const v = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(v) || v < min) throw this.error(row, column, `expected a number >= ${min}, found '${raw}'`);
    return v;
  }
}

function columnOfHeader(table: CsvTable, i: number): number {
  return table.headerColumns[i];
}
