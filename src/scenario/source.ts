import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Document, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Node, type YAMLError } from 'yaml';
import { describeShape, describeValue, formatPath, ScenarioError, type SourcePosition } from './errors.js';
import { readFastYaml, type FastDocument, type FastResult } from './fast-yaml.js';

export type PathElement = string | number;

/**
 * Which files a scenario may read, and how big. A path written in a scenario (include:, CSVs,
 * fault and openb traces, Kurator manifests, scheduler modules) must resolve, symlinks followed,
 * inside one of `roots`: the scenario's own folder and any folder given with --allow-read (as
 * kustomize's load restrictor keeps a kustomization inside its root), so a scenario from an
 * untrusted change cannot make a CI job read ~/.ssh or /proc. Only regular files are read, and at
 * most `maxBytes` of each (a FIFO would block, /dev/zero never ends).
 */
export interface ReadPolicy {
  /** Real paths of the folders referenced files must be in or below. */
  readonly roots: readonly string[];
  /** The largest file read, in bytes. */
  readonly maxBytes: number;
}

/** Default size cap per file read (`--max-file-size`): a 50 MB scenario fits; /dev/zero-like growth stops early. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 2 ** 20;

/** The read policy of a scenario at `scenarioFile`: its folder plus `allowRead` folders. */
export function readPolicyFor(scenarioFile: string, opts: { allowRead?: readonly string[]; maxFileBytes?: number } = {}): ReadPolicy {
  const roots = [dirname(resolve(scenarioFile)), ...(opts.allowRead ?? []).map((d) => resolve(d))].map(realOrSelf);
  return { roots: [...new Set(roots)], maxBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES };
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A size for messages: "1.5 GiB", "64 MiB", "812 bytes". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${Number(v.toFixed(1))} ${units[i]}`;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a symlink loop';
  return code ?? 'unreadable';
}

/**
 * Read a regular file as UTF-8 text, at most `maxBytes`. Returns the text, or why not (never any
 * of the file's contents). Opened non-blocking, so a named pipe cannot hang the read; sizes are
 * counted as read, since /proc files report 0.
 */
export function readTextFile(file: string, maxBytes: number): { text: string } | { problem: string } {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    return { problem: errnoText(e) };
  }
  if (!st.isFile()) return { problem: kindOf(st) };
  if (st.size > maxBytes) return { problem: `${formatBytes(st.size)}, more than the ${formatBytes(maxBytes)} limit (--max-file-size)` };
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { problem: errnoText(e) };
  }
  try {
    if (!fstatSync(fd).isFile()) return { problem: 'not a regular file' };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 65536), maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        return { problem: errnoText(e) };
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) return { problem: `more than the ${formatBytes(maxBytes)} limit (--max-file-size)` };
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    }
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
    try {
      return { text: UTF8.decode(bytes) };
    } catch {
      return { problem: 'not UTF-8 text' };
    }
  } finally {
    closeSync(fd);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The real path of `abs` if it is in or below one of `roots`, else why not. */
export function checkInside(abs: string, roots: readonly string[]): { real: string } | { problem: string } {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    return { problem: errnoText(e) };
  }
  for (const r of roots) if (real === r || real.startsWith(r.endsWith(sep) ? r : r + sep)) return { real };
  return { problem: `not in or below ${roots[0]}; --allow-read <folder> allows another` };
}

/**
 * One YAML document with the positions of its nodes kept, so that any field path can be
 * turned back into file:line:col for an error message.
 */
export class YamlSource {
  readonly file: string;
  /** The files this document may refer to (those of the scenario it belongs to). */
  readonly policy: ReadPolicy;
  private readonly lines: LineCounter;
  private parsed: Document.Parsed | null;
  /**
   * A large file read by the fast reader (fast-yaml.ts): the document as written (whose objects
   * key the position index), its value now (`root`: variants may have set fields), and its text,
   * from which the yaml library's Document is made only if someone asks for it.
   */
  private readonly fast: { readonly text: string; readonly index: number; readonly doc: FastDocument; readonly root: unknown } | null;

  /** Paths whose values were set by a variant, with where the variant wrote them. */
  private readonly overridden: { path: PathElement[]; pos: SourcePosition }[] = [];

  constructor(file: string, doc: Document.Parsed | null, lines: LineCounter, policy: ReadPolicy, fast: YamlSource['fast'] = null) {
    this.file = file;
    this.parsed = doc;
    this.lines = lines;
    this.policy = policy;
    this.fast = fast;
  }

  /** The yaml library's Document (for a large file read fast, parsed now: slow, and only the few callers that edit YAML need it). */
  get doc(): Document.Parsed {
    if (this.parsed === null) {
      const f = this.fast!;
      const docs = parseAllDocuments(f.text, { prettyErrors: false, uniqueKeys: false, strict: true });
      const list = (Array.isArray(docs) ? docs : []).filter((d) => d.contents !== null || (Array.isArray(docs) && docs.length === 1));
      this.parsed = list[f.index];
      if (this.overridden.length > 0) this.parsed = this.parsed.clone() as Document.Parsed;
      // The values variants set, in the Document too.
      for (const o of this.overridden) this.parsed.setIn(o.path, this.parsed.createNode(getPath(f.root, o.path)));
    }
    return this.parsed;
  }

  /**
   * A copy of this document with `path` set to `value` (a variant's `set:` entry); positions at or
   * under `path` report `pos`, where the variant wrote the value.
   */
  withOverride(path: PathElement[], value: unknown, pos: SourcePosition): YamlSource {
    let out: YamlSource;
    if (this.fast && this.parsed === null) {
      const root = structuredClone(this.fast.root);
      out = new YamlSource(this.file, null, this.lines, this.policy, { ...this.fast, root: setPath(root, path, structuredClone(value)) });
    } else {
      const doc = this.doc.clone() as Document.Parsed;
      doc.setIn(path, doc.createNode(value));
      out = new YamlSource(this.file, doc, this.lines, this.policy);
    }
    out.overridden.push(...this.overridden, { path, pos });
    return out;
  }

  /**
   * A copy of this document without its top-level `key` (positions kept): the base each variant's
   * `set:` applies to, so that a thousand variants do not each copy the variants block.
   */
  withoutKey(key: string): YamlSource {
    let out: YamlSource;
    if (this.fast && this.parsed === null) {
      const root = this.fast.root;
      if (root === null || typeof root !== 'object' || Array.isArray(root)) return this;
      const { [key]: _, ...rest } = root as Record<string, unknown>;
      out = new YamlSource(this.file, null, this.lines, this.policy, { ...this.fast, root: rest });
    } else {
      const doc = this.doc.clone() as Document.Parsed;
      if (isMap(doc.contents)) doc.delete(key);
      out = new YamlSource(this.file, doc, this.lines, this.policy);
    }
    out.overridden.push(...this.overridden);
    return out;
  }

  private overrideAt(path: readonly PathElement[]): SourcePosition | null {
    for (let i = this.overridden.length - 1; i >= 0; i--) {
      const o = this.overridden[i];
      if (o.path.length <= path.length && o.path.every((p, k) => String(p) === String(path[k]))) return o.pos;
    }
    return null;
  }

  /**
   * The plain JS value of the document (maps → objects, seqs → arrays). Treat it as read-only: a
   * large file's value is shared by every call (copying 50 MB of objects takes seconds).
   */
  value(): unknown {
    if (this.fast && this.parsed === null) return this.fast.root;
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

  /** Does the document have a value at `path`? */
  has(path: readonly PathElement[]): boolean {
    if (this.fast && this.parsed === null) {
      let cur = this.fast.root;
      for (const p of path) {
        if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, String(p))) return false;
        cur = (cur as Record<string, unknown>)[String(p)];
      }
      return true;
    }
    return this.nodeAt(path).complete;
  }

  /**
   * Offsets of the value (and key) at `path` in a fast-read document, or of its nearest existing
   * ancestor: the index is of the document as written, so positions stay those of the file.
   */
  private fastOffsets(path: readonly PathElement[]): { value: number; key: number } {
    const d = this.fast!.doc;
    let cur = d.root;
    let value = d.rootOffset;
    let key = d.rootOffset;
    for (const p of path) {
      const e = cur !== null && typeof cur === 'object' ? d.index.get(cur) : undefined;
      if (!e) break;
      const i = e.keys ? e.keys.indexOf(String(p)) : typeof p === 'number' && p < e.values.length ? p : -1;
      if (i < 0) break;
      value = e.values[i];
      key = e.keyOffsets ? e.keyOffsets[i] : value;
      cur = (cur as Record<string, unknown>)[e.keys ? e.keys[i] : i];
    }
    return { value, key };
  }

  private positionOfOffset(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** file:line:col of the value at `path` (or of its nearest existing ancestor). */
  at(path: readonly PathElement[]): SourcePosition {
    const o = this.overrideAt(path);
    if (o) return o;
    if (this.fast) return this.positionOfOffset(this.fastOffsets(path).value);
    return this.positionOf(this.nodeAt(path).node);
  }

  /** file:line:col of the key of the value at `path` (for "unknown field" errors). */
  keyAt(path: readonly PathElement[]): SourcePosition {
    const o = this.overrideAt(path);
    if (o) return o;
    if (this.fast) return this.positionOfOffset(this.fastOffsets(path).key);
    const r = this.nodeAt(path);
    return this.positionOf(r.key ?? r.node);
  }

  /** Throw a ScenarioError located at `path`. */
  fail(path: readonly PathElement[], expected: string, found: unknown, opts: { atKey?: boolean; rawFound?: boolean } = {}): never {
    const pos = opts.atKey ? this.keyAt(path) : this.at(path);
    // A whole document of the wrong shape is not yet known to be a scenario or a manifest: say
    // what it is, never what it holds (it may be any file a path pointed at).
    const text = opts.rawFound ? String(found) : path.length === 0 ? describeShape(found) : describeValue(found);
    throw new ScenarioError(pos, formatPath(path), expected, text);
  }

  /**
   * The absolute path of a file this document refers to at `path` (`ref`, relative to `baseDir`),
   * checked against the read policy: it exists, is a regular file, and lies inside the allowed
   * folders. For files loaded by other means (scheduler modules); `readInput` also reads it.
   */
  inputPath(path: readonly PathElement[], ref: string, baseDir: string, expected: string): string {
    const abs = resolve(baseDir, ref);
    const inside = checkInside(abs, this.policy.roots);
    if ('problem' in inside) this.fail(path, expected, `"${ref}" (${inside.problem})`, { rawFound: true });
    let st: Stats;
    try {
      st = statSync(inside.real);
    } catch (e) {
      return this.fail(path, expected, `"${ref}" (${errnoText(e)})`, { rawFound: true });
    }
    if (!st.isFile()) this.fail(path, expected, `"${ref}" (${kindOf(st)})`, { rawFound: true });
    if (st.size > this.policy.maxBytes) this.fail(path, expected, `"${ref}" (${formatBytes(st.size)}, more than the ${formatBytes(this.policy.maxBytes)} limit (--max-file-size))`, { rawFound: true });
    return abs;
  }

  /** Read a file this document refers to at `path` (see inputPath); problems are located at `path`. */
  readInput(path: readonly PathElement[], ref: string, baseDir: string, expected: string): { file: string; display: string; text: string } {
    const file = this.inputPath(path, ref, baseDir, expected);
    const r = readTextFile(file, this.policy.maxBytes);
    if ('problem' in r) this.fail(path, expected, `"${ref}" (${r.problem})`, { rawFound: true });
    return { file, display: displayPath(file), text: r.text };
  }

  /** Read and parse a YAML file this document refers to; its documents share this one's read policy. */
  readYamlInput(path: readonly PathElement[], ref: string, baseDir: string, expected: string): YamlSource[] {
    const f = this.readInput(path, ref, baseDir, expected);
    return parseYamlText(f.text, f.display, this.policy);
  }
}

/**
 * Read and parse a (multi-document) YAML file named on the command line (a scenario, a suite): a
 * regular file within the size cap; a syntax error is a located ScenarioError. The files it refers
 * to are read under `policy` (default: its own folder).
 */
export function readYamlFile(file: string, displayName = file, policy: ReadPolicy = readPolicyFor(file)): YamlSource[] {
  const r = readTextFile(file, policy.maxBytes);
  if ('problem' in r) throw new ScenarioError({ file: displayName, line: 1, col: 1 }, '', 'a readable YAML file', r.problem === 'no such file' ? 'no such file' : r.problem);
  return parseYamlText(r.text, displayName, policy);
}

/**
 * Read and parse a YAML file found under a folder the scenario named (a source's checkout, a
 * chart's rendered manifests): it too must be, symlinks followed, inside the read policy's
 * folders, a regular file within the size cap. A file that is not is a located error at its own
 * first line.
 */
export function readYamlInside(file: string, policy: ReadPolicy): YamlSource[] {
  const display = displayPath(file);
  const inside = checkInside(file, policy.roots);
  if ('problem' in inside) throw new ScenarioError({ file: display, line: 1, col: 1 }, '', 'a file in or below the scenario\'s folder (or one given with --allow-read)', inside.problem);
  return readYamlFile(file, display, policy);
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

/**
 * Parse YAML text (one or more documents). Files it refers to are read under `policy` (default:
 * the working directory's folder). Keys must be unique in each map, as with the yaml library's
 * `uniqueKeys`, checked here in one pass (the library compares every key with every earlier one:
 * 40,000 keys took 10 s).
 */
export function parseYamlText(text: string, displayName: string, policy: ReadPolicy = readPolicyFor(resolve(displayName))): YamlSource[] {
  if (text.length >= FAST_YAML_BYTES) {
    const fast = readFastYaml(text);
    if (fast) return fastSources(text, fast, displayName, policy);
  }
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: true });
    // An EmptyStream (a file with no documents at all) is not an array.
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    throw new ScenarioError({ file: displayName, line: 1, col: 1 }, '', 'valid YAML', `a parse failure (${(e as Error).message})`);
  }
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      const { line, col } = lines.linePos(err.pos[0]);
      throw new ScenarioError({ file: displayName, line, col }, '', 'valid YAML', `a syntax error: ${syntaxMessage(err)}`);
    }
  }
  const sources = docs.map((d) => new YamlSource(displayName, d, lines, policy)).filter((s) => s.doc.contents !== null || docs.length === 1);
  for (const s of sources) checkUniqueKeys(s);
  return sources;
}

/**
 * Texts this long are read by the fast reader when they are in its subset (fast-yaml.ts); shorter
 * ones, and anything outside the subset, by the yaml library. 1 MB takes the library about a
 * second; the fast reader, some 20 ms.
 */
export const FAST_YAML_BYTES = 2 ** 20;

/** The documents the fast reader read, as YamlSources (a repeated key: the same error the library path gives). */
function fastSources(text: string, fast: FastResult, displayName: string, policy: ReadPolicy): YamlSource[] {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  const at = (offset: number): SourcePosition => ({ file: displayName, ...lines.linePos(offset) });
  if (fast.duplicate) {
    const d = fast.duplicate;
    const path = fast.docs.map((doc) => keyPath(doc, d.firstOffset)).find((p) => p !== null) ?? [];
    throw new ScenarioError(at(d.offset), formatPath(path), `a key used once in its map (it is first at line ${at(d.firstOffset).line})`, `${describeValue(d.key)} again`);
  }
  const docs = fast.docs.filter((d) => d.root !== null || fast.docs.length === 1);
  return docs.map((d, index) => new YamlSource(displayName, null, lines, policy, { text, index, doc: d, root: d.root }));
}

/** The path of the key written at `offset` in a fast-read document, or null (only for an error: a walk of the whole index). */
function keyPath(doc: FastDocument, offset: number): PathElement[] | null {
  const stack: { v: unknown; path: PathElement[] }[] = [{ v: doc.root, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    const e = v !== null && typeof v === 'object' ? doc.index.get(v) : undefined;
    if (!e) continue;
    if (e.keys) {
      const k = e.keyOffsets!.indexOf(offset);
      if (k >= 0) return [...path, e.keys[k]];
      e.keys.forEach((key) => stack.push({ v: (v as Record<string, unknown>)[key], path: [...path, key] }));
    } else {
      (v as unknown[]).forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    }
  }
  return null;
}

/** The value at `path` in a plain value (undefined when absent). */
function getPath(root: unknown, path: readonly PathElement[]): unknown {
  let cur = root;
  for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[String(p)] : undefined;
  return cur;
}

/** `root` with `path` set to `value`, missing maps on the way added (as the yaml library's setIn does). */
function setPath(root: unknown, path: readonly PathElement[], value: unknown): unknown {
  if (path.length === 0) return value;
  const base = (root !== null && typeof root === 'object' ? root : {}) as Record<string, unknown>;
  let cur = base;
  for (const p of path.slice(0, -1)) {
    const next = cur[String(p)];
    if (next === null || typeof next !== 'object') cur[String(p)] = {};
    cur = cur[String(p)] as Record<string, unknown>;
  }
  cur[String(path[path.length - 1])] = value;
  return base;
}

/**
 * The yaml library's message for a syntax error, without the source text some messages quote
 * ("Unresolved tag: <tag>", "Not a YAML token: <text>"): the file may be anything a path pointed at.
 */
function syntaxMessage(err: YAMLError): string {
  const first = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const colon = first.indexOf(': ');
  return colon >= 0 ? first.slice(0, colon) : first;
}

/**
 * Every map's keys are unique (scalar keys compared by value, as the library's default
 * `uniqueKeys` does: 1 and "1" differ). Linear: one Map per YAML map. Walks with an explicit
 * stack, so a deeply nested document cannot overflow the call stack here.
 */
function checkUniqueKeys(src: YamlSource): void {
  const stack: { node: unknown; path: PathElement[] }[] = [{ node: src.doc.contents, path: [] }];
  // The first repeated key in the file is reported, whichever map the walk reaches first.
  let earliest: { key: Node; first: Node; path: PathElement[] } | null = null;
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isMap(node)) {
      const seen = new Map<unknown, Node>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !(typeof key.value === 'number' && Number.isNaN(key.value))) {
          const first = seen.get(key.value);
          if (first === undefined) seen.set(key.value, key);
          else if (!earliest || (key.range?.[0] ?? 0) < (earliest.key.range?.[0] ?? 0)) earliest = { key, first, path: [...path, String(key.value)] };
        }
        if (isCollection(pair.value)) stack.push({ node: pair.value, path: [...path, isScalar(key) ? String(key.value) : '?'] });
        if (isCollection(key)) stack.push({ node: key, path });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (isCollection(item)) stack.push({ node: item, path: [...path, i] });
      });
    }
  }
  if (earliest) {
    const value = (earliest.key as { value?: unknown }).value;
    throw new ScenarioError(src.positionOf(earliest.key), formatPath(earliest.path), `a key used once in its map (it is first at line ${src.positionOf(earliest.first).line})`, `${describeValue(value)} again`);
  }
}

/** A file's name as messages show it: relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
