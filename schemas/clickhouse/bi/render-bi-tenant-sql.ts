/** Renders the per-server and per-tenant BI access SQL (read-only users, definer views, row policies) for a ClickHouse server. */
import { readFileSync } from 'node:fs';
import { splitStatements } from '../apply-migrations.ts';

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');

export interface BiTenantSqlInput {
  tenant: string;
  /** Hex sha256 of the BI user's password. */
  passwordSha256: string;
  minCount?: number;
}

/** The statements to run once per server (the definer, its grants, the read-only profile). */
export function biDefinerStatements(): string[] {
  return splitStatements(read('./01_bi_definer.sql'));
}

/** The statements to run for one tenant; throws for a tenant name that is not a plain identifier. */
export function biTenantStatements(input: BiTenantSqlInput): string[] {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(input.tenant)) throw new Error(`tenant "${input.tenant}" must be letters, digits or _ to name a database and a user`);
  if (!/^[0-9a-f]{64}$/.test(input.passwordSha256)) throw new Error('passwordSha256 must be 64 lower-case hex digits');
  const minCount = input.minCount ?? 5;
  if (!Number.isInteger(minCount) || minCount < 2) throw new Error('minCount must be an integer ≥ 2');
  const sql = read('./02_bi_tenant.sql')
    .replaceAll('{{tenant}}', input.tenant)
    .replaceAll('{{password_sha256}}', input.passwordSha256)
    .replaceAll('{{min_count}}', String(minCount));
  return splitStatements(sql);
}
