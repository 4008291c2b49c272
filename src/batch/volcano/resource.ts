/**
 * Volcano's `Resource` (api/resource_info.go) as a dense vector.
 *
 * A session fixes one {@link ResourceSchema}: dimension 0 is `cpu` (millicores), 1 is `memory`
 * (bytes), 2 is `pods` (count), then every other resource name seen in the snapshot (extended
 * scalars such as `nvidia.com/gpu`, in whole units) in code-unit string order. A resource is a
 * `Float64Array` of that length; a dimension a Kubernetes object does not mention is 0.
 *
 * Tolerances. Volcano compares with `minResource = 0.1` in its internal units, and stores every
 * scalar except `pods` x1000 (`MilliValue`). We keep scalars in whole units, so their tolerance is
 * 0.1 / 1000 = 1e-4; cpu, memory and pods use 0.1. This reproduces Volcano's comparisons exactly.
 */

export type ResourceList = Readonly<Record<string, number>>;

export const CPU = 0;
export const MEMORY = 1;
export const PODS = 2;

const BASE_NAMES = ['cpu', 'memory', 'pods'] as const;
/** Volcano's `minResource` in native units. */
const MIN_RESOURCE = 0.1;
/** The same tolerance for scalars that Volcano stores x1000. */
const MIN_SCALAR = MIN_RESOURCE / 1000;

export class ResourceSchema {
  readonly names: readonly string[];
  readonly size: number;
  /** Per-dimension tolerance: 0.1 for cpu/memory/pods, 1e-4 for other scalars. */
  readonly eps: Float64Array;
  private readonly index: ReadonlyMap<string, number>;

  constructor(extraNames: Iterable<string>) {
    const extra = new Set<string>();
    for (const n of extraNames) if (!(BASE_NAMES as readonly string[]).includes(n)) extra.add(n);
    // Code-unit order (not localeCompare) so the schema never depends on the host locale.
    const sorted = [...extra].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.names = [...BASE_NAMES, ...sorted];
    this.size = this.names.length;
    this.index = new Map(this.names.map((n, i) => [n, i]));
    this.eps = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) this.eps[i] = i <= PODS ? MIN_RESOURCE : MIN_SCALAR;
  }

  /** Collect every resource name in the given lists (for building a schema). */
  static collect(lists: Iterable<ResourceList | null | undefined>): ResourceSchema {
    const names = new Set<string>();
    for (const l of lists) if (l) for (const k of Object.keys(l)) names.add(k);
    return new ResourceSchema(names);
  }

  indexOf(name: string): number {
    const i = this.index.get(name);
    return i === undefined ? -1 : i;
  }

  zero(): Float64Array {
    return new Float64Array(this.size);
  }

  /** A vector from a resource list; dimensions not in the list are `fill`. Unknown names throw. */
  fromList(list: ResourceList | null | undefined, fill = 0): Float64Array {
    const r = new Float64Array(this.size);
    if (fill !== 0) r.fill(fill);
    if (!list) return r;
    for (const [k, v] of Object.entries(list)) {
      const i = this.index.get(k);
      if (i === undefined) throw new Error(`resource '${k}' is not in the session schema`);
      r[i] = v;
    }
    return r;
  }

  /** A plain object with every dimension of the schema (cpu, memory, pods, then scalars). */
  toList(r: Float64Array): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.size; i++) out[this.names[i]] = r[i];
    return out;
  }

  /** Volcano `IsEmpty`: every dimension except `pods` below the tolerance. */
  isEmpty(r: Float64Array): boolean {
    for (let i = 0; i < this.size; i++) {
      if (i === PODS) continue;
      if (r[i] >= this.eps[i]) return false;
    }
    return true;
  }

  /** Volcano `LessEqual(rr, Zero)`: `a < b || |a - b| < eps` in every dimension (pods included). */
  lessEqual(a: Float64Array, b: Float64Array): boolean {
    const eps = this.eps;
    for (let i = 0; i < a.length; i++) {
      const l = a[i];
      const r = b[i];
      if (!(l <= r || Math.abs(l - r) < eps[i])) return false;
    }
    return true;
  }

  /** `a + extra <= b` in every dimension, with tolerance, without allocating. */
  lessEqualSum(a: Float64Array, extra: Float64Array, b: Float64Array): boolean {
    const eps = this.eps;
    for (let i = 0; i < a.length; i++) {
      const l = a[i] + extra[i];
      const r = b[i];
      if (!(l <= r || Math.abs(l - r) < eps[i])) return false;
    }
    return true;
  }

  /**
   * Volcano `LessEqualWithDimensionAndResourcesName(left, right, req)`: only the dimensions that
   * `req` asks for (> 0), never `pods`, compared strictly (`left > right` fails; no tolerance).
   */
  lessEqualOnRequested(left: Float64Array, right: Float64Array, req: Float64Array): boolean {
    for (let i = 0; i < req.length; i++) {
      if (i === PODS || !(req[i] > 0)) continue;
      if (left[i] > right[i]) return false;
    }
    return true;
  }

  /** Volcano `ResourceNames()`: dimensions whose value is at least the tolerance (pods included). */
  presentDims(r: Float64Array): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (r[i] >= this.eps[i]) out.push(i);
    return out;
  }
}

export function add(into: Float64Array, r: Float64Array): Float64Array {
  for (let i = 0; i < into.length; i++) into[i] += r[i];
  return into;
}

export function sub(into: Float64Array, r: Float64Array): Float64Array {
  for (let i = 0; i < into.length; i++) into[i] -= r[i];
  return into;
}

export function clone(r: Float64Array): Float64Array {
  return new Float64Array(r);
}

/** Per-dimension positive part of `a - b` (Volcano `ExceededPart`). */
export function exceededPart(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] > b[i] ? a[i] - b[i] : 0;
  return out;
}

/** Volcano `helpers.Share(l, r)`: 0/0 = 0, x/0 = 1, else l/r. */
export function shareOf(l: number, r: number): number {
  if (r === 0) return l === 0 ? 0 : 1;
  return l / r;
}
