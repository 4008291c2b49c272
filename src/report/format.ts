/** How the reports write numbers for people. */

/** A duration in seconds: `42.0 s`, `3m 05s`, `1h 02m`; null → `never`. */
export function fmtSeconds(s: number | null): string {
  if (s === null) return 'never';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A ratio as a percentage with one decimal. */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** A time of the run as a clock: `14:05` on the first day, `d2 03:10` after it (seconds from the start). */
export function fmtClock(t: number): string {
  const day = Math.floor(t / 86400);
  const h = Math.floor((t % 86400) / 3600);
  const m = Math.floor((t % 3600) / 60);
  const clock = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return day > 0 ? `d${day + 1} ${clock}` : clock;
}
