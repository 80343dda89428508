/**
 * The four ways a BI client reaches the engine — /bi/ on the API port and the BI listener's root,
 * each by GET ?query= and by POST body, with the key as a header or as basic auth like JDBC — and
 * what an answer to the attacker may be: a refusal in ClickHouse's shape with a generic reason, or
 * rows of the attacker's own site only.
 */
import assert from 'node:assert/strict';
import { clickhouseErrorText, engineError } from '../../analytics-api/bi/bi-error.ts';
import { FOREIGN_SITES, OWN_SITE } from './plan-two-tenant-seed.ts';
import type { AttackTarget, Probe } from './start-attack-target.ts';

export interface BiChannel {
  name: string;
  send(sql: string): Promise<Probe>;
}

/** Longest GET request line that reaches the app: node's http server answers 431 past its 16 KiB header limit. */
const NODE_HEADER_BYTES = 16 * 1024;
const ERROR_BODY = /^Code: (\d+)\. DB::Exception: [^\n]*\. \(REVISIT_BI\)\n$/;
/** Columns of the raw tables only: an answer naming one has read what BI must not. */
const RAW_COLUMNS = /identity_id|visit_id|observation_id|t_start|is_new_identity/;

export function biChannels(target: AttackTarget, key: string): BiChannel[] {
  const basic = `Basic ${Buffer.from(`bi:${key}`).toString('base64')}`;
  const get = (base: string, headers: Record<string, string>) => (sql: string) =>
    target.probe(`${base}?default_format=JSONEachRow&query=${encodeURIComponent(sql)}`, { headers });
  const post = (base: string, headers: Record<string, string>) => (sql: string) =>
    target.probe(`${base}?default_format=JSONEachRow`, { method: 'POST', body: sql, headers });
  return [
    { name: 'API /bi/ GET (X-ClickHouse-Key)', send: get(`${target.apiUrl}/bi/`, { 'X-ClickHouse-Key': key }) },
    { name: 'API /bi/ POST (X-ClickHouse-Key)', send: post(`${target.apiUrl}/bi/`, { 'X-ClickHouse-Key': key }) },
    { name: 'BI listener GET (basic auth)', send: get(`${target.biUrl}/`, { Authorization: basic }) },
    { name: 'BI listener POST (basic auth)', send: post(`${target.biUrl}/`, { Authorization: basic }) },
  ];
}

/** JSONEachRow lines of a 200 answer. */
export function rowsOf(probe: Probe): Array<Record<string, unknown>> {
  assert.equal(probe.status, 200, `BI answered ${probe.status}: ${probe.text.slice(0, 300)}`);
  return probe.text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Why a 200 answer to the attacker is more than its own site's aggregates, or null. */
export function notOwnRowsOnly(probe: Probe): string | null {
  for (const site of FOREIGN_SITES) if (probe.text.includes(site)) return `names the foreign site ${site}`;
  if (probe.text.includes('bolt')) return 'names the other tenant';
  if (RAW_COLUMNS.test(probe.text)) return `carries a raw column (${RAW_COLUMNS.exec(probe.text)![0]})`;
  for (const line of probe.text.split('\n').filter(Boolean)) {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    const site = (row as { site_id?: unknown } | null)?.site_id;
    if (site !== undefined && site !== OWN_SITE) return `a row of site ${String(site)}`;
  }
  return null;
}

/** Why a refusal is not ClickHouse's error shape with the expected code, or null. */
export function notRefusedWith(probe: Probe, code: number): string | null {
  const got = probe.headers.get('x-clickhouse-exception-code');
  if (probe.status < 400 || got !== String(code))
    return `expected a refusal with code ${code}, got ${probe.status} with code ${got}: ${probe.text.slice(0, 200)}`;
  return ERROR_BODY.exec(probe.text)?.[1] === got
    ? null
    : `error body not in ClickHouse's shape: ${probe.text.slice(0, 200)}`;
}

/** Why an engine failure of a checked query says more than its code's one generic reason, or null. */
export function notGenericEngineError(probe: Probe): string | null {
  const code = Number(probe.headers.get('x-clickhouse-exception-code'));
  if (!code) return `no error code on a ${probe.status}: ${probe.text.slice(0, 200)}`;
  const generic = engineError(code);
  return probe.text === clickhouseErrorText(generic.code, generic.message)
    ? null
    : `not the generic text of code ${code}: ${probe.text.slice(0, 200)}`;
}

/** A GET whose request line is past node's header limit never reaches the app: 431 is its refusal. */
export function refusedByHttpServer(probe: Probe, sql: string): boolean {
  return probe.status === 431 && encodeURIComponent(sql).length > NODE_HEADER_BYTES / 2;
}
