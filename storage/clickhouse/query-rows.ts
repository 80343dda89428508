/** The one way storage reads rows: a parameterised query, its result as JSON objects. */
import type { ClickHouseClient } from '@clickhouse/client';

/** Runs a query (values only as `{name:Type}` parameters, never spliced in) and returns its rows. */
export async function queryRows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  return (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}
