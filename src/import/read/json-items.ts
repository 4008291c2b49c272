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
const COLON = 0x3a;
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
  private line = 1;
  /** File offset of the first byte of the current line. */
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
    let escaped = false;
    /** 'array': a bare top-level array; 'list': the top object's `items`; 'object': a single object. */
    let mode: 'array' | 'list' | 'object' | null = null;
    /** Depth of the array whose elements are the items (1 for a bare array, 2 for items). */
    let itemDepth = -1;
    /** Between the items array's brackets. */
    let inItems = false;
    let index = 0;
    /** Start of the element being read (file offset), or -1. */
    let start = -1;
    let startLine = 0;
    let startCol = 0;
    /** Inside the top object: the key just read at depth 1, and whether a key is expected. */
    let key = '';
    let keyStart = -1;
    let expectKey = false;
    let topDone = false;
    let pos = 0; // file offset of the next byte to look at

    for (;;) {
      if (pos >= this.base + this.len) {
        if (this.eof) break;
        this.fill(start >= 0 ? start : keyStart >= 0 ? keyStart : pos);
        if (pos >= this.base + this.len) break;
      }
      const b = this.buf[pos - this.base];
      if (pos === 0 && b === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) {
        pos = 3; // a UTF-8 byte-order mark
        continue;
      }
      if (b === NL) {
        this.line++;
        this.lineStart = pos + 1;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          if (keyStart >= 0) {
            key = this.buf.toString('utf8', keyStart + 1 - this.base, pos - this.base);
            keyStart = -1;
          }
        }
        pos++;
        continue;
      }
      if (isSpace(b)) {
        pos++;
        continue;
      }
      if (topDone) this.failAt(pos, [], 'the end of the file after the JSON value', `"${String.fromCharCode(b)}"`);
      if (depth === 0) {
        if (b === LBRACKET) {
          mode = 'array';
          itemDepth = 1;
          inItems = true;
        } else if (b === LBRACE) {
          // A single object until an `items` array shows otherwise: keep it from its first byte.
          mode = 'object';
          start = pos;
          startLine = this.line;
          startCol = pos - this.lineStart + 1;
          expectKey = true;
        } else {
          this.failAt(pos, [], 'a JSON object or array (a kubectl List, an array of objects, or one object)', `"${String.fromCharCode(b)}"`);
        }
        depth = 1;
        pos++;
        continue;
      }
      // An element begins: its first byte at the items' depth, not a separator.
      if (inItems && depth === itemDepth && start < 0 && b !== COMMA && b !== RBRACKET) {
        start = pos;
        startLine = this.line;
        startCol = pos - this.lineStart + 1;
      }
      switch (b) {
        case QUOTE:
          inString = true;
          if (depth === 1 && mode === 'object' && expectKey) {
            keyStart = pos;
            expectKey = false;
          }
          break;
        case COLON:
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
            if (start >= 0) this.emit(start, pos, startLine, startCol, mode === 'array' ? [index++] : ['items', index++]);
            start = -1;
            inItems = false;
          }
          depth--;
          if (depth === 0) {
            if (mode === 'object') this.emit(start, pos + 1, startLine, startCol, []);
            start = -1;
            topDone = true;
          }
          break;
        case COMMA:
          if (inItems && depth === itemDepth && start >= 0) {
            this.emit(start, pos, startLine, startCol, mode === 'array' ? [index] : ['items', index]);
            index++;
            start = -1;
          }
          if (depth === 1 && mode !== 'array') expectKey = true;
          break;
        default:
          break;
      }
      pos++;
    }
    if (!topDone) {
      const where: PathElement[] = start >= 0 && mode !== 'object' ? (mode === 'array' ? [index] : ['items', index]) : [];
      if (mode === null) throw new ScenarioError({ file: this.file, line: this.line, col: pos - this.lineStart + 1 }, '(document)', 'a JSON object or array', 'an empty file');
      this.failAt(pos, where, 'the rest of the JSON value (the file ends inside it: truncated?)', 'the end of the file');
    }
  }

  /** Read more of the file, keeping the bytes from `keepFrom` (a file offset) on. */
  private fill(keepFrom: number): void {
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

  private emit(from: number, to: number, line: number, col: number, path: PathElement[]): void {
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
    throw new ScenarioError({ file: this.file, line: this.line, col: pos - this.lineStart + 1 }, pathText(path), expected, found);
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
