/** The period a report covers: whole local days of one site, and the parameters storage's visit sources take for it. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { localMidnightMs } from '../../storage/visit-model/local-day.ts';
import { COUNTED_VISITS } from '../../storage/visits-table.ts';

/** Local days `from` (inclusive) to `to` (exclusive), `YYYY-MM-DD`, in the site's time zone. */
export interface ReportRange {
  siteId: string;
  timeZone: string;
  from: string;
  to: string;
  /**
   * The site's entrance cameras (config `sites[].entranceCameras`): people they saw but could not
   * identify count in footfall. None: footfall counts identities only.
   */
  entranceCameras?: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Query parameters of a range: the local dates and the UTC instants of their midnights (COUNTED_VISITS reads `from_ms`, `to_ms`). */
export function rangeParams(r: ReportRange): Record<string, string | number> {
  if (!DATE.test(r.from) || !DATE.test(r.to))
    throw new Error(`report range must be local dates YYYY-MM-DD, got ${r.from}..${r.to}`);
  if (r.from >= r.to) throw new Error(`report range is empty: ${r.from}..${r.to}`);
  return {
    site: r.siteId,
    tz: r.timeZone,
    from_date: r.from,
    to_date: r.to,
    from_ms: localMidnightMs(r.from, r.timeZone),
    to_ms: localMidnightMs(r.to, r.timeZone),
  };
}

/** The visit rules versions behind a range's visits: every report names them. */
export async function rulesVersionsIn(client: ClickHouseClient, r: ReportRange): Promise<string[]> {
  const rows = await queryRows<{ v: string }>(
    client,
    `SELECT DISTINCT rules_version AS v FROM (${COUNTED_VISITS}) ORDER BY v`,
    rangeParams(r),
  );
  return rows.map((row) => row.v);
}
