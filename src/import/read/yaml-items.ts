import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parseDocument } from 'yaml';
import { formatPath, ScenarioError } from '../../scenario/errors.js';
import { DumpItem } from './item.js';

/**
 * The objects of a YAML dump, one at a time: multi-document YAML (`---` between objects, as
 * `kwokctl snapshot save --format k8s` and most tools write it), `kubectl get ... -o yaml` Lists
 * (`items:` with one `- ` entry per object), a top-level sequence, or a single object.
 *
 * The file is read line by line; a document's `items:` block is cut into its entries at the
 * entries' own indentation (every line of an entry is indented deeper than its `- `), and each
 * entry is parsed on its own. So a List of 200,000 pods never becomes one YAML tree in memory.
 */

const CHUNK = 8 << 20;

const DOC_START = /^---(?:\s|$)/;
const DOC_END = /^\.\.\.(?:\s|$)/;
const ITEMS_KEY = /^items:\s*(?:#.*)?$/;
const EMPTY_ITEMS = /^items:\s*\[\s*\]\s*(?:#.*)?$/;
const BLANK_OR_COMMENT = /^\s*(?:#.*)?$/;

export function readYamlItems(path: string, display: string, onItem: (item: DumpItem) => void): void {
  const fd = openSync(path, 'r');
  try {
    const splitter = new YamlSplitter(display, onItem);
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let first = true;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let text = rest + decoder.write(buf.subarray(0, n));
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
        splitter.line(text.charCodeAt(nl - 1) === 13 ? text.slice(from, nl - 1) : text.slice(from, nl));
        from = nl + 1;
      }
      rest = text.slice(from);
    }
    rest += decoder.end();
    if (rest !== '') splitter.line(rest);
    splitter.end();
  } finally {
    closeSync(fd);
  }
}

/** Cuts a stream of lines into documents and List entries, parsing each as it completes. */
class YamlSplitter {
  private lineNo = 0;
  /** Lines of the current piece (a whole document, or one `items:` entry) and its first line. */
  private piece: string[] = [];
  private pieceLine = 1;
  /** 'doc': reading a document's top level; 'items': inside its `items:` block; 'seq': a top-level sequence. */
  private state: 'doc' | 'items' | 'seq' = 'doc';
  /** Indentation of the entries' `- ` in the items block (-1: not seen yet). */
  private indent = -1;
  private index = 0;
  /** The document had an `items:` block (its other keys are the List's own). */
  private isList = false;

  constructor(
    private readonly file: string,
    private readonly onItem: (item: DumpItem) => void,
  ) {}

  line(text: string): void {
    this.lineNo++;
    if (DOC_START.test(text) || DOC_END.test(text)) {
      this.endDocument();
      this.pieceLine = this.lineNo + 1;
      const after = text.slice(3).trim();
      // `--- {...}` or `--- value` puts content on the marker line itself.
      if (DOC_START.test(text) && after !== '' && !after.startsWith('#')) {
        this.piece.push(' '.repeat(3) + text.slice(3));
        this.pieceLine = this.lineNo;
      }
      return;
    }
    if (this.state === 'doc') {
      if (ITEMS_KEY.test(text)) {
        this.isList = true;
        this.state = 'items';
        this.indent = -1;
        this.index = 0;
        this.piece = [];
        return;
      }
      if (EMPTY_ITEMS.test(text)) {
        this.isList = true;
        return;
      }
      if (!this.isList && this.piece.every((l) => BLANK_OR_COMMENT.test(l)) && /^- |^-$/.test(text)) {
        // A top-level sequence of objects.
        this.state = 'seq';
        this.indent = 0;
        this.index = 0;
        this.piece = [];
        this.entryLine(text);
        return;
      }
      if (this.piece.length === 0) this.pieceLine = this.lineNo;
      if (this.isList) return; // the List's own keys (kind, metadata) after its items
      this.piece.push(text);
      return;
    }
    this.entryLine(text);
  }

  /** A line inside the entries of an `items:` block or a top-level sequence. */
  private entryLine(text: string): void {
    if (BLANK_OR_COMMENT.test(text)) {
      if (this.piece.length) this.piece.push(text);
      return;
    }
    const ind = text.length - text.trimStart().length;
    if (this.indent < 0) this.indent = ind;
    const entry = ind === this.indent && (text[ind] === '-' && (text.length === ind + 1 || text[ind + 1] === ' '));
    if (entry) {
      this.flushEntry();
      this.pieceLine = this.lineNo;
      this.piece.push(text);
      return;
    }
    if (ind <= this.indent) {
      // A key of the List itself after its items (`kind: List`, `metadata:`): the block is over.
      this.flushEntry();
      this.state = 'doc';
      return;
    }
    if (this.piece.length === 0) {
      throw new ScenarioError({ file: this.file, line: this.lineNo, col: ind + 1 }, `items[${this.index}]`, 'a list entry starting with "- "', `"${text.trim().slice(0, 40)}"`);
    }
    this.piece.push(text);
  }

  end(): void {
    this.endDocument();
  }

  private endDocument(): void {
    if (this.state !== 'doc') this.flushEntry();
    else if (!this.isList && this.piece.some((l) => !BLANK_OR_COMMENT.test(l))) this.parse(this.piece.join('\n'), this.pieceLine, []);
    this.piece = [];
    this.state = 'doc';
    this.isList = false;
  }

  private flushEntry(): void {
    if (this.piece.length === 0) return;
    const path = this.state === 'seq' ? [this.index] : ['items', this.index];
    this.parse(this.piece.join('\n'), this.pieceLine, path, true);
    this.index++;
    this.piece = [];
  }

  /** Parse one piece; `entry`: the text is one `- ` entry of a sequence (the value is its only element). */
  private parse(text: string, line: number, path: (string | number)[], entry = false): void {
    const doc = parseDocument(text, { prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      const lp = err.linePos?.[0] ?? { line: 1, col: 1 };
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ScenarioError({ file: this.file, line: line + lp.line - 1, col: lp.col }, path.length ? pathText(path) : '(document)', 'valid YAML', `a syntax error: ${msg}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const msg = (e as Error).message;
      // Each entry of a List is read on its own: an alias to an anchor set in another entry cannot be resolved (kubectl writes no anchors).
      const found = /Unresolved alias/.test(msg) ? `an alias to an anchor of another entry (${msg}): each entry of a List is read on its own; write it without YAML anchors, as kubectl does` : `a document that cannot be read (${msg})`;
      throw new ScenarioError({ file: this.file, line, col: 1 }, path.length ? pathText(path) : '(document)', 'valid YAML', found);
    }
    if (entry) value = Array.isArray(value) ? value[0] : value;
    const first = text.split('\n', 1)[0];
    const col = entry ? first.length - first.trimStart().length + 3 : 1;
    this.onItem(new DumpItem(value, this.file, path, { line, col }, text, { line, col: 1, ...(entry ? { inner: [0] } : {}) }));
  }
}

function pathText(path: (string | number)[]): string {
  return formatPath(path);
}
