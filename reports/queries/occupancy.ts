/** Occupancy: how many people are in the store now, and through the day in 15-minute steps. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { rangeParams, type ReportRange } from './report-range.ts';
import { COUNTED_VISITS, OPEN_VISITS } from '../../storage/visits-table.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { queryUnidentifiedInside } from './unidentified-entries.ts';

export interface OccupancyNow {
  /** Open visits seen within the visit gap that have lasted past the entry threshold, plus `unidentified`. */
  people: number;
  /** People an entrance camera saw but could not identify who are likely inside (estimated; see queryUnidentifiedInside). */
  unidentified: number;
  atMs: number;
}

const STEP_S = 900;

/**
 * People inside now: open visits whose last sighting is within `visitGapMs` and that have lasted
 * at least `entryMinMs` (an entry counts after ~2 s inside), and the people seen at an entrance
 * but not identified who are likely still inside. Staff never have visits.
 */
export async function queryOccupancyNow(
  client: ClickHouseClient,
  q: { siteId: string; nowMs: number; visitGapMs: number; entryMinMs: number; entranceCameras?: string[] },
): Promise<OccupancyNow> {
  const unidentified = queryUnidentifiedInside(client, q);
  const [row] = await queryRows<{ people: string }>(
    client,
    `SELECT count() AS people FROM (${OPEN_VISITS})
     WHERE start >= fromUnixTimestamp64Milli({now:Int64} - 86400000, 'UTC')
       AND end >= fromUnixTimestamp64Milli({now:Int64} - {gap:Int64}, 'UTC') AND start <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')
       AND dateDiff('millisecond', start, end) >= {entry:Int64}`,
    { site: q.siteId, now: q.nowMs, gap: q.visitGapMs, entry: q.entryMinMs },
  );
  const seen = await unidentified;
  return { people: Number(row.people) + seen, unidentified: seen, atMs: q.nowMs };
}

/** People inside per 15 minutes of local time (a visit counts in every step it overlaps), counted visits only. */
export async function queryOccupancyOverDay(
  client: ClickHouseClient,
  range: ReportRange,
): Promise<Array<{ at: string; people: number }>> {
  const rows = await queryRows<{ at: string; people: string }>(
    client,
    // WITH FILL adds the empty steps: a chart must show the store empty, not interpolate across the night.
    `SELECT formatDateTime(toDateTime(step * ${STEP_S}, {tz:String}), '%Y-%m-%d %H:%i') AS at, people
     FROM (
       SELECT step, uniqExact(visit_id) AS people
       FROM (${COUNTED_VISITS})
       ARRAY JOIN range(intDiv(toUInt32(toUnixTimestamp(start)), ${STEP_S}), intDiv(toUInt32(toUnixTimestamp(end)), ${STEP_S}) + 1) AS step
       GROUP BY step
       ORDER BY step WITH FILL FROM intDiv({from_ms:Int64}, ${STEP_S * 1000}) TO intDiv({to_ms:Int64}, ${STEP_S * 1000})
     )
     ORDER BY step`,
    rangeParams(range),
  );
  return rows.map((r) => ({ at: r.at, people: Number(r.people) }));
}
