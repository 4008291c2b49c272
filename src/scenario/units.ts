/**
 * Kubernetes-style quantities and durations, converted to the simulator's integer units:
 * cpu in millicores, memory in MiB, time in float64 seconds. Each parser returns `null`
 * for text it cannot read, or for a value outside its range, so the loader can report the field
 * with its position.
 *
 * The ranges are the rule that keeps every value a run derives finite and in its storage: per-node
 * cpu and memory live in int32 arrays (a million cores, 1 PiB), a pull time is size / bandwidth
 * (1 PiB at 1 kbit/s is still finite), and no time goes past 100 years of simulated time.
 */

/** The longest duration a scenario may give anywhere: 100 years. */
export const MAX_DURATION_SECONDS = 100 * 365.25 * 86400;
/** The most millicores one value may give (a million cores). */
export const MAX_CPU_MILLIS = 1e9;
/** The most MiB one memory value may give (1 PiB). */
export const MAX_MEMORY_MIB = 2 ** 30;
/** The largest size in bytes (1 PiB). */
export const MAX_BYTES = 2 ** 50;
/** Bandwidth range, bytes per second: 1 kbit/s to 1 Pbit/s. */
export const MIN_BANDWIDTH = 1e3 / 8;
export const MAX_BANDWIDTH = 1e15 / 8;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([+]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?$/;

/** A Kubernetes resource.Quantity as a plain number of base units (`"500m"` → 0.5, `"1Gi"` → 1073741824). */
export function parseQuantity(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const m = QUANTITY.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  const mult = BINARY[suffix] ?? DECIMAL[suffix];
  if (mult === undefined || !Number.isFinite(n)) return null;
  return n * mult;
}

/** CPU: a number of cores or a quantity (`2`, `"500m"`, `"1.5"`) → integer millicores (rounded up, as Kubernetes does). */
export function parseCpuMillis(v: unknown): number | null {
  const q = parseQuantity(v);
  if (q === null) return null;
  const m = Math.ceil(Math.round(q * 1e9) / 1e6);
  return m <= MAX_CPU_MILLIS ? m : null;
}

/** Memory: bytes as a number, or a quantity (`"512Mi"`, `"1G"`) → integer MiB (rounded up). */
export function parseMemoryMiB(v: unknown): number | null {
  const q = parseQuantity(v);
  if (q === null) return null;
  const mib = Math.ceil(q / 2 ** 20 - 1e-9);
  return mib <= MAX_MEMORY_MIB ? mib : null;
}

/** Image or data size: bytes as a number, or a quantity (`"150Mi"`, `"2G"`) → bytes. */
export function parseBytes(v: unknown): number | null {
  const q = parseQuantity(v);
  return q === null || q > MAX_BYTES ? null : Math.round(q);
}

const DURATION_PART = /([0-9]*\.?[0-9]+)(ms|s|m|h|d)/g;

/** Duration: seconds as a number, or `"90s"`, `"5m"`, `"1h30m"`, `"250ms"`, `"2d"` → float64 seconds. */
export function parseDuration(v: unknown): number | null {
  const d = readDuration(v);
  return d !== null && d <= MAX_DURATION_SECONDS ? d : null;
}

function readDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === '') return null;
  if (/^[0-9]*\.?[0-9]+$/.test(s)) return Number(s);
  let total = 0;
  let consumed = 0;
  const unit: Record<string, number> = { ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };
  for (const m of s.matchAll(DURATION_PART)) {
    if (m.index !== consumed) return null;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  return consumed === s.length ? total : null;
}

/** Bandwidth: a number of Mbit/s or `"10Gbps"`, `"500Mbps"`, `"1Gbit"` → bytes per second. */
export function parseBandwidth(v: unknown): number | null {
  const b = readBandwidth(v);
  return b !== null && b >= MIN_BANDWIDTH && b <= MAX_BANDWIDTH ? b : null;
}

function readBandwidth(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? (v * 1e6) / 8 : null;
  if (typeof v !== 'string') return null;
  const m = /^([0-9]*\.?[0-9]+)\s*(K|M|G|T)?(bps|bit|B\/s)$/.exec(v.trim());
  if (!m) return null;
  const mult = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1;
  const n = Number(m[1]) * mult;
  if (!(n > 0)) return null;
  return m[3] === 'B/s' ? n : n / 8;
}
