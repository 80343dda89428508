/** The `calibration_scores` table: label-free score pairs binned per site, day and camera pair, the only place its SQL is written. */
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse/query-rows.ts';

/** Pairs of one kind and source whose cosine fell in one bin, on one UTC day and camera pair. */
export interface CalibrationScoreRow {
  siteId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  cameraA: string;
  cameraB: string;
  kind: 'impostor' | 'genuine' | 'new_identity';
  source: string;
  bin: number;
  pairs: number;
}

/** Adds pair counts (the table sums rows of one key: each observation's pairs are written once). */
export async function insertCalibrationScores(client: ClickHouseClient, rows: CalibrationScoreRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table: 'calibration_scores',
    format: 'JSONEachRow',
    values: rows.map((r) => ({
      site_id: r.siteId,
      day: r.day,
      camera_a: r.cameraA,
      camera_b: r.cameraB,
      kind: r.kind,
      source: r.source,
      bin: r.bin,
      pairs: r.pairs,
    })),
  });
}

/** A site's pairs from `from` to `to` (UTC days, inclusive), summed per camera pair, kind, source and bin. */
export async function readCalibrationScores(
  client: ClickHouseClient,
  siteId: string,
  from: string,
  to: string,
): Promise<Array<Omit<CalibrationScoreRow, 'siteId' | 'day'>>> {
  const rows = await queryRows<{
    camera_a: string;
    camera_b: string;
    kind: 'impostor' | 'genuine' | 'new_identity';
    source: string;
    bin: number;
    pairs: string | number;
  }>(
    client,
    `SELECT camera_a, camera_b, kind, source, bin, sum(pairs) AS pairs FROM calibration_scores
     WHERE site_id = {site:String} AND day BETWEEN {from:Date} AND {to:Date}
     GROUP BY camera_a, camera_b, kind, source, bin`,
    { site: siteId, from, to },
  );
  return rows.map((r) => ({
    cameraA: r.camera_a,
    cameraB: r.camera_b,
    kind: r.kind,
    source: r.source,
    bin: Number(r.bin),
    pairs: Number(r.pairs),
  }));
}
