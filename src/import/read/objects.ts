import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import type { DumpItem } from './item.js';
import { looksLikeJson, readJsonItems } from './json-items.js';
import { readYamlItems } from './yaml-items.js';

export { DumpItem } from './item.js';

/**
 * Every object of one dump file, in file order, whatever the tool wrote: JSON (`-o json` List,
 * bare array, one object) or YAML (`-o yaml` List, multi-document, kwokctl's k8s snapshot). The
 * format is taken from the extension, else from the first character.
 */
export function readDumpFile(path: string, display: string, onItem: (item: DumpItem) => void): void {
  const ext = extname(path).toLowerCase();
  const json = ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && looksLikeJson(head(path)));
  if (json) readJsonItems(path, display, onItem);
  else readYamlItems(path, display, onItem);
}

function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(256);
    const n = readSync(fd, b, 0, b.length, 0);
    return b.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
