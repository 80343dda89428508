// Runs the shared storage contract on embedded chdb, and on a ClickHouse server when
// REVISIT_TEST_CLICKHOUSE_URL is set (http://user:password@host:8123; the suite makes and drops a
// database of its own there).
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../common/config.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { runStorageContract, type ContractStorage } from '../contracts/storage-contract.ts';
import { uniqueName } from '../harness/unique-name.ts';

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

async function openServer(url: string): Promise<ContractStorage> {
  const server = new URL(url);
  server.pathname = '/'; // a database in the URL would win over the suite's own
  const database = uniqueName('revisit_contract').replace(/[^A-Za-z0-9_]/g, '_');
  const admin = await createClickHouseClient(loadConfig({ clickhouse: { url: server.href } }, {}));
  await admin.command({ query: `CREATE DATABASE ${database}` });
  const client = await createClickHouseClient(loadConfig({ clickhouse: { url: server.href, database } }, {}));
  await applyMigrations(client);
  return {
    client,
    close: async () => {
      await client.close();
      await admin.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` });
      await admin.close();
    },
  };
}

runStorageContract('embedded chdb', openEmbedded);

const serverUrl = process.env.REVISIT_TEST_CLICKHOUSE_URL;
if (serverUrl) runStorageContract(`ClickHouse server ${new URL(serverUrl).host}`, () => openServer(serverUrl));
else
  test('storage contract: ClickHouse server', {
    skip: 'REVISIT_TEST_CLICKHOUSE_URL is not set (e.g. http://default:password@127.0.0.1:8123): only embedded chdb was checked',
  }, () => {});
