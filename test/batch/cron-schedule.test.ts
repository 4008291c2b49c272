import { describe, expect, it } from 'vitest';
import { CronSyntaxError, parseCronSchedule } from '../../src/batch/cron-schedule.js';

/** Instants as ISO text, seconds since the epoch in the schedule API. */
const t = (iso: string): number => Date.parse(iso) / 1000;
const iso = (s: number | null): string | null => (s === null ? null : new Date(s * 1000).toISOString().replace('.000Z', 'Z'));
const nexts = (spec: string, from: string, n: number, zone: string | null = null): (string | null)[] => {
  const s = parseCronSchedule(spec, zone);
  const out: (string | null)[] = [];
  let at: number | null = t(from);
  for (let i = 0; i < n && at !== null; i++) {
    at = s.next(at);
    out.push(iso(at));
  }
  return out;
};

describe('cron schedules (robfig/cron v3 ParseStandard + SpecSchedule.Next, as the CronJob controller reads them)', () => {
  it('steps, ranges, lists and names', () => {
    expect(nexts('*/15 * * * *', '2024-01-01T00:07:30Z', 3)).toEqual(['2024-01-01T00:15:00Z', '2024-01-01T00:30:00Z', '2024-01-01T00:45:00Z']);
    expect(nexts('0 9-17/4 * * MON-FRI', '2024-01-05T16:00:00Z', 3)).toEqual(['2024-01-05T17:00:00Z', '2024-01-08T09:00:00Z', '2024-01-08T13:00:00Z']);
    expect(nexts('30 2 1,15 jan,Jul *', '2024-01-01T03:00:00Z', 3)).toEqual(['2024-01-15T02:30:00Z', '2024-07-01T02:30:00Z', '2024-07-15T02:30:00Z']);
    // "N/step" means N-max/step.
    expect(nexts('50/5 * * * *', '2024-01-01T00:00:00Z', 3)).toEqual(['2024-01-01T00:50:00Z', '2024-01-01T00:55:00Z', '2024-01-01T01:50:00Z']);
  });

  it('day of month and day of week: either, unless one is a star (a step above 1 is not a star)', () => {
    // 2024-01-01 is a Monday. "1 and Fridays": the 1st, then the Fridays.
    expect(nexts('0 0 1 * FRI', '2023-12-31T12:00:00Z', 3)).toEqual(['2024-01-01T00:00:00Z', '2024-01-05T00:00:00Z', '2024-01-12T00:00:00Z']);
    // "*" day of month: only Fridays.
    expect(nexts('0 0 * * 5', '2023-12-31T12:00:00Z', 2)).toEqual(['2024-01-05T00:00:00Z', '2024-01-12T00:00:00Z']);
    // "*/2" in day of month is not a star: odd days OR Sundays.
    expect(nexts('0 0 */2 * SUN', '2024-01-01T12:00:00Z', 3)).toEqual(['2024-01-03T00:00:00Z', '2024-01-05T00:00:00Z', '2024-01-07T00:00:00Z']);
  });

  it('descriptors and @every', () => {
    expect(nexts('@hourly', '2024-01-01T00:00:00Z', 2)).toEqual(['2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z']);
    expect(nexts('@weekly', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-07T00:00:00Z']);
    expect(nexts('@yearly', '2024-03-01T00:00:00Z', 1)).toEqual(['2025-01-01T00:00:00Z']);
    expect(nexts('@every 1h30m', '2024-01-01T00:00:00Z', 2)).toEqual(['2024-01-01T01:30:00Z', '2024-01-01T03:00:00Z']);
  });

  it('time zones, including a DST change (Europe/Berlin, 2024-03-31 02:00 does not exist)', () => {
    expect(nexts('0 9 * * *', '2024-01-01T00:00:00Z', 1, 'Asia/Shanghai')).toEqual(['2024-01-01T01:00:00Z']);
    expect(nexts('0 9 * * *', '2024-07-01T00:00:00Z', 1, 'Europe/Berlin')).toEqual(['2024-07-01T07:00:00Z']);
    // 02:30 local is skipped on the day clocks jump from 02:00 to 03:00.
    expect(nexts('30 2 * * *', '2024-03-30T12:00:00Z', 2, 'Europe/Berlin')).toEqual(['2024-04-01T00:30:00Z', '2024-04-02T00:30:00Z']);
    expect(nexts('CRON_TZ=America/New_York 0 12 * * *', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-01T17:00:00Z']);
  });

  it('a schedule that never comes (30 February) gives no time', () => {
    expect(nexts('0 0 30 2 *', '2024-01-01T00:00:00Z', 1)).toEqual([null]);
  });

  it("rejects what Kubernetes' validation rejects, with robfig's reason", () => {
    const bad = (spec: string, zone: string | null = null) => {
      try {
        parseCronSchedule(spec, zone);
      } catch (e) {
        expect(e).toBeInstanceOf(CronSyntaxError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad('* * * *')).toBe('expected exactly 5 fields, found 4: [* * * *]');
    expect(bad('60 * * * *')).toBe('end of range (60) above maximum (59): 60');
    expect(bad('0 0 * * 7')).toBe('end of range (7) above maximum (6): 7');
    expect(bad('0 0 0 * *')).toBe('beginning of range (0) below minimum (1): 0');
    expect(bad('*/0 * * * *')).toBe('step of range should be a positive number: */0');
    expect(bad('@fortnightly')).toBe('unrecognized descriptor: @fortnightly');
    expect(bad('0 0 * * *', 'Mars/Olympus')).toBe('unknown time zone Mars/Olympus');
    expect(bad('1-2-3 * * * *')).toBe('too many hyphens: 1-2-3');
  });
});
