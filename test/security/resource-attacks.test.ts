// Resource attacks against a real `revisit serve` listening on all addresses, with small limits: a
// cross join no limit lets finish, more queries at once than a key may run, floods through every
// key carrier and client-address header, failed logins; /metrics without a token on a public bind.
// Another tenant keeps being served throughout; at the end nothing leaked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OWN_SITE } from './plan-two-tenant-seed.ts';
import { startAttackTarget, type AttackTarget, type Probe } from './start-attack-target.ts';

const BI_PER_MINUTE = 20;
const API_PER_MINUTE = 30;
const FAILED_AUTH_PER_MINUTE = 5;
/** Engine codes of a query stopped by a limit (time, rows read, memory, result size). */
const LIMIT_CODES = ['158', '159', '241', '307', '396'];
const HEAVY = `SELECT sum(a.local_hour + b.local_hour + c.local_hour + d.local_hour) FROM bi_footfall_hourly a
  CROSS JOIN bi_footfall_hourly b CROSS JOIN bi_footfall_hourly c CROSS JOIN bi_footfall_hourly d`;

let target: AttackTarget;

before(async () => {
  target = await startAttackTarget({
    // A public bind: /metrics must refuse without a token, whoever asks.
    api: { host: '0.0.0.0', requestsPerMinute: API_PER_MINUTE, failedAuthPerMinute: FAILED_AUTH_PER_MINUTE },
    bi: {
      requestsPerMinute: BI_PER_MINUTE,
      perKeyConcurrency: 2,
      limits: { maxExecutionSeconds: 3, killMarginSeconds: 2 },
    },
  });
});

after(async () => target?.remove());

