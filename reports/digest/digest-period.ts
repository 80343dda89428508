/** The local days a digest covers (a day, an ISO week or a month) and the period before it. */

export type DigestPeriodKind = 'day' | 'week' | 'month';

export interface DigestPeriod {
  kind: DigestPeriodKind;
  /** Local dates, `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
  previous: { from: string; to: string };
  /** e.g. "Monday, 2 November 2026", "week 45, 2026", "November 2026". */
  label: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

// Plain calendar arithmetic on dates as UTC midnights: no time zone can shift a date here.
const toMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => toDate(toMs(d) + n * DAY_MS);

function addMonths(d: string, n: number): string {
  const t = new Date(toMs(d));
  return toDate(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + n, 1));
}

function isoWeek(d: string): { week: number; year: number } {
  const t = new Date(toMs(d));
  const thursday = new Date(t.getTime() + (3 - ((t.getUTCDay() + 6) % 7)) * DAY_MS);
  const firstThursdayYear = thursday.getUTCFullYear();
  const jan1 = Date.UTC(firstThursdayYear, 0, 1);
  return { week: 1 + Math.floor((thursday.getTime() - jan1) / (7 * DAY_MS)), year: firstThursdayYear };
}

/** The period of `kind` that contains `date`. Throws on a malformed date. */
export function digestPeriod(kind: DigestPeriodKind, date: string): DigestPeriod {
  if (!DATE.test(date) || Number.isNaN(toMs(date)) || toDate(toMs(date)) !== date)
    throw new Error(`--date must be YYYY-MM-DD, got "${date}"`);
  if (kind === 'day') {
    const label = new Date(toMs(date)).toLocaleDateString('en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    // A day is compared with the same weekday a week before: trade follows the week, not yesterday.
    return {
      kind,
      from: date,
      to: addDays(date, 1),
      previous: { from: addDays(date, -7), to: addDays(date, -6) },
      label,
    };
  }
  if (kind === 'week') {
    const monday = addDays(date, -((new Date(toMs(date)).getUTCDay() + 6) % 7));
    const { week, year } = isoWeek(monday);
    return {
      kind,
      from: monday,
      to: addDays(monday, 7),
      previous: { from: addDays(monday, -7), to: monday },
      label: `week ${week}, ${year} (${monday} to ${addDays(monday, 6)})`,
    };
  }
  const first = `${date.slice(0, 7)}-01`;
  const label = new Date(toMs(first)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return { kind, from: first, to: addMonths(first, 1), previous: { from: addMonths(first, -1), to: first }, label };
}
