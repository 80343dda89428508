/** A site's local calendar: the local date and hour of an instant, and the next local midnight (DST-safe, memoized per zone and day). */

const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as unknown as LocalParts;
}

/** Throws a clear error for a time zone the runtime does not know. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new Error(`unknown IANA time zone "${timeZone}"`);
  }
}

/** The local calendar date, `YYYY-MM-DD`. */
export function localDate(ms: number, timeZone: string): string {
  return dayOf(ms, timeZone).date;
}

/** The local hour of day, 0–23. */
export function localHour(ms: number, timeZone: string): number {
  const day = dayOf(ms, timeZone);
  // A 24-hour day has no offset change inside: the hour is arithmetic. Days with a DST change ask Intl.
  return day.uniform ? Math.floor((ms - day.startMs) / HOUR_MS) : localParts(ms, timeZone).hour;
}

/** Milliseconds the local wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The UTC instant of local midnight starting the local date `date` (`YYYY-MM-DD`). */
export function localMidnightMs(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even when midnight is near a DST change.
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return guess;
}

/** The first local midnight strictly after `ms`. */
export function nextLocalMidnightMs(ms: number, timeZone: string): number {
  return dayOf(ms, timeZone).endMs;
}

/** A local calendar day: `startMs`..`endMs` (exclusive) is when the site's clock shows `date`. */
interface LocalDay {
  date: string;
  startMs: number;
  endMs: number;
  /** Exactly 24 hours with checked boundaries: the hour of an instant is its distance from `startMs`. */
  uniform: boolean;
}

/**
 * Local days already worked out, per zone, under each UTC day they overlap. The worker asks
 * about the same few days for every sighting and visit, and Intl costs ~10 µs a call: one site
 * with 30k tracked identities once spent 0.8 s a batch in it.
 */
const knownDays = new Map<string, Map<number, LocalDay[]>>();
/** UTC days indexed per zone before its cache starts over (years of days; the time window keeps far fewer in use). */
const MAX_INDEXED_DAYS = 4096;

function dayOf(ms: number, timeZone: string): LocalDay {
  let zone = knownDays.get(timeZone);
  if (!zone) {
    zone = new Map();
    knownDays.set(timeZone, zone);
  }
  const known = zone.get(Math.floor(ms / DAY_MS))?.find((d) => d.startMs <= ms && ms < d.endMs);
  if (known) return known;
  const date = dateAt(ms, timeZone);
  const [y, m, d] = date.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  const day = {
    date,
    startMs: localMidnightMs(date, timeZone),
    endMs: localMidnightMs(next, timeZone),
    uniform: false,
  };
  // Kept only when Intl agrees on both boundaries (not so where DST skips midnight): then every instant inside has `date`.
  const inside = (t: number) => dateAt(t, timeZone) === date;
  if (
    !(
      day.startMs <= ms &&
      ms < day.endMs &&
      inside(day.startMs) &&
      inside(day.endMs - 1) &&
      !inside(day.startMs - 1) &&
      !inside(day.endMs)
    )
  )
    return day;
  day.uniform = day.endMs - day.startMs === DAY_MS;
  if (zone.size >= MAX_INDEXED_DAYS) zone.clear();
  for (let u = Math.floor(day.startMs / DAY_MS); u <= Math.floor((day.endMs - 1) / DAY_MS); u++)
    zone.set(u, [...(zone.get(u) ?? []), day]);
  return day;
}

function dateAt(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
