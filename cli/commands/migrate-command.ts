/** `revisit migrate`: applies pending ClickHouse migrations; `--bi` prints (or, with `--apply`, runs) a ClickHouse server's BI access SQL. */
import { Command } from 'commander';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { checkDeployment } from '../../runtime/check-deployment.ts';
import { findOwner } from '../../runtime/owner/owner-client.ts';
import { openApiKeyStore } from '../../analytics-api/keys/open-api-key-store.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import {
  biDefinerStatements,
  biKeyDropStatements,
  biKeyName,
  biKeyStatements,
} from '../../schemas/clickhouse/bi/render-bi-key-sql.ts';

/** The server's BI SQL: the definer once, then each key of the configuration and the key store (revoked ones dropped). */
async function biAccessStatements(config: RevisitConfig): Promise<string[]> {
  const store = openApiKeyStore(config);
  try {
    const minCount = config.privacy.minCount;
    const fixed = config.api.keys.map((k) =>
      biKeyStatements({ name: biKeyName(k), tenant: k.tenant, sites: k.sites, passwordSha256: k.sha256, minCount }),
    );
    const stored = (await store.listStored()).map(({ record, sha256 }) => {
      const name = biKeyName({ id: record.id, sha256 });
      return record.revokedAtMs
        ? biKeyDropStatements(name)
        : biKeyStatements({ name, tenant: record.tenant, sites: record.sites, passwordSha256: sha256, minCount });
    });
    return [...biDefinerStatements(), ...fixed.flat(), ...stored.flat()];
  } finally {
    await store.close();
  }
}

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('Apply pending ClickHouse schema migrations')
    .option(
      '--bi',
      "print a ClickHouse server's BI access SQL: read-only users with quotas, one per API key (it logs in with the key), views bound to the key's tenant and sites",
    )
    .option(
      '--apply',
      'with --bi: run it against the configured server (clickhouse.url) as the configured user, who must be allowed to create users',
    )
    .action(async (opts: { bi?: boolean; apply?: boolean }) => {
      const config = loadConfig();
      if (opts.apply && !opts.bi) throw new Error('--apply goes with --bi');
      // --bi reads the API keys: in distributed mode they are in the shared Redis.
      checkDeployment(config, 'revisit migrate', { clickhouse: !opts.bi || opts.apply, redis: opts.bi });
      if (!opts.bi && (await findOwner(config))) {
        console.log(`a running revisit serve owns ${config.dataDir}: it applied the migrations when it started`);
        return;
      }
      if (opts.bi && !opts.apply) {
        console.log((await biAccessStatements(config)).map((s) => `${s};`).join('\n'));
        return;
      }
      if (opts.bi && !config.clickhouse.url)
        throw new Error(
          '--bi --apply needs a ClickHouse server (REVISIT_CLICKHOUSE_URL): embedded chdb has no users; BI goes through the API there',
        );
      const client = await createClickHouseClient(config);
      try {
        const applied = await applyMigrations(client);
        console.log(
          applied.length ? applied.map((m) => `applied ${m.version} ${m.name}`).join('\n') : 'schema is up to date',
        );
        if (opts.bi) {
          const statements = await biAccessStatements(config);
          for (const query of statements) await client.command({ query });
          console.log(`applied ${statements.length} BI access statements`);
        }
      } finally {
        await client.close();
      }
    });
}
