/**
 * A fast reader for the plain subset of YAML that large generated scenarios use: block maps and
 * lists, flow maps and lists (which may span lines), single-line plain and quoted scalars,
 * comments, and `---` between documents. The yaml library reads 50 MB at about 1 MB/s and keeps
 * a node object per value (3.6 GB for 50 MB); this reads it in seconds into plain values and a
 * compact index of where each value and key starts.
 *
 * It reads only what it is sure of. Anything else (anchors, aliases, tags, block scalars,
 * multi-line plain or quoted scalars, explicit or complex keys, tabs, directives, odd indentation)
 * makes it give up (null), and the caller reads the text with the yaml library instead, which
 * also reports every syntax error. So its output is the yaml library's `toJS()` (core schema), or
 * nothing: test/scenario/fast-yaml.test.ts compares the two on generated documents, values and
 * positions alike. Keys must be unique in each map, as the yaml library's `uniqueKeys` demands:
 * a repeat is returned as `duplicate`, at the repeated key.
 */

/** Where a container's values (and, for a map, its keys) start: offsets into the text. */
export interface Entries {
  /** A map's keys in the order written (Object.keys reorders integer-like keys). */
  readonly keys: readonly string[] | null;
  /** Offset of each value, in the order written (an empty value: where it would start). */
  readonly values: readonly number[];
  /** Offset of each key (maps only). */
  readonly keyOffsets: readonly number[] | null;
}

export interface FastDocument {
  readonly root: unknown;
  /** Offset of the root value's first character (0 for an empty document). */
  readonly rootOffset: number;
  /** By container (a Map, not a WeakMap: millions of weak entries slow every collection down). */
  readonly index: Map<object, Entries>;
}

export interface FastResult {
  readonly docs: FastDocument[];
  /** The first repeated key: its path and offset, and the offset of its first occurrence. */
  readonly duplicate: { offset: number; firstOffset: number; key: unknown } | null;
}

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

const NULL_RE = /^(?:~|null|Null|NULL)$/;
const TRUE_RE = /^(?:true|True|TRUE)$/;
const FALSE_RE = /^(?:false|False|FALSE)$/;
const INT_RE = /^[-+]?[0-9]+$/;
const OCT_RE = /^0o[0-7]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF_RE = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN_RE = /^\.(?:nan|NaN|NAN)$/;

/** A plain scalar's value in YAML 1.2's core schema. */
function resolvePlain(s: string): unknown {
  if (s === '' || NULL_RE.test(s)) return null;
  const c = s.charCodeAt(0);
  // Only text starting like a number or a boolean can be one: most values skip the tests.
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    if (INT_RE.test(s)) return Number(s);
    if (OCT_RE.test(s)) return parseInt(s.slice(2), 8);
    if (HEX_RE.test(s)) return parseInt(s.slice(2), 16);
    if (FLOAT_RE.test(s)) return Number(s);
    if (INF_RE.test(s)) return s[0] === '-' ? -Infinity : Infinity;
    if (NAN_RE.test(s)) return NaN;
    return s;
  }
  if (TRUE_RE.test(s)) return true;
  if (FALSE_RE.test(s)) return false;
  return s;
}

/** A key's name as toJS makes it: the scalar's value as a string, null as ''. */
const keyName = (v: unknown): string => (v === null ? '' : String(v));

