// The BI attack corpus against a real `revisit serve`: every entry of analytics-api/bi/sql/attack-corpus.ts,
// plus attacks aimed at this deployment's own secrets (the canary files, the key and configuration
// files) and at a local listener, sent with a viewer key of one site over /bi/ and the BI listener,
// by GET and POST. Each is refused with its code or answered with the attacker's own rows only; at
// the end no answer and no log line held a canary, and the listener saw no connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ATTACK_CORPUS, type AttackCase } from '../../analytics-api/bi/sql/attack-corpus.ts';
import {
  biChannels,
  notGenericEngineError,
  notOwnRowsOnly,
  notRefusedWith,
  refusedByHttpServer,
  type BiChannel,
} from './bi-channels.ts';
import { startAttackTarget, type AttackTarget } from './start-attack-target.ts';

let target: AttackTarget;

before(async () => {
  // Thousands of queries from one key and one address: the rate limits are attacked in resource-attacks.test.ts.
  target = await startAttackTarget({ api: { addressRequestsPerMinute: 100_000 }, bi: { requestsPerMinute: 100_000 } });
});

after(async () => target?.remove());

/** The deployment's own secrets read by every file function and its paths reached by every network function. */
function aimedAttacks(files: string[], port: number): AttackCase[] {
  const reads = files.flatMap((p) => [
    `SELECT file('${p}')`,
    `SELECT toUInt8(\`file\`('${p}'))`,
    `SELECT * FROM file('${p}', 'RawBLOB')`,
    `SELECT * FROM "FILE"('${p}', 'RawBLOB')`,
    `SELECT * FROM default.file('${p}', 'RawBLOB')`,
    `SELECT * FROM bi_visitors_daily WHERE site_id = \`file\`('${p}')`,
    `SELECT * FROM bi_visitors_daily AS v, file('${p}', 'RawBLOB') AS f`,
  ]);
  const local = [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `[::1]:${port}`,
    `[::ffff:127.0.0.1]:${port}`,
    `2130706433:${port}`,
  ];
  const reaches = local.flatMap((host) => [
    `SELECT * FROM url('http://${host}/', 'RawBLOB')`,
    `SELECT * FROM \`url\`('http://${host}/x', 'CSV', 'a String')`,
    `SELECT toUInt8(\`url\`('http://${host}/x'))`,
    `SELECT * FROM s3('http://${host}/bucket/key', 'RawBLOB')`,
    `SELECT * FROM remote('${host}', 'default', 'visits')`,
    `SELECT * FROM mysql('${host}', 'db', 'visits', 'user', 'password')`,
    `SELECT * FROM postgresql('${host}', 'db', 'visits', 'user', 'password')`,
    `SELECT * FROM redis('${host}', 'k', 'k String, v String')`,
    `SELECT * FROM mongodb('${host}', 'db', 'c', 'user', 'password', 'x String')`,
    `SELECT * FROM azureBlobStorage('http://${host}', 'c', 'b')`,
    `SELECT * FROM urlCluster('default', 'http://${host}/')`,
    `SELECT * FROM hdfs('hdfs://${host}/x', 'RawBLOB')`,
  ]);
  return [...reads, ...reaches].map((sql) => ({ name: sql, sql, expect: 446 }));
}

interface Replayed {
  /** Entries whose answer was not as it must be, with why. */
  wrong: string[];
  /** How the others ended: refused with their code (431: by the HTTP server), answered with own rows, failed in the engine with a generic error. */
  outcomes: Record<'refused' | 'refused 431' | 'own rows' | 'generic engine error', number>;
}

/** Replays `cases` over one channel, judging each answer. */
async function replay(channel: BiChannel, cases: readonly AttackCase[]): Promise<Replayed> {
  const out: Replayed = {
    wrong: [],
    outcomes: { refused: 0, 'refused 431': 0, 'own rows': 0, 'generic engine error': 0 },
  };
  for (const c of cases) {
    const probe = await channel.send(c.sql);
    let outcome: keyof Replayed['outcomes'];
    let why: string | null;
    if (channel.name.includes('GET') && refusedByHttpServer(probe, c.sql)) [outcome, why] = ['refused 431', null];
    else if (c.expect !== 'passes') [outcome, why] = ['refused', notRefusedWith(probe, c.expect)];
    else if (probe.status === 200) [outcome, why] = ['own rows', notOwnRowsOnly(probe)];
    else [outcome, why] = ['generic engine error', notGenericEngineError(probe)];
    if (why) out.wrong.push(`${c.name}: ${why}`);
    else out.outcomes[outcome]++;
  }
  return out;
}

test('the corpus covers what issue 14 lists, and the attacker key sees its own rows through every channel', async () => {
  assert.ok(ATTACK_CORPUS.length >= 800, `${ATTACK_CORPUS.length} entries`);
  for (const what of [
    'table function file',
    'table function `url`',
    'table function "redis"',
    'table function default.s3',
    'scalar file',
    'scalar dictGet',
    'scalar joinGet',
    'system.tables (restricted)',
    'INFORMATION_SCHEMA.TABLES',
    'comma join with a raw table',
    'CTE named like a BI table over a raw table',
    'scalar subquery on a raw table',
    'SETTINGS',
    'SET',
    'INTO OUTFILE',
    'an unlisted format',
    'two statements',
    'block comment before a raw table',
    'fullwidth function name',
    'deep parentheses',
    'huge token count',
  ]) {
    assert.ok(
      ATTACK_CORPUS.some((c) => c.name === what),
      what,
    );
  }
  for (const channel of biChannels(target, target.keys.attacker)) {
    const probe = await channel.send('SELECT site_id, sum(visitors) AS v FROM bi_visitors_daily GROUP BY site_id');
    assert.equal(probe.status, 200, `${channel.name}: ${probe.text}`);
    assert.match(probe.text, /^\{"site_id":"acme-north","v":\d+\}\n$/, channel.name);
  }
});

for (const [i, name] of ['API /bi/ GET', 'API /bi/ POST', 'BI listener GET', 'BI listener POST'].entries()) {
  test(`every corpus entry over ${name}: refused with its code, or only the attacker's own rows`, async (t) => {
    const channel = biChannels(target, target.keys.attacker)[i];
    const before = target.probed();
    const { wrong, outcomes } = await replay(channel, ATTACK_CORPUS);
    assert.equal(
      target.probed() - before,
      ATTACK_CORPUS.length,
      'every entry was sent and its answer checked for canaries',
    );
    assert.deepEqual(wrong, [], `${wrong.length} of ${ATTACK_CORPUS.length} entries answered wrongly`);
    t.diagnostic(JSON.stringify(outcomes));
  });
}

test("attacks aimed at this deployment's canary, key and configuration files and at a local listener are refused on every channel", async () => {
  const files = [
    ...target.canaryFiles,
    target.keysFile,
    target.configFile,
    join(target.dataDir, 'api-keys.json'),
    join(target.dataDir, 'redis', 'appendonlydir'),
  ];
  const cases = aimedAttacks(files, target.listener.port);
  for (const channel of biChannels(target, target.keys.attacker)) {
    const { wrong, outcomes } = await replay(channel, cases);
    assert.deepEqual(wrong, [], channel.name);
    assert.equal(outcomes.refused, cases.length, channel.name);
  }
});

test('nothing leaked: no canary in any answer or log line, no connection to the listener, no file written', async (t) => {
  t.diagnostic(`${target.probed()} answers checked`);
  assert.ok(target.probed() >= 4 * ATTACK_CORPUS.length, `${target.probed()} answers checked`);
  await target.stopAndCheck();
});
