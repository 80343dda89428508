/** Where visitors go: top camera paths (repeats collapsed) and camera-to-camera transitions for a Sankey. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { rangeParams, rulesVersionsIn, type ReportRange } from './report-range.ts';
import { COUNTED_VISITS } from '../../storage/visits-table.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';

export interface TopPaths {
  /** Closed counted visits with a path. */
  visits: number;
  paths: Array<{ path: string[]; visits: number; share: number }>;
  rulesVersions: string[];
}

export interface Transitions {
  /** Sankey-ready: nodes are cameras, links carry the visits that went from one to the next. */
  nodes: string[];
  links: Array<{ from: string; to: string; visits: number }>;
  rulesVersions: string[];
}

/** The most common collapsed camera sequences of closed visits (ties broken by path, for stable output). */
export async function queryTopPaths(client: ClickHouseClient, range: ReportRange, limit = 10): Promise<TopPaths> {
  const params = { ...rangeParams(range), limit };
  const [rows, [total], rulesVersions] = await Promise.all([
    queryRows<{ path: string[]; visits: string }>(
      client,
      `SELECT path, count() AS visits FROM (${COUNTED_VISITS}) WHERE status = 'closed'
       GROUP BY path ORDER BY visits DESC, path LIMIT {limit:UInt32}`,
      params,
    ),
    queryRows<{ visits: string }>(
      client,
      `SELECT count() AS visits FROM (${COUNTED_VISITS}) WHERE status = 'closed'`,
      params,
    ),
    rulesVersionsIn(client, range),
  ]);
  const visits = Number(total.visits);
  return {
    visits,
    paths: rows.map((r) => ({
      path: r.path,
      visits: Number(r.visits),
      share: visits > 0 ? Number(r.visits) / visits : 0,
    })),
    rulesVersions,
  };
}

/** Camera-to-camera transitions over the range, from the transitions aggregate. */
export async function queryTransitions(client: ClickHouseClient, range: ReportRange): Promise<Transitions> {
  const params = rangeParams(range);
  const [rows, rulesVersions] = await Promise.all([
    queryRows<{ from_camera: string; to_camera: string; visits: string }>(
      client,
      `SELECT from_camera, to_camera, uniqExactMerge(visits) AS visits FROM camera_transitions_daily
       WHERE site_id = {site:String} AND local_date >= {from_date:Date} AND local_date < {to_date:Date}
       GROUP BY from_camera, to_camera ORDER BY visits DESC, from_camera, to_camera`,
      params,
    ),
    rulesVersionsIn(client, range),
  ]);
  const links = rows.map((r) => ({ from: r.from_camera, to: r.to_camera, visits: Number(r.visits) }));
  const nodes = [...new Set(links.flatMap((l) => [l.from, l.to]))].sort();
  return { nodes, links, rulesVersions };
}

/**
 * How many visits reached each step of a camera funnel in order (ClickHouse's windowFunnel over
 * each visit's collapsed path): e.g. entrance → zone-a → checkout.
 */
export async function queryPathFunnel(
  client: ClickHouseClient,
  range: ReportRange,
  steps: string[],
): Promise<Array<{ step: string; visits: number }>> {
  if (steps.length < 2 || steps.length > 8) throw new Error('a funnel has 2 to 8 steps');
  const conditions = steps.map((_, i) => `camera = {step${i}:String}`).join(', ');
  const stepParams = Object.fromEntries(steps.map((s, i) => [`step${i}`, s]));
  const rows = await queryRows<{ level: number; visits: string }>(
    client,
    `SELECT level, count() AS visits FROM (
       SELECT visit_id, windowFunnel(4294967295)(toUInt32(i), ${conditions}) AS level
       FROM (${COUNTED_VISITS}) ARRAY JOIN path AS camera, arrayEnumerate(path) AS i
       GROUP BY visit_id
     ) GROUP BY level`,
    { ...rangeParams(range), ...stepParams },
  );
  const atLevel = new Map(rows.map((r) => [Number(r.level), Number(r.visits)]));
  return steps.map((step, i) => ({
    step,
    visits: [...atLevel].filter(([level]) => level > i).reduce((sum, [, n]) => sum + n, 0),
  }));
}