const junk = () => randomBytes(6).toString('hex');
const randomAddress = () =>
  `${1 + (randomBytes(1)[0] % 220)}.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
const biQuery = (base: string, sql: string, headers: Record<string, string>) =>
  target.probe(`${base}?query=${encodeURIComponent(sql)}`, { headers });

/** Allowed requests of a token bucket over `elapsedMs`: the bucket, plus what refilled meanwhile. */
const allowance = (perMinute: number, elapsedMs: number) => perMinute + Math.ceil((elapsedMs * perMinute) / 60_000);

test('/metrics on a public bind without a token: 403 even from this machine; the BI listener serves no metrics', async () => {
  const metrics = await target.probe(`${target.apiUrl}/metrics`);
  assert.equal(metrics.status, 403);
  assert.doesNotMatch(metrics.text, /# HELP|revisit_/);
  const onBi = await target.probe(`${target.biUrl}/metrics`);
  assert.doesNotMatch(onBi.text, /# HELP|revisit_/);
});

test("a cross join ends in a limit error, a key's third query at once is refused, and meanwhile another tenant's report, BI and /readyz answer", async (t) => {
  const key = { 'X-ClickHouse-Key': target.keys.attacker };
  const heavy = [1, 2, 3].map(() => biQuery(`${target.biUrl}/`, HEAVY, key));
  await sleep(1000);
  const { day1, day2 } = target.seed;
  const report = await target.probe(
    `${target.apiUrl}/api/v1/sites/bolt-central/reports/footfall?from=${day2}&to=${new Date().toISOString().slice(0, 10)}&granularity=day`,
    { headers: { authorization: `Bearer ${target.keys.tenantB}` } },
  );
  assert.equal(report.status, 200, report.text);
  assert.equal(JSON.parse(report.text).report.totals.visitors, 9);
  const bolt = await biQuery(
    `${target.apiUrl}/bi/`,
    `SELECT visitors FROM bi_visitors_daily WHERE local_date = '${day1}'`,
    { 'X-ClickHouse-Key': target.keys.tenantB },
  );
  assert.equal(bolt.text, '9\n');
  assert.equal((await target.probe(`${target.apiUrl}/readyz`)).status, 200);
  const ended = await Promise.all(heavy);
  const codes = ended.map((p) => p.headers.get('x-clickhouse-exception-code')).sort();
  t.diagnostic(`heavy queries ended with codes ${codes.join(', ')}`);
  assert.equal(codes.filter((c) => c === '202').length, 1, `one refused as a third query in flight: ${codes}`);
  for (const p of ended.filter((e) => e.headers.get('x-clickhouse-exception-code') !== '202')) {
    assert.ok(
      LIMIT_CODES.includes(p.headers.get('x-clickhouse-exception-code')!),
      `a limit stopped it: ${p.status} ${p.text}`,
    );
  }
});

test('the BI rate limit is per key, whatever carries the key and wherever it is sent', async () => {
  const key = target.keys.attacker;
  const carriers: Array<[string, (sql: string) => Promise<Probe>]> = [
    [
      'BI listener, header',
      (sql) => biQuery(`${target.biUrl}/`, sql, { 'X-ClickHouse-Key': key, 'X-Forwarded-For': randomAddress() }),
    ],
    [
      'BI listener, basic auth',
      (sql) =>
        biQuery(`${target.biUrl}/`, sql, {
          Authorization: `Basic ${Buffer.from(`${junk()}:${key}`).toString('base64')}`,
        }),
    ],
    [
      '/bi/, password=',
      (sql) =>
        target.probe(
          `${target.apiUrl}/bi/?password=${encodeURIComponent(key)}&user=${junk()}&query=${encodeURIComponent(sql)}`,
        ),
    ],
    [
      '/bi/, header and junk Authorization',
      (sql) =>
        biQuery(`${target.apiUrl}/bi/`, sql, {
          'X-ClickHouse-Key': key,
          Authorization: `Bearer ${junk()}`,
          'X-Real-IP': randomAddress(),
        }),
    ],
  ];
  const started = Date.now();
  let admitted = 0;
  const limited = new Set<string>();
  for (let i = 0; i < 3 * BI_PER_MINUTE; i++) {
    const [name, send] = carriers[i % carriers.length];
    const p = await send(`SELECT count() FROM bi_visitors_daily WHERE site_id = '${OWN_SITE}'`);
    if (p.status === 200) admitted++;
    else {
      assert.equal(p.headers.get('x-clickhouse-exception-code'), '201', `${name}: ${p.text}`);
      limited.add(name);
    }
  }
  assert.ok(admitted <= allowance(BI_PER_MINUTE, Date.now() - started), `${admitted} queries admitted`);
  assert.deepEqual([...limited].sort(), carriers.map(([n]) => n).sort(), 'every carrier was limited');
  const other = await biQuery(`${target.biUrl}/`, 'SELECT 1', { 'X-ClickHouse-Key': target.keys.tenantB });
  assert.equal(other.status, 200, "another key's budget is its own");
});

test('the API rate limit is per key id: a junk Authorization beside X-API-Key, header case or a forged client address do not reset it', async () => {
  const key = target.keys.attacker;
  const carriers: Array<[string, Record<string, string>]> = [
    ['Bearer', { authorization: `Bearer ${key}` }],
    ['bearer, lower case', { authorization: `bearer ${key}` }],
    ['X-API-Key', { 'x-api-key': key }],
    ['X-API-Key and a junk Authorization', { 'x-api-key': key, authorization: `Bearer ${junk()}` }],
    ['forged X-Forwarded-For', { authorization: `Bearer ${key}`, 'x-forwarded-for': randomAddress() }],
  ];
  const started = Date.now();
  let admitted = 0;
  const limited = new Set<string>();
  for (let i = 0; i < 3 * API_PER_MINUTE; i++) {
    const [name, headers] = carriers[i % carriers.length];
    const p = await target.probe(`${target.apiUrl}/api/v1/sites`, { headers });
    if (p.status === 200) admitted++;
    else {
      assert.equal(p.status, 429, `${name}: ${p.text}`);
      limited.add(name);
    }
  }
  assert.ok(admitted <= allowance(API_PER_MINUTE, Date.now() - started), `${admitted} requests admitted`);
  assert.deepEqual([...limited].sort(), carriers.map(([n]) => n).sort(), 'every carrier was limited');
  assert.equal(
    (
      await target.probe(`${target.apiUrl}/api/v1/sites`, {
        headers: { authorization: `Bearer ${target.keys.tenantB}` },
      })
    ).status,
    200,
  );
});

test('failed logins are limited per address before any key is checked, whatever headers claim; the BI listener shares the budget', async () => {
  const statuses: number[] = [];
  for (let i = 0; i <= FAILED_AUTH_PER_MINUTE; i++) {
    const headers = {
      authorization: `Bearer rv_${junk()}_${junk()}`,
      'x-forwarded-for': randomAddress(),
      'x-real-ip': randomAddress(),
      forwarded: `for=${randomAddress()}`,
    };
    statuses.push((await target.probe(`${target.apiUrl}/api/v1/sites`, { headers })).status);
  }
  assert.deepEqual(statuses, [...Array(FAILED_AUTH_PER_MINUTE).fill(401), 429]);
  assert.equal(
    (
      await target.probe(`${target.apiUrl}/api/v1/sites`, {
        headers: { authorization: `Bearer ${target.keys.tenantB}` },
      })
    ).status,
    429,
    'not even a valid key from this address',
  );
  const bi = await biQuery(`${target.biUrl}/`, 'SELECT 1', { 'X-ClickHouse-Key': target.keys.tenantB });
  assert.equal(bi.status, 429);
  assert.equal(bi.headers.get('x-clickhouse-exception-code'), '201');
});

test('nothing leaked: no canary in any answer or log line, no connection to the listener, no file written', async (t) => {
  t.diagnostic(`${target.probed()} answers checked`);
  await target.stopAndCheck();
});
