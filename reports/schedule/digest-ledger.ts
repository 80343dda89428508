/** What the scheduler has delivered, kept in ClickHouse so that restarts and replicas agree. */
import type { ClickHouseClient } from '@clickhouse/client';

export interface DeliveryState {
  status: 'sent' | 'failed';
  attempts: number;
  lastError: string;
}

export interface DeliveryRecord extends DeliveryState {
  runKey: string;
  siteId: string;
  periodKind: string;
  periodFrom: string;
  destination: string;
}

export class DigestLedger {
  constructor(private readonly client: ClickHouseClient) {}

  async get(runKey: string): Promise<DeliveryState | null> {
    const result = await this.client.query({
      query: 'SELECT status, attempts, last_error FROM digest_runs FINAL WHERE run_key = {key:String}',
      query_params: { key: runKey },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ status: 'sent' | 'failed'; attempts: number; last_error: string }>();
    return row ? { status: row.status, attempts: Number(row.attempts), lastError: row.last_error } : null;
  }

  async record(r: DeliveryRecord): Promise<void> {
    await this.client.insert({
      table: 'digest_runs',
      format: 'JSONEachRow',
      values: [{
        run_key: r.runKey, site_id: r.siteId, period_kind: r.periodKind, period_from: r.periodFrom, destination: r.destination,
        status: r.status, attempts: r.attempts, last_error: r.lastError.slice(0, 2000), version: r.attempts * 2 + (r.status === 'sent' ? 1 : 0),
      }],
    });
  }

  /** Every delivery of a site, oldest period first: for operators and tests. */
  async list(siteId: string): Promise<DeliveryRecord[]> {
    const result = await this.client.query({
      query: `SELECT run_key, site_id, period_kind, toString(period_from) AS period_from, destination, status, attempts, last_error
              FROM digest_runs FINAL WHERE site_id = {site:String} ORDER BY period_from, run_key`,
      query_params: { site: siteId },
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, string | number>>();
    return rows.map((r) => ({
      runKey: String(r.run_key), siteId: String(r.site_id), periodKind: String(r.period_kind), periodFrom: String(r.period_from),
      destination: String(r.destination), status: r.status as 'sent' | 'failed', attempts: Number(r.attempts), lastError: String(r.last_error),
    }));
  }
}
