import { LineCounter, parseDocument } from 'yaml';
import { describeValue, formatPath, ScenarioError, type SourcePosition } from '../../scenario/errors.js';
import { YamlSource, type PathElement } from '../../scenario/source.js';

/**
 * One object of a dump file, as the readers hand it over: the parsed value, where it sits (its
 * JSON path in the file, `items[3]` of a List or `[3]` of a bare array, and the line and column
 * where it starts), and how to locate a field inside it for an error message.
 *
 * The item's text is kept only while the item is being read (the readers stream: a 2 GB dump is
 * never held whole); `at` re-reads that text with positions, which costs nothing until a message
 * needs it.
 */
export class DumpItem {
  readonly value: unknown;
  readonly file: string;
  readonly path: readonly PathElement[];
  readonly line: number;
  readonly col: number;
  /** The item's own text, where it starts in the file, and the path of the item inside that text. */
  private readonly text: string;
  private readonly textLine: number;
  private readonly textCol: number;
  private readonly inner: readonly PathElement[];

  constructor(
    value: unknown,
    file: string,
    path: readonly PathElement[],
    pos: { line: number; col: number },
    text: string,
    textPos: { line: number; col: number; inner?: readonly PathElement[] },
  ) {
    this.value = value;
    this.file = file;
    this.path = path;
    this.line = pos.line;
    this.col = pos.col;
    this.text = text;
    this.textLine = textPos.line;
    this.textCol = textPos.col;
    this.inner = textPos.inner ?? [];
  }

  /** file:line:col of the field at `sub` (a path inside the item), or of its nearest ancestor. */
  at(sub: readonly PathElement[]): SourcePosition {
    const lines = new LineCounter();
    const doc = parseDocument(this.text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
    const p = new YamlSource(this.file, doc, lines).at([...this.inner, ...sub]);
    return { file: this.file, line: this.textLine + p.line - 1, col: p.line === 1 ? this.textCol + p.col - 1 : p.col };
  }

  /** The field's path in the file, for messages: `items[3].spec.containers[0].resources`. */
  pathOf(sub: readonly PathElement[]): string {
    return formatPath([...this.path, ...sub]);
  }

  /** Throw the one-line error for the field at `sub`. */
  fail(sub: readonly PathElement[], expected: string, found: unknown, opts: { atKey?: boolean; rawFound?: boolean } = {}): never {
    throw new ScenarioError(this.at(sub), this.pathOf(sub) || '(document)', expected, opts.rawFound ? String(found) : describeValue(found));
  }

  /** `file:line:col` of the item itself (kept for notes after the item's text is gone). */
  get where(): string {
    return `${this.file}:${this.line}:${this.col}`;
  }
}
