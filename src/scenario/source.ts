import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Node } from 'yaml';
import { describeValue, formatPath, ScenarioError, type SourcePosition } from './errors.js';

export type PathElement = string | number;

/**
 * One YAML document with the positions of its nodes kept, so that any field path can be
 * turned back into file:line:col for an error message.
 */
export class YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  /** Paths whose values were set by a variant, with where the variant wrote them. */
  private readonly overridden: { path: PathElement[]; pos: SourcePosition }[] = [];

  constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  /**
   * A copy of this document with `path` set to `value` (a variant's `set:` entry); positions at or
   * under `path` report `pos`, where the variant wrote the value.
   */
  withOverride(path: PathElement[], value: unknown, pos: SourcePosition): YamlSource {
    const doc = this.doc.clone() as Document.Parsed;
    doc.setIn(path, doc.createNode(value));
    const out = new YamlSource(this.file, doc, this.lines);
    out.overridden.push(...this.overridden, { path, pos });
    return out;
  }

  private overrideAt(path: readonly PathElement[]): SourcePosition | null {
    for (let i = this.overridden.length - 1; i >= 0; i--) {
      const o = this.overridden[i];
      if (o.path.length <= path.length && o.path.every((p, k) => String(p) === String(path[k]))) return o.pos;
    }
    return null;
  }

  /** The plain JS value of the document (maps → objects, seqs → arrays). */
  value(): unknown {
    this.checkKeys();
    try {
      return this.doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      // e.g. an alias to an anchor that is never set, or an alias bomb.
      throw new ScenarioError(this.positionOf(null), '', 'valid YAML', `a document that cannot be read (${(e as Error).message})`);
    }
  }

  private keysChecked = false;

  /**
   * A map or list used as a key has no JSON value (the YAML library would stringify it, with a
   * warning on stderr): it is almost always a template placeholder, `{{ .Values.x }}` read as
   * YAML. One located error instead.
   */
  private checkKeys(): void {
    if (this.keysChecked) return;
    this.keysChecked = true;
    let bad: { node: Node; path: PathElement[] } | null = null;
    visit(this.doc, {
      Pair: (_key, pair, ancestors) => {
        // Only a collection is a bad key: keys set in code (a variant's set:, a kustomize transform) are plain strings.
        if (!isMap(pair.key) && !isSeq(pair.key)) return undefined;
        const path: PathElement[] = [];
        const chain = [...ancestors, pair];
        chain.forEach((a, i) => {
          const next = chain[i + 1];
          if (isPair(a) && isScalar(a.key)) path.push(String(a.key.value));
          else if (isSeq(a) && next) path.push(a.items.indexOf(next as never));
        });
        bad = { node: pair.key as Node, path: path.filter((p) => p !== -1) };
        return visit.BREAK;
      },
    });
    if (!bad) return;
    const b: { node: Node; path: PathElement[] } = bad;
    throw new ScenarioError(
      this.positionOf(b.node),
      formatPath(b.path),
      'plain YAML, as kubectl apply takes it',
      'a map used as a key, as a {{ ... }} template placeholder reads: render the template first (helm template, kustomize build)',
    );
  }

  /** Position of a node's first character. */
  positionOf(node: Node | null | undefined): SourcePosition {
    const offset = node?.range?.[0] ?? this.doc.contents?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** The node at a path, or the deepest existing ancestor when the path runs past the document. */
  nodeAt(path: readonly PathElement[]): { node: Node | null; key: Node | null; complete: boolean } {
    let node: Node | null = (this.doc.contents as Node | null) ?? null;
    let key: Node | null = null;
    for (const p of path) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(p));
        if (!pair) return { node, key, complete: false };
        key = (pair.key as Node) ?? null;
        node = (pair.value as Node) ?? null;
        if (node === null) return { node: key, key, complete: true };
      } else if (isSeq(node) && typeof p === 'number' && p < node.items.length) {
        key = null;
        node = node.items[p] as Node;
      } else {
        return { node, key, complete: false };
      }
    }
    return { node, key, complete: true };
  }

  /** file:line:col of the value at `path` (or of its nearest existing ancestor). */
  at(path: readonly PathElement[]): SourcePosition {
    return this.overrideAt(path) ?? this.positionOf(this.nodeAt(path).node);
  }

  /** file:line:col of the key of the value at `path` (for "unknown field" errors). */
  keyAt(path: readonly PathElement[]): SourcePosition {
    const o = this.overrideAt(path);
    if (o) return o;
    const r = this.nodeAt(path);
    return this.positionOf(r.key ?? r.node);
  }

  /** Throw a ScenarioError located at `path`. */
  fail(path: readonly PathElement[], expected: string, found: unknown, opts: { atKey?: boolean; rawFound?: boolean } = {}): never {
    const pos = opts.atKey ? this.keyAt(path) : this.at(path);
    throw new ScenarioError(pos, formatPath(path), expected, opts.rawFound ? String(found) : describeValue(found));
  }
}

/** Read and parse a (multi-document) YAML file; a syntax error is a located ScenarioError. */
export function readYamlFile(file: string, displayName = file): YamlSource[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError({ file: displayName, line: 1, col: 1 }, '', 'a readable YAML file', code === 'ENOENT' ? 'no such file' : `an unreadable file (${code ?? (e as Error).message})`);
  }
  return parseYamlText(text, displayName);
}

/** What a path names: a regular file, a folder, or nothing fleetsim can read. */
export function pathKind(path: string): 'file' | 'dir' | 'missing' {
  try {
    const st = statSync(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'missing';
  } catch {
    return 'missing';
  }
}

/**
 * A folder's entries in byte order of their names (the order of Go's filepath.Walk, which Flux
 * and Helm use), each a file or a folder; anything else (sockets, broken links) is left out.
 */
export function listDir(dir: string): { name: string; kind: 'file' | 'dir' }[] {
  const names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: { name: string; kind: 'file' | 'dir' }[] = [];
  for (const name of names) {
    const kind = pathKind(`${dir}/${name}`);
    if (kind !== 'missing') out.push({ name, kind });
  }
  return out;
}

/** Parse YAML text (one or more documents). */
export function parseYamlText(text: string, displayName: string): YamlSource[] {
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
    docs = Array.isArray(parsed) ? parsed : [];
    if (!Array.isArray(parsed)) {
      // An EmptyStream: a file with no documents at all.
      docs = [];
    }
  } catch (e) {
    throw new ScenarioError({ file: displayName, line: 1, col: 1 }, '', 'valid YAML', `a parse failure (${(e as Error).message})`);
  }
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      const { line, col } = lines.linePos(err.pos[0]);
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ScenarioError({ file: displayName, line, col }, '', 'valid YAML', `a syntax error: ${msg}`);
    }
  }
  return docs.map((d) => new YamlSource(displayName, d, lines)).filter((s) => s.doc.contents !== null || docs.length === 1);
}

/** A file's name as messages show it: relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
