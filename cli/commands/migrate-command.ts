/** `revisit migrate`: applies pending ClickHouse migrations. */
import { Command } from 'commander';
import { createClickHouseClient } from '../../common/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../../common/config.ts';
import { applyMigrations } from '../../schemas/index.ts';

export function migrateCommand(): Command {
  return new Command('migrate').description('Apply pending ClickHouse schema migrations').action(async () => {
    const client = await createClickHouseClient(loadConfig());
    try {
      const applied = await applyMigrations(client);
      console.log(applied.length ? applied.map((m) => `applied ${m.version} ${m.name}`).join('\n') : 'schema is up to date');
    } finally {
      await client.close();
    }
  });
}
