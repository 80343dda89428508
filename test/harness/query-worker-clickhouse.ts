/** Reads a stopped worker process's embedded ClickHouse from a child process (one chdb engine per process). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';

const SELF = fileURLToPath(import.meta.url);

/**
 * Runs `query` on the chdb under `dataDir` (the worker that owned it must have exited) and
 * returns its rows. A child process per call: a test that checks several workers' stores
 * cannot open their engines side by side in its own process.
 */
export async function queryWorkerClickHouse<T>(dataDir: string, query: string): Promise<T[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, dataDir, query], { maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

if (process.argv[1] === SELF) {
  const [dataDir, query] = process.argv.slice(2);
  const clickhouse = await createClickHouseClient({ dataDir, clickhouse: { username: 'default', password: '', database: 'default' } });
  try {
    const rows = await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<unknown>();
    process.stdout.write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  } finally {
    await clickhouse.close();
  }
}
