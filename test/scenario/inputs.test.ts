import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { parseYamlText } from '../../src/scenario/source.js';
import { scenarioErrorOf } from '../helpers/files.js';

/**
 * Files a scenario reads: only inside its folder (or an --allow-read one), symlinks followed; only
 * regular files, within the size cap; an error never quotes a file's contents.
 */

const BASE = `name: t
fleet:
  clusters:
    - { name: a, region: r1, nodePools: [{ count: 2, cpu: 4, memory: 8Gi }] }
`;
const job = (duration: string): string => `workloads:\n  - kind: Job\n    name: j\n    duration: ${duration}\n`;

const errorOf = scenarioErrorOf;

/** A scenario folder with `files`, and a secret file beside it (outside the folder). */
function layout(text: string, files: Record<string, string> = {}): { dir: string; file: string; secret: string } {
  const top = mkdtempSync(join(tmpdir(), 'fleetsim-inputs-'));
  const dir = join(top, 'scenario');
  mkdirSync(dir);
  const secret = join(top, 'secret.txt');
  writeFileSync(secret, 'TOKEN=ghp_very_secret_value\n');
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  const file = join(dir, 's.yaml');
  writeFileSync(file, text);
  return { dir, file, secret };
}

describe('the path rule', () => {
  it('a path out of the scenario folder is refused where it is written, unless --allow-read names its folder', () => {
    const { file, secret } = layout(`${BASE}include: [../secret.txt]\n`);
    const e = errorOf(() => loadScenario(file));
    expect(e.path).toBe('include[0]');
    expect(e.found).toMatch(/^"\.\.\/secret\.txt" \(not in or below .*scenario; --allow-read <folder> allows another\)$/);
    expect(e.message).not.toContain('ghp_');
    // Allowed, it is read, and still not quoted: the text is a document of the wrong shape.
    const allowed = errorOf(() => loadScenario(file, { allowRead: [join(secret, '..')] }));
    expect(allowed.message).not.toContain('ghp_');
    expect(allowed.message).toMatch(/found text \(a string of \d+ characters\)$/);
  });

  it('a symlink inside the folder that points out of it is refused (the real path counts)', () => {
    const { dir, file, secret } = layout(`${BASE}${job('{ kind: empirical, csv: link.csv, column: x }')}`);
    symlinkSync(secret, join(dir, 'link.csv'));
    const e = errorOf(() => loadScenario(file));
    expect(e.path).toBe('workloads[0].duration.csv');
    expect(e.found).toMatch(/^"link\.csv" \(not in or below /);
  });

  it('absolute paths, /dev/zero, /proc/self/environ: refused before reading', () => {
    for (const p of ['/etc/shadow', '/dev/zero', '/proc/self/environ']) {
      const { file } = layout(`${BASE}include: [${p}]\n`);
      const e = errorOf(() => loadScenario(file));
      expect(e.found).toMatch(/not in or below|no such file|permission denied/);
    }
  });

  it('only regular files, within the size cap, even where reading is allowed', () => {
    const { dir, file } = layout(`${BASE}include: [/dev/zero]\n`);
    expect(errorOf(() => loadScenario(file, { allowRead: ['/'] })).found).toBe('"/dev/zero" (a device)');
    writeFileSync(file, `${BASE}include: [sub]\n`);
    mkdirSync(join(dir, 'sub'));
    expect(errorOf(() => loadScenario(file)).found).toBe('"sub" (a folder)');
    if (existsSync('/usr/bin/mkfifo')) {
      execFileSync('/usr/bin/mkfifo', [join(dir, 'pipe.yaml')]);
      writeFileSync(file, `${BASE}include: [pipe.yaml]\n`);
      expect(errorOf(() => loadScenario(file)).found).toBe('"pipe.yaml" (a named pipe)');
    }
    writeFileSync(join(dir, 'big.yaml'), 'x'.repeat(2048));
    writeFileSync(file, `${BASE}include: [big.yaml]\n`);
    expect(errorOf(() => loadScenario(file, { maxFileBytes: 1024 })).found).toBe('"big.yaml" (2 KiB, more than the 1 KiB limit (--max-file-size))');
    // /proc files report size 0: the cap holds as the bytes are read.
    const environ = `${BASE}faultTrace: /proc/self/environ\n`;
    writeFileSync(file, environ);
    const p = errorOf(() => loadScenario(file, { allowRead: ['/'], maxFileBytes: 200 }));
    expect(p.found).toMatch(/^"\/proc\/self\/environ" \(more than the 200 bytes limit/);
  });

  it('a CSV whose header is wrong is described by position, never by its own text', () => {
    const { file } = layout(`${BASE}${job('{ kind: empirical, csv: d.csv, column: seconds }')}`, { 'd.csv': 'root:$y$j9T$secrethash:19000:0:99999:7:::\nx\n' });
    const e = errorOf(() => loadScenario(file));
    expect(e.message).toMatch(/d\.csv:1:1: header: expected the columns seconds \(others are ignored\), found no column "seconds" \(1 column\)$/);
    expect(e.message).not.toContain('secrethash');
  });

  it('an empirical CSV is read at validation: its column, every value a duration', () => {
    const ok = layout(`${BASE}${job('{ kind: empirical, csv: d.csv, column: s }')}`, { 'd.csv': 'id,s\na,10\nb,30\n' });
    const s = loadScenario(ok.file);
    expect(s.workloads[0]).toMatchObject({ duration: { kind: 'empirical', samples: [10, 30] } });
    const bad = layout(`${BASE}${job('{ kind: empirical, csv: d.csv, column: s }')}`, { 'd.csv': 'id,s\na,10\nb,ten\n' });
    expect(errorOf(() => loadScenario(bad.file)).message).toMatch(/d\.csv:3:3: s: expected a number >= 0 and <= \d+, found "ten"$/);
  });

  it('a fault trace reports its rows in the standard form', () => {
    const { file } = layout(`${BASE}faultTrace: f.csv\n`, { 'f.csv': 'time,target,kind,duration\n10m,a,meltdown,5m\n' });
    expect(errorOf(() => loadScenario(file)).message).toMatch(/f\.csv:2:7: kind: expected one of cluster-outage, .*, found "meltdown"$/);
    const cols = layout(`${BASE}faultTrace: f.csv\n`, { 'f.csv': 'when,target,kind\n10m,a,cluster-outage\n' });
    expect(errorOf(() => loadScenario(cols.file)).message).toMatch(/f\.csv:1:1: header: expected the columns time,target,kind,duration and optionally mode, found no column "time", "duration" \(3 columns, among them target,kind\)$/);
  });
});

describe('YAML', () => {
  it('a repeated key is reported at the repeat, with its path; keys are compared as the YAML library does (1 and "1" differ)', () => {
    const e = errorOf(() => parseYamlText('a:\n  b: [{ x: 1, y: 2 }, { x: 1, x: 2 }]\n', 'k.yaml'));
    expect(e.message).toMatch(/^k\.yaml:2:\d+: a\.b\[1\]\.x: expected a key used once in its map \(it is first at line 2\), found "x" \(a string\) again$/);
    expect(() => parseYamlText('a: { 1: x, "1": y }\n', 'k.yaml')).not.toThrow();
    // The first repeat in the file is the one reported, whatever map holds it.
    expect(errorOf(() => parseYamlText('a: { q: 1, q: 2 }\nb: 1\nb: 2\n', 'k.yaml')).path).toBe('a.q');
  });

  it('a syntax error does not quote the text it stumbled on', () => {
    const e = errorOf(() => parseYamlText('key: |secretjunk\n  text\n', 'k.yaml'));
    expect(e.message).toBe('k.yaml:1:7: (document): expected valid YAML, found a syntax error: Block scalar header includes extra characters');
  });

  it('a document of another shape than a scenario says what it is, not what it holds', () => {
    const e = errorOf(() => parseScenario('just a password hunter2 is not a map\n', 'p.yaml'));
    expect(e.found).toBe('text (a string of 36 characters)');
    expect(e.message).not.toContain('hunter2');
  });
});
