// Runs the shared storage contract on embedded chdb, and over HTTP: on a ClickHouse server when
// REVISIT_TEST_CLICKHOUSE_URL is set (http://user:password@host:8123; the suite makes and drops a
// database of its own there), else on chdb behind the test harness's HTTP front.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../common/config.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { runStorageContract, type ContractStorage } from '../contracts/storage-contract.ts';
import { CLICKHOUSE_URL_ENV, useClickHouseServer } from '../harness/clickhouse-server.ts';

async function openEmbedded(): Promise<ContractStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-storage-contract-'));
  const client = await createClickHouseClient(loadConfig({ dataDir: dir }, {}));
  await applyMigrations(client);
  return {
    client,
    close: async () => {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openServer(): Promise<ContractStorage> {
  const server = await useClickHouseServer();
  const client = await createClickHouseClient(
    loadConfig({ clickhouse: { url: server.url, database: server.database } }, {}),
  );
  await applyMigrations(client);
  return {
    client,
    close: async () => {
      await client.close();
      await server.release();
    },
  };
}

runStorageContract('embedded chdb', openEmbedded);

// Over HTTP: a real server when REVISIT_TEST_CLICKHOUSE_URL is set, else chdb behind the test HTTP front (which this checks too).
const serverUrl = process.env[CLICKHOUSE_URL_ENV];
runStorageContract(
  serverUrl ? `ClickHouse server ${new URL(serverUrl).host}` : 'chdb behind the test HTTP front',
  openServer,
);
