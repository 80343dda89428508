/**
 * People seen but not identified who entered: footfall's estimate of the visits no identity stands
 * for, from the tracks of a site's entrance cameras that gave no embedding.
 */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { UNIDENTIFIED_TRACKS } from '../../storage/unidentified-tracks-table.ts';
import { COUNTED_VISITS, STARTED_VISITS } from '../../storage/visits-table.ts';
import { rangeParams, type ReportRange } from './report-range.ts';

/** Local period labels, as the footfall buckets name them. */
export const PERIOD_OF = {
  hour: `concat(toString(local_date), ' ', leftPad(toString(local_hour), 2, '0'), ':00')`,
  day: 'toString(local_date)',
  week: 'toString(toMonday(local_date))',
} as const;

export interface UnidentifiedEntries {
  /** Estimated entries per period label (only periods that have some). */
  byPeriod: Map<string, number>;
  total: number;
  /**
   * What the estimate rests on, over the range: unidentified entrance tracks, counted visits that
   * began at no entrance, entrance tracks per identified entry, the share of entries that were
   * passers-by.
   */
  entranceTracks: number;
  visitsEnteredUnseen: number;
  tracksPerEntry: number;
  passerByShare: number;
}

const NONE: UnidentifiedEntries = {
  byPeriod: new Map(),
  total: 0,
  entranceTracks: 0,
  visitsEnteredUnseen: 0,
  tracksPerEntry: 1,
  passerByShare: 0,
};

/**
 * Over visits: entered unrecognised, i.e. first identified somewhere else than at an entrance
 * (their entry, if any, is an unidentified entrance track the visits layer joined to them).
 */
const ENTERED_UNSEEN = `(NOT has({entrances:Array(String)}, cameras[1]) OR entry_track != '')`;

/**
 * Over visits recognised at an entrance (ENTERED_UNSEEN's others) in STARTED_VISITS' range: the share not counted
 * (passers-by), and the entrance tracks each left (a person lingering in the doorway leaves
 * several). {entrances} are the entrance cameras.
 */
const ENTRY_STATS = `SELECT countIf(counted = 0) AS passers, count() AS entered, sum(arrayCount((c) -> has({entrances:Array(String)}, c), cameras)) AS tracks
  FROM (${STARTED_VISITS}) WHERE NOT ${ENTERED_UNSEEN}`;

/** The entry figures of entryStatsSql's row: share of passers-by, entrance tracks per entry (1 with no entries). */
function entryStats(row: { passers: string; entered: string; tracks: string }): {
  passerByShare: number;
  tracksPerEntry: number;
} {
  const entered = Number(row.entered);
  return entered > 0
    ? { passerByShare: Number(row.passers) / entered, tracksPerEntry: Number(row.tracks) / entered }
    : { passerByShare: 0, tracksPerEntry: 1 };
}

/**
 * Visits from unidentified entrance tracks: the people behind the tracks (tracks / per entry), less
 * the passers-by among them, less those identified inside (counted already):
 * max(0, tracks / r × (1 − b) − entered unseen).
 */
function estimate(
  tracks: number,
  enteredUnseen: number,
  stats: { passerByShare: number; tracksPerEntry: number },
): number {
  return Math.max(0, (tracks / stats.tracksPerEntry) * (1 - stats.passerByShare) - enteredUnseen);
}

/**
 * Over the range: max(0, U / r × (1 − b) − L), rounded, shared out over the periods in proportion
 * to the same figure per period, where
 *   U = unidentified tracks on entrance cameras, those the visits took as their entry included;
 *   r = entrance tracks per visit recognised at an entrance: U / r are the people behind U;
 *   L = counted identified visits that entered unrecognised: whose first camera is no entrance,
 *       or whose entry is an unidentified entrance track (ENTERED_UNSEEN): people
 *       who entered unrecognised and were identified inside — their entrance tracks are in U, and
 *       they are counted by their identity already;
 *   b = the share of visits recognised at an entrance that were not
 *       counted (passers-by, shorter than the minimum visit): as many unidentified people are
 *       passers-by as identified ones.
 * Without entrance cameras there is nothing to estimate: people are counted by their identities.
 * The model: whether a camera can identify someone depends on where they walk, not who they are,
 * and everyone entering passes an entrance camera.
 */
