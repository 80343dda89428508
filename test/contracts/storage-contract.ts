/**
 * The one behavioural suite every ClickHouse behind storage/ must pass: embedded chdb and a
 * ClickHouse server. Each table module's writes and reads, as the worker and the reports rely on them.
 */
import { after, before, describe } from 'node:test';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { uniqueName } from '../harness/unique-name.ts';
import { checkRecordTables } from './check-record-tables.ts';
import { checkVisitTables } from './check-visit-tables.ts';

/** A migrated database no other suite writes to, and how to let it go. */
export interface ContractStorage {
  client: ClickHouseClient;
  close(): Promise<void>;
}

/** Registers the suite for one ClickHouse; `open` gives a fresh, migrated database. */
export function runStorageContract(name: string, open: () => Promise<ContractStorage>): void {
  describe(`storage contract: ${name}`, () => {
    let storage: ContractStorage | undefined;
    const ctx = {
      get client(): ClickHouseClient {
        if (!storage) throw new Error('the storage under test is not open');
        return storage.client;
      },
      /** A site of its own per check: the suite shares one database. */
      site: () => uniqueName('site'),
    };

    before(async () => {
      storage = await open();
    });
    after(async () => {
      await storage?.close();
    });

    checkVisitTables(ctx);
    checkRecordTables(ctx);
  });
}
