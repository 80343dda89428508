/**
 * Renders the BI access SQL of a ClickHouse server: once per server (the definer, the read-only
 * profile, the role and its quota) and once per API key (a database of definer views bound to the
 * key's tenant, sites and minimum count, a user logging in with the key, a row policy).
 */
import { readFileSync } from 'node:fs';
import { splitStatements } from '../list-migrations.ts';
import { ID_PATTERN } from '../../id.schema.ts';

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');

/** The tables behind the BI views: the row policy of a key's user covers each. */
const POLICY_TABLES =
  'default.visits, default.footfall_hourly, default.visitors_daily, default.camera_transitions_daily';

export interface BiKeySqlInput {
  /** The key's name in SQL (`biKeyName`): its database is revisit_bi_<name>, its user bi_<name>. */
  name: string;
  tenant: string;
  /** The key's sites, or every site of its tenant. */
  sites: '*' | string[];
  /** Hex sha256 of the API key: the user's password is the key itself. */
  passwordSha256: string;
  /** privacy.minCount. */
  minCount: number;
}

/** The statements to run once per server (the definer and its grants, the read-only profile, the BI role and quota). */
export function biDefinerStatements(): string[] {
  return splitStatements(read('./01_bi_definer.sql'));
}

/**
 * A key's name in SQL: `k<id>` for keys of the key store (ids are 8 hex digits), `c<first 12 hex
 * of its sha256>` for keys fixed in configuration (their place in the list is no stable id).
 */
export function biKeyName(key: { id?: string; sha256: string }): string {
  return key.id ? `k${key.id}` : `c${key.sha256.slice(0, 12)}`;
}

/** Every value goes into SQL only after these checks: none of them can close a quoted literal or an identifier. */
function check(input: BiKeySqlInput): void {
  if (!/^[a-z0-9_]{1,40}$/.test(input.name))
    throw new Error(`BI key name "${input.name}" must be 1–40 lower-case letters, digits or _`);
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(input.tenant))
    throw new Error(`tenant "${input.tenant}" must be letters, digits or _ . : - to be written into SQL`);
  if (input.sites !== '*' && (input.sites.length === 0 || !input.sites.every((s) => ID_PATTERN.test(s))))
    throw new Error(`sites ${JSON.stringify(input.sites)} must be site ids (letters, digits, . _ : -)`);
  if (!/^[0-9a-f]{64}$/.test(input.passwordSha256)) throw new Error('passwordSha256 must be 64 lower-case hex digits');
  if (!Number.isInteger(input.minCount) || input.minCount < 2 || input.minCount > 1000)
    throw new Error('minCount must be an integer from 2 to 1000');
}

/** The statements that give one API key its BI access on a server; throws for any value that is not plainly safe in SQL. */
export function biKeyStatements(input: BiKeySqlInput): string[] {
  check(input);
  const list = input.sites === '*' ? '' : `site_id IN (${input.sites.map((s) => `'${s}'`).join(', ')})`;
  const sql = read('./02_bi_key.sql')
    .replaceAll('{{site_filter}}', list && ` WHERE ${list}`)
    .replaceAll('{{site_condition}}', list && ` AND ${list}`)
    .replaceAll('{{name}}', input.name)
    .replaceAll('{{tenant}}', input.tenant)
    .replaceAll('{{password_sha256}}', input.passwordSha256)
    .replaceAll('{{min_count}}', String(input.minCount));
  return splitStatements(sql);
}

/** The statements that take a revoked key's BI access away again. */
export function biKeyDropStatements(name: string): string[] {
  if (!/^[a-z0-9_]{1,40}$/.test(name))
    throw new Error(`BI key name "${name}" must be 1–40 lower-case letters, digits or _`);
  return [
    `DROP USER IF EXISTS bi_${name}`,
    `DROP ROW POLICY IF EXISTS bi_${name}_rows ON ${POLICY_TABLES}`,
    `DROP DATABASE IF EXISTS revisit_bi_${name}`,
  ];
}