/** Characters a plain scalar must not start with (a flow or block indicator, or a quote). */
const BAD_START = new Set([',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '?', ':', '-']);

class Reader {
  private readonly t: string;
  private readonly n: number;
  index = new Map<object, Entries>();
  duplicate: FastResult['duplicate'] = null;

  constructor(text: string) {
    this.t = text;
    this.n = text.length;
  }

  /** Read every document; null when the text leaves the subset. */
  read(): FastResult | null {
    try {
      return this.stream();
    } catch (e) {
      if (e instanceof GiveUp || e instanceof RangeError) return null; // RangeError: nesting too deep for the stack
      throw e;
    }
  }

  private stream(): FastResult {
    const t = this.t;
    if (t.includes('\t') || t.includes('\r') || t.includes('\0')) giveUp();
    let i = this.skipBlank(t.charCodeAt(0) === 0xfeff ? 1 : 0);
    const docs: FastDocument[] = [];
    // No content at all: no document (the library's empty stream).
    if (i >= this.n) return { docs, duplicate: null };
    for (;;) {
      this.index = new Map();
      if (t[i] === '%' || (this.colOf(i) === 0 && t.startsWith('...', i))) giveUp();
      // An empty document is placed, as the library places it, just after its `---`.
      let rootOffset = 0;
      if (this.atMarker(i)) {
        rootOffset = i + 3;
        i = this.skipSpaces(i + 3);
        if (i < this.n && t[i] !== '\n' && t[i] !== '#') giveUp(); // content on the marker's line
        i = this.skipBlank(i);
      }
      // The document: a node at indent -1, up to the next `---` line or the end.
      let root: unknown = null;
      if (i < this.n && !this.atMarker(i)) {
        if (t[i] === '%' || (this.colOf(i) === 0 && t.startsWith('...', i))) giveUp();
        const r = this.blockNode(i, -1);
        root = r.value;
        rootOffset = r.offset;
        i = this.skipBlank(r.end);
        if (i < this.n && !this.atMarker(i)) giveUp();
      }
      docs.push({ root, rootOffset, index: this.index });
      if (i >= this.n) break;
    }
    return { docs, duplicate: this.duplicate };
  }

  private atMarker(i: number): boolean {
    const t = this.t;
    return this.colOf(i) === 0 && t.startsWith('---', i) && (i + 3 >= this.n || t[i + 3] === '\n' || t[i + 3] === ' ');
  }

  private colOf(i: number): number {
    return i - (this.t.lastIndexOf('\n', i - 1) + 1);
  }

  private skipSpaces(i: number): number {
    while (i < this.n && this.t.charCodeAt(i) === 32) i++;
    return i;
  }

  /** Past spaces, comments and line ends: to the next content (or the end). */
  private skipBlank(i: number): number {
    const t = this.t;
    for (;;) {
      i = this.skipSpaces(i);
      if (i >= this.n) return i;
      const c = t[i];
      if (c === '#') {
        if (i > 0 && t[i - 1] !== ' ' && t[i - 1] !== '\n') giveUp();
        const e = t.indexOf('\n', i);
        i = e < 0 ? this.n : e;
        continue;
      }
      if (c === '\n') {
        i++;
        continue;
      }
      return i;
    }
  }

  /** The rest of the line after a value: spaces, maybe a comment, then the line end. */
  private endOfLine(i: number): number {
    i = this.skipSpaces(i);
    if (i >= this.n) return i;
    if (this.t[i] === '#') {
      if (this.t[i - 1] !== ' ') giveUp();
      const e = this.t.indexOf('\n', i);
      return e < 0 ? this.n : e + 1;
    }
    if (this.t[i] !== '\n') giveUp();
    return i + 1;
  }

  /**
   * A block node whose first content is at `i` (already past blank lines), inside a parent at
   * indent `parent`. Returns its value, offset and where the text after it starts.
   */
  private blockNode(i: number, parent: number): { value: unknown; offset: number; end: number } {
    const t = this.t;
    const col = this.colOf(i);
    if (col <= parent) return { value: null, offset: i, end: i };
    if (t[i] === '-' && (i + 1 >= this.n || t[i + 1] === ' ' || t[i + 1] === '\n')) return this.blockSeq(i, col);
    if (this.keyAhead(i)) return this.blockMap(i, col);
    // A scalar or a flow collection, alone: nothing may follow on later lines at a deeper indent.
    const r = this.inlineValue(i);
    const end = this.endOfLine(r.end);
    const next = this.skipBlank(end);
    if (next < this.n && this.colOf(next) > parent && !this.atMarker(next)) giveUp(); // a multi-line plain scalar, or worse
    return { value: r.value, offset: i, end };
  }

  /** Does a `key:` start at `i` (a plain or quoted key, then ':' and a space or the line end)? */
  private keyAhead(i: number): boolean {
    const t = this.t;
    const c = t[i];
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(i);
      return close < this.n && t[close] === ':' && (close + 1 >= this.n || t[close + 1] === ' ' || t[close + 1] === '\n');
    }
    if (c === '[' || c === '{') return false;
    const eol = t.indexOf('\n', i);
    const stop = eol < 0 ? this.n : eol;
    for (let j = i; j < stop; j++) {
      const x = t[j];
      if (x === ':' && (j + 1 >= this.n || t[j + 1] === ' ' || t[j + 1] === '\n')) return true;
      if (x === '#' && t[j - 1] === ' ') return false;
    }
    return false;
  }

  /** Offset just past the closing quote of the quoted scalar at `i` (on this line), or n. */
  private quotedEnd(i: number): number {
    const t = this.t;
    const q = t[i];
    for (let j = i + 1; j < this.n; j++) {
      const c = t[j];
      if (c === '\n') return this.n;
      if (q === "'" && c === "'") {
        if (t[j + 1] === "'") {
          j++;
          continue;
        }
        return j + 1;
      }
      if (q === '"') {
        if (c === '\\') {
          j++;
          continue;
        }
        if (c === '"') return j + 1;
      }
    }
    return this.n;
  }

  private blockSeq(i: number, col: number): { value: unknown; offset: number; end: number } {
    const t = this.t;
    const out: unknown[] = [];
    const offsets: number[] = [];
    const start = i;
    for (;;) {
      // At a '-' at column col.
      let j = i + 1;
      j = this.skipSpaces(j);
      let r: { value: unknown; offset: number; end: number };
      if (j >= this.n || t[j] === '\n' || t[j] === '#') {
        // The item is on the following lines (or empty).
        const next = this.skipBlank(j >= this.n || t[j] === '\n' ? j : this.endOfLine(j) - 1);
        if (next < this.n && this.colOf(next) > col && !this.atMarker(next)) r = this.blockNode(next, col);
        else r = { value: null, offset: j, end: j >= this.n ? j : this.endOfLine(j) };
      } else {
        // On the same line: a compact node whose indent is its column.
        r = this.blockNode(j, col);
      }
      out.push(r.value);
      offsets.push(r.offset);
      i = this.skipBlank(r.end);
      if (i >= this.n || this.atMarker(i)) break;
      const c = this.colOf(i);
      if (c < col) break;
      if (c > col || t[i] !== '-' || !(i + 1 >= this.n || t[i + 1] === ' ' || t[i + 1] === '\n')) giveUp();
    }
    this.index.set(out, { keys: null, values: offsets, keyOffsets: null });
    return { value: out, offset: start, end: i };
  }

  private blockMap(i: number, col: number): { value: unknown; offset: number; end: number } {
    const t = this.t;
    const out: Record<string, unknown> = {};
    const keys: string[] = [];
    const keyOffsets: number[] = [];
    const values: number[] = [];
    const keyValues: unknown[] = [];
    const start = i;
    for (;;) {
      // At a key at column col.
      const k = this.key(i);
      const name = keyName(k.value);
      const first = this.firstOf(k.value, name, out, keys, keyValues, keyOffsets, i);
      let j = this.skipSpaces(k.end + 1); // past ':'
      let r: { value: unknown; offset: number; end: number };
      if (j >= this.n || t[j] === '\n' || t[j] === '#') {
        const lineEnd = j >= this.n ? j : this.endOfLine(j);
        const next = this.skipBlank(lineEnd);
        // A block value below: deeper than the key, or a list at the key's own indent.
        if (next < this.n && !this.atMarker(next) && (this.colOf(next) > col || (this.colOf(next) === col && t[next] === '-' && (t[next + 1] === ' ' || t[next + 1] === '\n')))) {
          r = this.colOf(next) === col ? this.blockSeq(next, col) : this.blockNode(next, col);
        } else {
          r = { value: null, offset: j, end: lineEnd };
        }
      } else {
        if (t[j] === '-' && (t[j + 1] === ' ' || t[j + 1] === '\n')) giveUp(); // `key: - x`
        const v = this.inlineValue(j);
        r = { value: v.value, offset: j, end: this.endOfLine(v.end) };
      }
      out[name] = r.value;
      if (first === undefined) {
        keys.push(name);
        keyValues.push(k.value);
        keyOffsets.push(i);
        values.push(r.offset);
      }
      i = this.skipBlank(r.end);
      if (i >= this.n || this.atMarker(i)) break;
      const c = this.colOf(i);
      if (c < col) break;
      if (c > col || !this.keyAhead(i)) giveUp();
    }
    this.index.set(out, { keys, values, keyOffsets });
    return { value: out, offset: start, end: i };
  }

  /**
   * The offset where a map's key first appeared, if it is a repeat (the first repeat in the file
   * is noted); undefined for a new key. Keys compare as the library compares them (1 and "1"
   * differ): two different scalars with one JS name, or a key the library treats specially, leave
   * the subset.
   */
  private firstOf(key: unknown, name: string, out: Record<string, unknown>, keys: string[], keyValues: unknown[], keyOffsets: number[], at: number): number | undefined {
    if (name === '__proto__' || (typeof key === 'number' && Number.isNaN(key))) giveUp();
    if (!Object.hasOwn(out, name)) return undefined;
    const k = keys.indexOf(name);
    if (keyValues[k] !== key) giveUp();
    this.duplicate ??= { offset: at, firstOffset: keyOffsets[k], key };
    return keyOffsets[k];
  }

  /** A block map's key at `i`: its value and the offset of the ':' after it. */
  private key(i: number): { value: unknown; end: number } {
    const t = this.t;
    if (t[i] === '"' || t[i] === "'") {
      const close = this.quotedEnd(i);
      return { value: this.quoted(i, close), end: close };
    }
    let j = i;
    for (;;) {
      const c = t[j];
      if (c === ':' && (j + 1 >= this.n || t[j + 1] === ' ' || t[j + 1] === '\n')) break;
      j++;
    }
    const raw = t.slice(i, j).replace(/ +$/, '');
    if (raw === '' || BAD_START.has(raw[0]) || raw.length > 1024) giveUp();
    return { value: resolvePlain(raw), end: j };
  }

  /** A scalar or flow collection starting at `i` on this line (flow collections may span lines). */
  private inlineValue(i: number): { value: unknown; end: number } {
    const t = this.t;
    const c = t[i];
    if (c === '[' || c === '{') return this.flow(i, 0);
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(i);
      if (close >= this.n && (this.n === 0 || t[this.n - 1] !== c)) giveUp();
      return { value: this.quoted(i, close), end: close };
    }
    if (BAD_START.has(c) && !((c === '-' || c === '?' || c === ':') && i + 1 < this.n && t[i + 1] !== ' ' && t[i + 1] !== '\n')) giveUp();
    // A plain scalar to the line end or a comment.
    let j = i;
    while (j < this.n && t[j] !== '\n') {
      if (t[j] === '#' && t[j - 1] === ' ') break;
      if (t[j] === ':' && (j + 1 >= this.n || t[j + 1] === ' ' || t[j + 1] === '\n')) giveUp(); // a nested mapping: the library decides
      j++;
    }
    const raw = t.slice(i, j).replace(/ +$/, '');
    return { value: resolvePlain(raw), end: i + raw.length };
  }

  /** The value of the quoted scalar [i, close). */
  private quoted(i: number, close: number): string {
    const t = this.t;
    if (close >= this.n + 1 || close <= i + 1) giveUp();
    const body = t.slice(i + 1, close - 1);
    if (t[i] === "'") return body.replace(/''/g, "'");
    if (!body.includes('\\')) return body;
    return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
      switch (e[0]) {
        case 'x':
        case 'u':
        case 'U':
          if (e.length === 1) return giveUp();
          return String.fromCodePoint(parseInt(e.slice(1), 16));
        case '0':
          return '\0';
        case 'a':
          return '\x07';
        case 'b':
          return '\b';
        case 't':
          return '\t';
        case 'n':
          return '\n';
        case 'v':
          return '\v';
        case 'f':
          return '\f';
        case 'r':
          return '\r';
        case 'e':
          return '\x1b';
        case ' ':
          return ' ';
        case '"':
          return '"';
        case '/':
          return '/';
        case '\\':
          return '\\';
        case 'N':
          return '\u0085';
        case '_':
          return '\u00a0';
        case 'L':
          return '\u2028';
        case 'P':
          return '\u2029';
        default:
          return giveUp();
      }
    });
  }

  /** Past spaces, line ends and comments inside a flow collection. */
  private flowBlank(i: number): number {
    const t = this.t;
    for (;;) {
      while (i < this.n && (t[i] === ' ' || t[i] === '\n')) i++;
      if (i < this.n && t[i] === '#') {
        if (t[i - 1] !== ' ' && t[i - 1] !== '\n') giveUp();
        const e = t.indexOf('\n', i);
        i = e < 0 ? this.n : e;
        continue;
      }
      return i;
    }
  }

  /** A flow scalar inside [ ] or { }: quoted, or plain up to , ] } or ': '. */
  private flowScalar(i: number): { value: unknown; end: number } {
    const t = this.t;
    if (t[i] === '"' || t[i] === "'") {
      const close = this.quotedEnd(i);
      if (close >= this.n) giveUp();
      return { value: this.quoted(i, close), end: close };
    }
    const c = t[i];
    if (BAD_START.has(c) && !((c === '-' || c === '.') && i + 1 < this.n && /[0-9A-Za-z]/.test(t[i + 1]))) giveUp();
    let j = i;
    while (j < this.n) {
      const x = t[j];
      if (x === ',' || x === ']' || x === '}' || x === '\n' || x === '[' || x === '{') break;
      if (x === ':' && (t[j + 1] === ' ' || t[j + 1] === ',' || t[j + 1] === ']' || t[j + 1] === '}' || t[j + 1] === '\n')) break;
      if (x === '#' && t[j - 1] === ' ') break;
      j++;
    }
    if (t[j] === '\n' || t[j] === '[' || t[j] === '{') giveUp(); // a plain scalar over lines, or a collection glued to it
    const raw = t.slice(i, j).replace(/ +$/, '');
    if (raw === '') giveUp();
    return { value: resolvePlain(raw), end: i + raw.length };
  }

  private flow(i: number, depth: number): { value: unknown; end: number } {
    const t = this.t;
    const open = t[i];
    const close = open === '[' ? ']' : '}';
    if (depth > 1000) giveUp();
    if (open === '[') {
      const out: unknown[] = [];
      const offsets: number[] = [];
      let j = this.flowBlank(i + 1);
      while (t[j] !== ']') {
        if (j >= this.n) giveUp();
        const r = t[j] === '[' || t[j] === '{' ? this.flow(j, depth + 1) : this.flowScalar(j);
        const after = this.flowBlank(r.end);
        if (t[after] === ':') giveUp(); // a single-pair map inside a list
        out.push(r.value);
        offsets.push(j);
        j = after;
        if (t[j] === ',') j = this.flowBlank(j + 1);
        else if (t[j] !== ']') giveUp();
      }
      this.index.set(out, { keys: null, values: offsets, keyOffsets: null });
      return { value: out, end: j + 1 };
    }
    const out: Record<string, unknown> = {};
    const keys: string[] = [];
    const keyOffsets: number[] = [];
    const values: number[] = [];
    const keyValues: unknown[] = [];
    let j = this.flowBlank(i + 1);
    while (t[j] !== close) {
      if (j >= this.n || t[j] === '[' || t[j] === '{' || t[j] === '?') giveUp();
      const k = this.flowScalar(j);
      const kAt = j;
      const name = keyName(k.value);
      j = this.flowBlank(k.end);
      if (t[j] !== ':') giveUp(); // a key without a value: the library's business
      j = this.flowBlank(j + 1);
      let value: unknown = null;
      let vAt = j; // an empty value is placed where it would start, as the library places it
      if (t[j] !== ',' && t[j] !== '}') {
        vAt = j;
        const r = t[j] === '[' || t[j] === '{' ? this.flow(j, depth + 1) : this.flowScalar(j);
        value = r.value;
        j = this.flowBlank(r.end);
      }
      const first = this.firstOf(k.value, name, out, keys, keyValues, keyOffsets, kAt);
      if (first === undefined) {
        keys.push(name);
        keyValues.push(k.value);
        keyOffsets.push(kAt);
        values.push(vAt);
      }
      out[name] = value;
      if (t[j] === ',') j = this.flowBlank(j + 1);
      else if (t[j] !== '}') giveUp();
    }
    this.index.set(out, { keys, values, keyOffsets });
    return { value: out, end: j + 1 };
  }
}

/** Read `text` if it is in the subset; null otherwise (read it with the yaml library). */
export function readFastYaml(text: string): FastResult | null {
  return new Reader(text).read();
}
