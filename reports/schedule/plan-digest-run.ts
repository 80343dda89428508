/** Which digest a schedule owes at a moment: the latest scheduled run, and the period before it. */
import { Cron } from 'croner';
import type { DigestSchedule } from '../../schemas/digest.schema.ts';
import { digestPeriod, type DigestPeriod } from '../digest/digest-period.ts';

export interface PlannedRun {
  /** The scheduled instant (UTC ms) this run belongs to. */
  scheduledAtMs: number;
  period: DigestPeriod;
  /** Identifies the digest: one delivery per site, period kind and first day, ever. */
  key: string;
}

/**
 * The latest scheduled instant at or before `nowMs` in the site's time zone. Earlier missed
 * instants are deliberately not replayed: after downtime a manager wants one catch-up digest,
 * not a pile of them.
 */
export function planDigestRun(schedule: DigestSchedule, timeZone: string, nowMs: number): PlannedRun | null {
  const cron = new Cron(schedule.cron, { timezone: timeZone, paused: true });
  try {
    // previousRuns excludes the reference instant itself; +1 ms makes a run due exactly on time.
    const [latest] = cron.previousRuns(1, new Date(nowMs + 1));
    if (!latest) return null;
    const localDate = new Date(latest.getTime() - 86_400_000).toLocaleDateString('en-CA', { timeZone });
    const period = digestPeriod(schedule.period, localDate);
    return { scheduledAtMs: latest.getTime(), period, key: `${schedule.site}/${period.kind}/${period.from}` };
  } finally {
    cron.stop();
  }
}