export async function queryUnidentifiedEntries(
  client: ClickHouseClient,
  range: ReportRange,
  period: keyof typeof PERIOD_OF,
): Promise<UnidentifiedEntries> {
  const entrances = range.entranceCameras ?? [];
  if (entrances.length === 0) return NONE;
  const params = { ...rangeParams(range), entrances };
  const [rows, [share]] = await Promise.all([
    queryRows<{ period: string; u: string; l: string }>(
      client,
      `SELECT period, sum(u) AS u, sum(l) AS l FROM (
         SELECT ${PERIOD_OF[period]} AS period, count() AS u, 0 AS l FROM (${UNIDENTIFIED_TRACKS})
         WHERE camera_id IN {entrances:Array(String)} GROUP BY period
         UNION ALL
         SELECT ${PERIOD_OF[period]} AS period, 0 AS u, count() AS l FROM (${COUNTED_VISITS})
         WHERE ${ENTERED_UNSEEN} GROUP BY period
       ) GROUP BY period ORDER BY period`,
      params,
    ),
    queryRows<{ passers: string; entered: string; tracks: string }>(client, ENTRY_STATS, params),
  ]);
  const stats = entryStats(share);
  const entranceTracks = rows.reduce((n, r) => n + Number(r.u), 0);
  const visitsEnteredUnseen = rows.reduce((n, r) => n + Number(r.l), 0);
  // The total from the range's sums: someone who entered unrecognised at 09:58 and was identified
  // at 10:03 belongs to two hours, and clipping each hour at zero would count them anyway.
  const total = Math.round(estimate(entranceTracks, visitsEnteredUnseen, stats));
  const byPeriod = apportion(
    rows.map((r) => ({ period: r.period, weight: estimate(Number(r.u), Number(r.l), stats) })),
    total,
  );
  return { byPeriod, total, entranceTracks, visitsEnteredUnseen, ...stats };
}

/** Splits `total` over the periods in proportion to their weights, in whole visits (largest remainders; ties to the earlier period). */
function apportion(weights: Array<{ period: string; weight: number }>, total: number): Map<string, number> {
  const sum = weights.reduce((n, w) => n + w.weight, 0);
  const out = new Map<string, number>();
  if (sum <= 0 || total <= 0) return out;
  const shares = weights.map((w, i) => ({ ...w, i, exact: (w.weight * total) / sum }));
  const left = total - shares.reduce((n, s) => n + Math.floor(s.exact), 0);
  const byRemainder = [...shares].sort(
    (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.i - b.i,
  );
  const extra = new Set(byRemainder.slice(0, left).map((s) => s.i));
  for (const s of shares) {
    const n = Math.floor(s.exact) + (extra.has(s.i) ? 1 : 0);
    if (n > 0) out.set(s.period, n);
  }
  return out;
}

/** How far back the typical stay and the passers-by share of "now" are measured. */
const RECENT_DAYS = 7;

/**
 * People seen but not identified who are inside now, estimated like footfall's entries (with the
 * entry figures of the last 7 days) over the last median stay: the median dwell of the counted
 * visits of those days.
 */
export async function queryUnidentifiedInside(
  client: ClickHouseClient,
  q: { siteId: string; nowMs: number; entranceCameras?: string[] },
): Promise<number> {
  const entrances = q.entranceCameras ?? [];
  if (entrances.length === 0) return 0;
  // Sources take a half-open range: up to now inclusive.
  const upTo = (ms: number) => ({ site: q.siteId, entrances, from_ms: q.nowMs - ms, to_ms: q.nowMs + 1 });
  const recent = upTo(RECENT_DAYS * 86_400_000);
  const [[stayRow], [statsRow]] = await Promise.all([
    queryRows<{ stay_ms: string }>(
      client,
      `SELECT toInt64(1000 * quantileExactIf(0.5)(dwell_s, counted = 1)) AS stay_ms FROM (${STARTED_VISITS})`,
      recent,
    ),
    queryRows<{ passers: string; entered: string; tracks: string }>(client, ENTRY_STATS, recent),
  ]);
  const stay = Number(stayRow.stay_ms);
  if (!(stay > 0)) return 0;
  const [window] = await queryRows<{ u: string; l: string }>(
    client,
    `SELECT (SELECT count() FROM (${UNIDENTIFIED_TRACKS}) WHERE has({entrances:Array(String)}, camera_id)) AS u,
            (SELECT count() FROM (${STARTED_VISITS}) WHERE ${ENTERED_UNSEEN}) AS l`,
    upTo(stay),
  );
  return Math.round(estimate(Number(window.u), Number(window.l), entryStats(statsRow)));
}
