import { closeSync, openSync, readSync } from 'node:fs';
import { formatPath, ScenarioError } from '../../scenario/errors.js';
import type { PathElement } from '../../scenario/source.js';
import { DumpItem } from './item.js';

/**
 * The objects of a JSON dump, one at a time, without holding the file's text: a `List` (`kubectl
 * get ... -o json`: `{"apiVersion": "v1", "items": [...], "kind": "List"}`), a bare array (old
 * Sonobuoy archives), or a single object.
 *
 * A byte scanner finds where each element of the top-level array (or of the top-level object's
 * `items` array) begins and ends, tracking strings, escapes and nesting, and counting lines as it
 * goes; each element's bytes are then decoded and given to `JSON.parse`, V8's native parser.
 * Memory: one read chunk plus the element being read. A single object (no `items` array) is kept
 * whole until it ends, as it must be.
 *
 * Why not a streaming JSON library: the ones on npm emit a token at a time through JavaScript
 * callbacks and build objects in JavaScript, several times slower than this split + native parse
 * (bench/import.ts), and none reports a truncated file as file:line:col with the element's path.
 */

const CHUNK = 8 << 20;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const NL = 0x0a;

const isSpace = (b: number): boolean => b === 0x20 || b === NL || b === 0x0d || b === 0x09;

