/** A ClickHouse reachable over HTTP for tests of the distributed services: the server of REVISIT_TEST_CLICKHOUSE_URL, else chdb behind our HTTP front. */
import { loadConfig } from '../../common/config.ts';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { startChdbHttpServer, type ChdbHttpServer } from './chdb-http-server.ts';
import { uniqueName } from './unique-name.ts';

/** A real ClickHouse server for the tests (http://user:password@host:8123); its user must create and drop databases. */
export const CLICKHOUSE_URL_ENV = 'REVISIT_TEST_CLICKHOUSE_URL';

export interface ClickHouseService {
  /** The server's URL (credentials included when the variable had them), without a database. */
  url: string;
  /** A database of this caller's own, dropped on release. */
  database: string;
  /** What answers: "ClickHouse server host:port" or "chdb behind the test HTTP front". */
  label: string;
  /** True when a real ClickHouse server answers (REVISIT_TEST_CLICKHOUSE_URL). */
  real: boolean;
  release(): Promise<void>;
}

let front: Promise<ChdbHttpServer> | undefined;
let frontUsers = 0;

/**
 * A fresh database on the configured server, or on a chdb HTTP front started on first use in
 * this process (stopped when its last user releases it).
 */
export async function useClickHouseServer(): Promise<ClickHouseService> {
  const configured = process.env[CLICKHOUSE_URL_ENV];
  let url: string;
  if (configured) {
    const server = new URL(configured);
    server.pathname = '/'; // a database in the URL would win over the caller's own
    url = server.href;
  } else {
    frontUsers += 1;
    front ??= startChdbHttpServer();
    url = (await front).url;
  }
  const database = uniqueName('revisit_test').replace(/[^A-Za-z0-9_]/g, '_');
  const admin = await createClickHouseClient(loadConfig({ clickhouse: { url } }, {}));
  try {
    await admin.command({ query: `CREATE DATABASE ${database}` });
  } finally {
    await admin.close();
  }
  return {
    url,
    database,
    label: configured ? `ClickHouse server ${new URL(configured).host}` : 'chdb behind the test HTTP front',
    real: Boolean(configured),
    release: async () => {
      const client = await createClickHouseClient(loadConfig({ clickhouse: { url } }, {}));
      await client.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` }).finally(() => client.close());
      if (configured) return;
      frontUsers -= 1;
      if (frontUsers > 0 || !front) return;
      const stopping = front;
      front = undefined;
      await (await stopping).stop();
    },
  };
}
