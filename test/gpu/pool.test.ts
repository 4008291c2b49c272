import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPool, type TaskOutcome } from '../../src/runner/pool.js';
import { compiledPool } from './built.js';

const TASKS = pathToFileURL(fileURLToPath(new URL('./fixtures/tasks.mjs', import.meta.url)));
type Out = { x: number; y: number; threadId: number };

describe('runPool in-process (workers = 1)', () => {
  it('returns outcomes in task order and reports a throwing task', async () => {
    const out = await runPool<{ x: number }, Out>(TASKS, 'square', [{ x: 3 }, { x: 13 }, { x: 4 }], { workers: 1 });
    expect(out.map((o) => (o.ok ? o.value.y : o.error.split('\n')[0]))).toEqual([9, 'Error: thirteen is unlucky', 16]);
  });

  it('rejects a module without the export', async () => {
    await expect(runPool(TASKS, 'nope', [{ x: 1 }], { workers: 1 })).rejects.toThrow(/no exported function 'nope'/);
  });
});

describe('runPool with worker threads (compiled pool)', () => {
  let pool: typeof runPool;
  beforeAll(async () => {
    pool = (await compiledPool()).runPool;
  });

  it('spreads tasks over threads and returns results in task order', async () => {
    const tasks = Array.from({ length: 12 }, (_, i) => ({ x: i }));
    const out = (await pool(TASKS, 'square', tasks, { workers: 3 })) as TaskOutcome<Out>[];
    expect(out.map((o) => (o.ok ? o.value.y : null))).toEqual(tasks.map((t) => t.x * t.x));
    const threads = new Set(out.map((o) => (o.ok ? o.value.threadId : 0)));
    expect(threads.size).toBeGreaterThan(1);
    expect(threads.has(0)).toBe(false); // never the main thread
  });

  it('reports a throwing task and a dying worker, and still runs every other task', async () => {
    const tasks = Array.from({ length: 20 }, (_, i) => ({ x: i }));
    const out = (await pool(TASKS, 'square', tasks, { workers: 2 })) as TaskOutcome<Out>[];
    expect(out).toHaveLength(20);
    out.forEach((o, i) => {
      if (i === 13) expect(!o.ok && o.error).toMatch(/thirteen is unlucky/);
      else if (i === 17) expect(!o.ok && o.error).toMatch(/worker died while running task 17/);
      else expect(o.ok && o.value.y).toBe(i * i);
    });
  });
});