/** Does this text look like JSON (its first non-space character opens an object or array)? */
export function looksLikeJson(head: string): boolean {
  const t = head.replace(/^\uFEFF/, '').trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

/**
 * Read a JSON dump file, calling `onItem` for each object in file order. `display` names the file
 * in messages. A syntax error or a truncated file throws a located ScenarioError.
 */
export function readJsonItems(path: string, display: string, onItem: (item: DumpItem) => void): void {
  const fd = openSync(path, 'r');
  try {
    new JsonScanner(fd, display, onItem).run();
  } finally {
    closeSync(fd);
  }
}

class JsonScanner {
  private buf = Buffer.allocUnsafe(CHUNK);
  /** File offset of buf[0], and how many bytes of buf are filled. */
  private base = 0;
  private len = 0;
  private eof = false;
  /** Lines are counted lazily (natively, with indexOf) up to `counted`: the line there and where it starts. */
  private counted = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly fd: number,
    private readonly file: string,
    private readonly onItem: (item: DumpItem) => void,
  ) {}

  run(): void {
    // State of the structure around the elements.
    let depth = 0;
    let inString = false;
    /** 'array': a bare top-level array; 'list': the top object's `items`; 'object': a single object. */
    let mode: 'array' | 'list' | 'object' | null = null;
    /** Depth of the array whose elements are the items (1 for a bare array, 2 for items). */
    let itemDepth = -1;
    /** Between the items array's brackets. */
    let inItems = false;
    let index = 0;
    /** Start of the element being read (file offset), or -1. */
    let start = -1;
    /** Inside the top object: the key just read at depth 1, where it started, and whether a key is expected. */
    let key = '';
    let keyStart = -1;
    let expectKey = false;
    let topDone = false;
    /** Where the string being scanned resumes (after its opening quote or an escaped quote). */
    let pos = 0; // file offset of the next byte to look at

    for (;;) {
      if (pos >= this.base + this.len) {
        if (this.eof) break;
        this.fill(start >= 0 ? start : keyStart >= 0 ? keyStart : pos);
        if (pos >= this.base + this.len) break;
      }
      const buf = this.buf;
      const base = this.base;
      const end = this.len;
      let i = pos - base;
      if (pos === 0 && end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3; // a UTF-8 byte-order mark
      while (i < end) {
        if (inString) {
          // Most bytes of a dump are inside strings: find the closing quote natively. A quote
          // preceded by an odd run of backslashes is escaped. (JSON strings hold no raw newline.)
          const q = buf.indexOf(QUOTE, i);
          if (q < 0 || q >= end) {
            i = end;
            break;
          }
          let n = 0;
          for (let b = q - 1; b >= 0 && buf[b] === BACKSLASH; b--) n++;
          i = q + 1;
          if (n % 2 === 1) continue;
          inString = false;
          if (keyStart >= 0) {
            key = buf.toString('utf8', keyStart + 1 - base, q);
            keyStart = -1;
          }
          continue;
        }
        const b = buf[i];
        if (isSpace(b)) {
          i++;
          continue;
        }
        const at = base + i;
        if (topDone) this.failAt(at, [], 'the end of the file after the JSON value', `"${String.fromCharCode(b)}"`);
        if (depth === 0) {
          if (b === LBRACKET) {
            mode = 'array';
            itemDepth = 1;
            inItems = true;
          } else if (b === LBRACE) {
            // A single object until an `items` array shows otherwise: keep it from its first byte.
            mode = 'object';
            start = at;
            expectKey = true;
          } else {
            this.failAt(at, [], 'a JSON object or array (a kubectl List, an array of objects, or one object)', `"${String.fromCharCode(b)}"`);
          }
          depth = 1;
          i++;
          continue;
        }
        // An element begins: its first byte at the items' depth, not a separator.
        if (inItems && depth === itemDepth && start < 0 && b !== COMMA && b !== RBRACKET) start = at;
        switch (b) {
          case QUOTE:
            inString = true;
            if (depth === 1 && mode === 'object' && expectKey) {
              keyStart = at;
              expectKey = false;
            }
            break;
          case LBRACE:
          case LBRACKET:
            if (depth === 1 && mode === 'object' && key === 'items' && b === LBRACKET) {
              // A List: drop the object kept so far and stream the items.
              mode = 'list';
              itemDepth = 2;
              inItems = true;
              start = -1;
            }
            depth++;
            break;
          case RBRACE:
          case RBRACKET:
            if (inItems && depth === itemDepth) {
              if (start >= 0) this.emit(start, at, mode === 'array' ? [index++] : ['items', index++]);
              start = -1;
              inItems = false;
            }
            depth--;
            if (depth === 0) {
              if (mode === 'object') this.emit(start, at + 1, []);
              start = -1;
              topDone = true;
            }
            break;
          case COMMA:
            if (inItems && depth === itemDepth && start >= 0) {
              this.emit(start, at, mode === 'array' ? [index++] : ['items', index++]);
              start = -1;
            }
            if (depth === 1 && mode !== 'array') expectKey = true;
            break;
          default:
            break;
        }
        i++;
      }
      pos = base + i;
      // A string cut by the chunk's end is scanned again from its start after the refill (its bytes
      // are kept: inside an item with the item, a key of the top object with keyStart).
      if (inString && pos >= base + end && !this.eof) pos = this.resumeString(pos, start, keyStart);
    }
    if (!topDone) {
      const where: PathElement[] = start >= 0 && mode !== 'object' ? (mode === 'array' ? [index] : ['items', index]) : [];
      if (mode === null) throw new ScenarioError({ file: this.file, ...this.position(pos) }, '(document)', 'a JSON object or array', 'an empty file');
      this.failAt(pos, where, 'the rest of the JSON value (the file ends inside it: truncated?)', 'the end of the file');
    }
  }

  /**
   * Where to look again for a string's closing quote after a refill: its last unscanned quote may
   * sit behind a run of backslashes split by the chunk's end, so back up over the trailing
   * backslashes (they are kept: they belong to the item or key being read).
   */
  private resumeString(pos: number, start: number, keyStart: number): number {
    let p = pos;
    const keep = start >= 0 ? start : keyStart >= 0 ? keyStart : pos;
    while (p > keep && p - 1 >= this.base && this.buf[p - 1 - this.base] === BACKSLASH) p--;
    return p;
  }

  /** Read more of the file, keeping the bytes from `keepFrom` (a file offset) on. */
  private fill(keepFrom: number): void {
    this.countLines(Math.min(keepFrom, this.base + this.len));
    const keep = Math.max(0, this.base + this.len - keepFrom);
    if (keep > 0) {
      if (keep > this.buf.length / 2) {
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, keepFrom - this.base, this.base + this.len);
        this.buf = bigger;
      } else {
        this.buf.copy(this.buf, 0, keepFrom - this.base, this.base + this.len);
      }
    }
    this.base = keep > 0 ? keepFrom : this.base + this.len;
    this.len = keep;
    const n = readSync(this.fd, this.buf, keep, this.buf.length - keep, null);
    if (n === 0) this.eof = true;
    this.len += n;
  }

  /** Count the newlines up to file offset `to` (bytes still in the buffer). */
  private countLines(to: number): void {
    if (to <= this.counted) return;
    const buf = this.buf;
    let i = Math.max(this.counted, this.base) - this.base;
    const stop = to - this.base;
    for (let nl = buf.indexOf(NL, i); nl >= 0 && nl < stop; nl = buf.indexOf(NL, i)) {
      this.line++;
      this.lineStart = this.base + nl + 1;
      i = nl + 1;
    }
    this.counted = to;
  }

  /** Line and column (1-based, in bytes) of a file offset at or after the last one asked. */
  private position(offset: number): { line: number; col: number } {
    this.countLines(offset);
    return { line: this.line, col: offset - this.lineStart + 1 };
  }

  private emit(from: number, to: number, path: PathElement[]): void {
    const { line, col } = this.position(from);
    let end = to;
    while (end > from && isSpace(this.buf[end - 1 - this.base])) end--;
    const text = this.buf.toString('utf8', from - this.base, end - this.base);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const at = jsonErrorOffset((e as Error).message, text);
      const { line: l, col: c } = offsetPosition(text, at);
      throw new ScenarioError(
        { file: this.file, line: line + l - 1, col: l === 1 ? col + c - 1 : c },
        pathText(path),
        'valid JSON',
        `a syntax error: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')}`,
      );
    }
    this.onItem(new DumpItem(value, this.file, path, { line, col }, text, { line, col }));
  }

  private failAt(pos: number, path: PathElement[], expected: string, found: string): never {
    throw new ScenarioError({ file: this.file, ...this.position(pos) }, pathText(path), expected, found);
  }
}

function pathText(path: PathElement[]): string {
  return path.length === 0 ? '(document)' : formatPath(path);
}

/** Where JSON.parse stopped, from its message ("... at position 123 ..."), else the end. */
function jsonErrorOffset(message: string, text: string): number {
  const m = /position (\d+)/.exec(message);
  return m ? Number(m[1]) : text.length;
}

/** 1-based line and column of a character offset in a text. */
export function offsetPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}
