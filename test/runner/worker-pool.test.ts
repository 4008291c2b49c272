import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkerPool as Pool } from '../../src/runner/pool.js';
import type { TaskOutcome } from '../../src/runner/pool.js';
import { compiledPool } from '../gpu/built.js';

const TASKS = pathToFileURL(fileURLToPath(new URL('../gpu/fixtures/tasks.mjs', import.meta.url)));
type Where = { x: number; threadId: number; before: number };
type Sq = { x: number; y: number; threadId: number };

/** The pool behind the streaming sweep pool, kept across phases (compiled, so real threads). */
describe('WorkerPool (compiled, worker threads)', () => {
  let WorkerPool: typeof Pool;
  beforeAll(async () => {
    WorkerPool = (await compiledPool()).WorkerPool;
  });

  it('keeps its threads, and the modules they imported, across phases', async () => {
    const pool = new WorkerPool(2);
    try {
      const first: TaskOutcome<Sq>[] = [];
      await pool.run<{ x: number }, Sq>(TASKS, 'square', [0, 1, 2, 3, 4, 5].map((x) => ({ x })), { onOutcome: (i, o) => (first[i] = o) });
      expect(first.map((o) => (o.ok ? o.value.y : null))).toEqual([0, 1, 4, 9, 16, 25]);
      const threads1 = new Set(first.map((o) => (o.ok ? o.value.threadId : -1)));
      expect(threads1.size).toBe(2);
      expect(threads1.has(0)).toBe(false);
      expect(pool.started).toBe(2);
      // Phase two, another export: the same two threads.
      const second = await pool.map<{ x: number }, Where>(TASKS, 'whereAmI', [0, 1, 2, 3].map((x) => ({ x })));
      expect(second.map((o) => (o.ok ? o.value.x : null))).toEqual([0, 1, 2, 3]);
      for (const o of second) expect(o.ok && threads1.has(o.value.threadId)).toBe(true);
    } finally {
      await pool.close();
    }
    expect(pool.started).toBe(0);
    // One thread, two phases: the module it imported keeps its state (it is not loaded again).
    const one = new WorkerPool(1);
    try {
      const a = await one.map<{ x: number }, Where>(TASKS, 'whereAmI', [0, 1, 2].map((x) => ({ x })));
      const b = await one.map<{ x: number }, Where>(TASKS, 'whereAmI', [3, 4].map((x) => ({ x })));
      expect([...a, ...b].map((o) => (o.ok ? o.value.before : null))).toEqual([0, 1, 2, 3, 4]);
      expect(new Set([...a, ...b].map((o) => (o.ok ? o.value.threadId : 0))).size).toBe(1);
    } finally {
      await one.close();
    }
  });

  it('prestart: the threads start (and import the module) before the first run, which uses them', async () => {
    const pool = new WorkerPool(2);
    try {
      pool.prestart(TASKS, 'whereAmI');
      expect(pool.started).toBe(2);
      const out = await pool.map<{ x: number }, Where>(TASKS, 'whereAmI', [0, 1, 2, 3].map((x) => ({ x })));
      expect(out.every((o) => o.ok)).toBe(true);
      expect(pool.started).toBe(2);
      expect(new Set(out.map((o) => (o.ok ? o.value.threadId : 0))).has(0)).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it.each([1, 2])('a throwing task is an outcome; a dying thread fails only its task and is replaced (%i threads)', async (size) => {
    const pool = new WorkerPool(size);
    try {
      const out = await pool.map<{ x: number }, Sq>(TASKS, 'square', Array.from({ length: 20 }, (_, x) => ({ x })));
      out.forEach((o, i) => {
        if (i === 13) expect(!o.ok && o.error).toMatch(/thirteen is unlucky/);
        else if (i === 17) expect(!o.ok && o.error).toMatch(/worker died while running task 17/);
        else expect(o.ok && o.value.y).toBe(i * i);
      });
      // With one thread, tasks 18 and 19 ran on the replacement, so exactly one thread is alive.
      // With two, the other thread may have taken the last tasks before the death was seen (then
      // there is nothing left to replace it for): which one happens depends on the machine's load.
      if (size === 1) expect(pool.started).toBe(1);
      else expect([1, 2]).toContain(pool.started);
    } finally {
      await pool.close();
    }
  });

  it('a callback that throws stops the run and rejects; a missing export is reported up front', async () => {
    const pool = new WorkerPool(2);
    await expect(pool.run(TASKS, 'nope', [{ x: 1 }], { onOutcome: () => undefined })).rejects.toThrow(/no exported function 'nope'/);
    await expect(
      pool.run(TASKS, 'square', Array.from({ length: 8 }, (_, x) => ({ x })), {
        onOutcome: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    await expect(pool.map(TASKS, 'square', [{ x: 1 }])).rejects.toThrow(/closed/);
  });
});
