/**
 * Volcano's `util.PriorityQueue`: a binary heap ordered by a `less` function, with exactly the
 * sift-up / sift-down steps of Go's `container/heap`. Copying the algorithm (not just "a heap")
 * matters: when a key changes while an item sits in the heap (queue shares move as other queues
 * allocate or lose victims), the pop order is whatever these steps produce, and we want ours to
 * be the same as Volcano's rather than merely deterministic.
 */
export class PriorityQueue<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get length(): number {
    return this.items.length;
  }

  empty(): boolean {
    return this.items.length === 0;
  }

  push(x: T): void {
    this.items.push(x);
    this.up(this.items.length - 1);
  }

  pop(): T {
    const items = this.items;
    const n = items.length - 1;
    if (n < 0) throw new Error('PriorityQueue.pop on an empty queue');
    this.swap(0, n);
    this.down(0, n);
    return items.pop() as T;
  }

  private swap(i: number, j: number): void {
    const items = this.items;
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }

  private up(j: number): void {
    const items = this.items;
    while (j > 0) {
      const i = (j - 1) >> 1;
      if (i === j || !this.less(items[j], items[i])) break;
      this.swap(i, j);
      j = i;
    }
  }

  private down(i0: number, n: number): void {
    const items = this.items;
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(items[j2], items[j1])) j = j2;
      if (!this.less(items[j], items[i])) break;
      this.swap(i, j);
      i = j;
    }
  }
}
