/** `revisit keys create|list|revoke`: API keys of tenants, scoped to their sites. */
import { Command, Option } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { checkDeployment } from '../../runtime/check-deployment.ts';
import { openApiKeyStore } from '../../analytics-api/keys/open-api-key-store.ts';
import { apiRoleSchema, type ApiRole } from '../../schemas/api-key.schema.ts';
import { printTable } from '../../common/print-table.ts';

async function withStore<T>(
  fn: (store: ReturnType<typeof openApiKeyStore>, config: ReturnType<typeof loadConfig>) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  // Embedded keys are a file the API re-reads (safe beside a running serve); distributed ones live in the shared Redis.
  checkDeployment(config, 'revisit keys', { redis: true });
  const store = openApiKeyStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('Manage API keys (hashed at rest; a secret is shown once, at creation)');
  keys
    .command('create')
    .description('Create a key for a tenant and print it')
    .requiredOption('--tenant <tenant>', 'tenant the key belongs to')
    .addOption(new Option('--role <role>', 'what the key may do').choices(apiRoleSchema.options).default('viewer'))
    .option('--sites <ids>', 'comma-separated sites of the tenant the key may read (default: all of them)')
    .option('--label <text>', 'a note: who or what uses the key', '')
    .action((opts: { tenant: string; role: ApiRole; sites?: string; label: string }) =>
      withStore(async (store, config) => {
        const own = config.sites.filter((s) => s.tenant === opts.tenant).map((s) => s.id);
        if (own.length === 0) throw new Error(`tenant "${opts.tenant}" has no configured site`);
        const sites = opts.sites ? opts.sites.split(',').map((s) => s.trim()) : '*';
        const foreign = sites === '*' ? [] : sites.filter((s) => !own.includes(s));
        if (foreign.length) throw new Error(`not sites of tenant "${opts.tenant}": ${foreign.join(', ')}`);
        const { record, key } = await store.create({ tenant: opts.tenant, role: opts.role, sites, label: opts.label });
        console.log(
          `created key ${record.id} (${record.role}, tenant ${record.tenant}, sites ${sites === '*' ? 'all' : sites.join(',')})`,
        );
        console.log(key);
      }),
    );
  keys
    .command('list')
    .description('List keys (never their secrets)')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--json', 'print the keys as a JSON array')
    .action((opts: { tenant?: string; json?: boolean }) =>
      withStore(async (store) => {
        const records = await store.list(opts.tenant);
        const rows = records.map((r) => ({
          id: r.id,
          tenant: r.tenant,
          role: r.role,
          sites: r.sites === '*' ? '*' : r.sites.join(','),
          state: r.revokedAtMs ? `revoked ${new Date(r.revokedAtMs).toISOString()}` : 'active',
          label: r.label,
        }));
        if (opts.json) return console.log(JSON.stringify(rows));
        if (rows.length === 0)
          return console.log(
            `no API keys${opts.tenant ? ` for tenant "${opts.tenant}"` : ''} yet: create one with revisit keys create --tenant <tenant>`,
          );
        printTable(`API keys${opts.tenant ? ` of tenant "${opts.tenant}"` : ''}`, rows);
      }),
    );
  keys
    .command('revoke')
    .description('Revoke a key by id; it stops working at once')
    .argument('<id>', 'key id as shown by list')
    .action((id: string) =>
      withStore(async (store) => {
        if (!(await store.revoke(id))) throw new Error(`no key with id ${id}`);
        console.log(`revoked ${id}`);
      }),
    );
  return keys;
}
