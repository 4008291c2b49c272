import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDumpFile, type DumpItem } from '../../src/import/read/objects.js';
import { ScenarioError } from '../../src/scenario/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetsim-readers-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function items(path: string): DumpItem[] {
  const out: DumpItem[] = [];
  readDumpFile(path, path.slice(dir.length + 1), (i) => out.push(i));
  return out;
}

function error(path: string): ScenarioError {
  try {
    items(path);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

describe('dump readers: every shape tools write', () => {
  it('a kubectl -o json List: items in order, each with its path and position', () => {
    const text = JSON.stringify({ apiVersion: 'v1', items: [pod('a'), pod('b'), pod('c')], kind: 'List', metadata: { resourceVersion: '' } }, null, 4);
    const got = items(file('list.json', text));
    expect(got.map((i) => (i.value as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'b', 'c']);
    expect(got.map((i) => i.pathOf([]))).toEqual(['items[0]', 'items[1]', 'items[2]']);
    const lines = text.split('\n');
    expect(lines[got[1].line - 1].slice(got[1].col - 1).startsWith('{')).toBe(true);
    // A field inside an item is located at its own line.
    const at = got[2].at(['spec', 'containers', 0, 'image']);
    expect(lines[at.line - 1]).toContain('"image": "nginx"');
  });

  it('a List whose keys come in any order, an empty List, a bare array, a single object', () => {
    expect(items(file('meta-first.json', JSON.stringify({ kind: 'PodList', metadata: { x: [1, { y: '}' }] }, items: [pod('a')], apiVersion: 'v1' })))).toHaveLength(1);
    expect(items(file('empty.json', '{"apiVersion":"v1","items":[],"kind":"List","metadata":{}}'))).toHaveLength(0);
    expect(items(file('null.json', '{"apiVersion":"v1","items":null,"kind":"List"}')).map((i) => (i.value as { kind: string }).kind)).toEqual(['List']);
    const arr = items(file('array.json', JSON.stringify([pod('a'), pod('b')])));
    expect(arr.map((i) => i.pathOf([]))).toEqual(['[0]', '[1]']);
    const one = items(file('one.json', JSON.stringify(pod('solo'), null, 2)));
    expect(one).toHaveLength(1);
    expect(one[0].pathOf([])).toBe('');
  });

  it('strings holding brackets, braces, commas and escaped quotes do not cut items', () => {
    const tricky = { ...pod('t'), metadata: { name: 't', annotations: { a: '{"x": [1, 2], "y": "\\"]}"}', b: 'a,b}]' } } };
    const got = items(file('tricky.json', JSON.stringify({ items: [tricky, pod('u')] })));
    expect(got.map((i) => (i.value as { metadata: { name: string } }).metadata.name)).toEqual(['t', 'u']);
    expect((got[0].value as typeof tricky).metadata.annotations).toEqual(tricky.metadata.annotations);
  });

  it('items larger than the read chunk, and a file of many chunks', () => {
    const big = { ...pod('big'), metadata: { name: 'big', annotations: { blob: 'x'.repeat(9 << 20) } } };
    const many = Array.from({ length: 3 }, (_, i) => pod(`p${i}`));
    const got = items(file('big.json', JSON.stringify({ items: [...many, big, pod('after')] })));
    expect(got.map((i) => (i.value as { metadata: { name: string } }).metadata.name)).toEqual(['p0', 'p1', 'p2', 'big', 'after']);
  });

  it('kubectl -o yaml Lists, multi-document YAML (kwokctl snapshot save --format k8s), top-level sequences', () => {
    const list = items(file('list.yaml', 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n    annotations:\n      note: |\n        - not an item\n        ---\nkind: List\nmetadata:\n  resourceVersion: ""\n'));
    expect(list.map((i) => (i.value as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'b']);
    expect(list[1].pathOf(['metadata'])).toBe('items[1].metadata');
    expect(list[1].line).toBe(7);
    const indented = items(file('indented.yaml', 'apiVersion: v1\nitems:\n  - kind: Node\n    metadata: {name: n1}\n  - kind: Node\n    metadata: {name: n2}\nkind: List\n'));
    expect(indented).toHaveLength(2);
    const multi = items(file('snapshot.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n---\n# nothing\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p2\n'));
    expect(multi.map((i) => (i.value as { kind: string }).kind)).toEqual(['Node', 'Pod', 'Pod']);
    expect(multi[2].line).toBe(13);
    const seq = items(file('seq.yaml', '- kind: Node\n  metadata: {name: a}\n- kind: Node\n  metadata: {name: b}\n'));
    expect(seq.map((i) => i.pathOf([]))).toEqual(['[0]', '[1]']);
  });

  it('a truncated JSON file: one located line naming the item it ends in', () => {
    const text = JSON.stringify({ apiVersion: 'v1', items: [pod('a'), pod('b')], kind: 'List' }, null, 2);
    const e = error(file('cut.json', text.slice(0, text.indexOf('"b"') + 5)));
    expect(e.message).toMatch(/^cut\.json:\d+:\d+: items\[1\]: expected the rest of the JSON value \(the file ends inside it: truncated\?\), found the end of the file$/);
    expect(e.line).toBe(text.slice(0, text.indexOf('"b"') + 5).split('\n').length);
  });

  it('broken JSON inside an item is located at the fault', () => {
    const text = '{"items": [\n  {"kind": "Pod", "metadata": {"name": "a"}},\n  {"kind": "Pod", "metadata": {"name": "b" "x"}}\n]}';
    const e = error(file('bad.json', text));
    expect(e.message).toMatch(/^bad\.json:3:\d+: items\[1\]: expected valid JSON, found a syntax error/);
    expect(e.col).toBeGreaterThan(30);
    expect(error(file('junk.json', '{"items": []} trailing')).message).toMatch(/^junk\.json:1:\d+: \(document\): expected the end of the file after the JSON value/);
    expect(error(file('empty2.json', '')).message).toMatch(/empty2\.json:1:1: \(document\): expected a JSON object or array/);
  });

  it('broken YAML is located at its line in the file', () => {
    const e = error(file('bad.yaml', 'apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\n- kind: Pod\n  metadata: {name: [b\n'));
    expect(e.message).toMatch(/^bad\.yaml:[678]:\d+: items\[1\]: expected valid YAML, found a syntax error/);
  });
});
