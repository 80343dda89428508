/** The `digest_runs` table (the digest ledger): what the scheduler has delivered, kept in ClickHouse so that restarts and replicas agree. The only place its SQL is written. */
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse/query-rows.ts';

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

/** One row per delivery (site, period, destination), replaced by run key: a later attempt, and a success over a failure, wins. */
export class DigestLedger {
  constructor(private readonly client: ClickHouseClient) {}

  /** The latest state of a delivery (null: never attempted). */
  async get(runKey: string): Promise<DeliveryState | null> {
    const [row] = await queryRows<{ status: 'sent' | 'failed'; attempts: number; last_error: string }>(
      this.client,
      'SELECT status, attempts, last_error FROM digest_runs FINAL WHERE run_key = {key:String}',
      { key: runKey },
    );
    return row ? { status: row.status, attempts: Number(row.attempts), lastError: row.last_error } : null;
  }

  /** Records an attempt's outcome (the error text cut to 2,000 characters). */
  async record(r: DeliveryRecord): Promise<void> {
    await this.client.insert({
      table: 'digest_runs',
      format: 'JSONEachRow',
      values: [
        {
          run_key: r.runKey,
          site_id: r.siteId,
          period_kind: r.periodKind,
          period_from: r.periodFrom,
          destination: r.destination,
          status: r.status,
          attempts: r.attempts,
          last_error: r.lastError.slice(0, 2000),
          version: r.attempts * 2 + (r.status === 'sent' ? 1 : 0),
        },
      ],
    });
  }

  /** Every delivery of a site, oldest period first: for operators and tests. */
  async list(siteId: string): Promise<DeliveryRecord[]> {
    const rows = await queryRows<Record<string, string | number>>(
      this.client,
      `SELECT run_key, site_id, period_kind, toString(period_from) AS period_from, destination, status, attempts, last_error
       FROM digest_runs FINAL WHERE site_id = {site:String} ORDER BY period_from, run_key`,
      { site: siteId },
    );
    return rows.map((r) => ({
      runKey: String(r.run_key),
      siteId: String(r.site_id),
      periodKind: String(r.period_kind),
      periodFrom: String(r.period_from),
      destination: String(r.destination),
      status: r.status as 'sent' | 'failed',
      attempts: Number(r.attempts),
      lastError: String(r.last_error),
    }));
  }
}
