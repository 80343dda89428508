// Distributed mode cannot be half-configured: with Kafka configured, every service that reads or
// writes analytics refuses to start without a ClickHouse URL, in one line naming the setting, and
// opens no embedded store; an erasure that cannot reach the shared ClickHouse or Redis fails in
// one line naming it instead of reporting success. Each command runs as the operator would start it, with
// only its own environment. The refusals come before any connection: the Kafka and Redis
// addresses here answer nothing (distributed-deployment.test.ts runs the real thing).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { isolatedEnv, startRevisitProcess } from '../harness/start-revisit-process.ts';
import { startChdbHttpServer } from '../harness/chdb-http-server.ts';

let dir: string;
/** Addresses nothing listens on: a refusal must not depend on reaching them. */
let nowhere: { kafka: string; redis: string; clickhouse: string };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-refusals-'));
  const [kafka, redis, clickhouse] = [await findFreePort(), await findFreePort(), await findFreePort()];
  nowhere = {
    kafka: `127.0.0.1:${kafka}`,
    redis: `redis://127.0.0.1:${redis}`,
    clickhouse: `http://127.0.0.1:${clickhouse}`,
  };
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** A face to forget: any unit embedding (the erasure must fail before it is compared). */
function writeFace(): string {
  const face = join(dir, 'face.json');
  writeFileSync(face, JSON.stringify(Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0))));
  return face;
}

/** A distributed configuration: sites, Kafka, shared keys, plus `stores`. */
function writeConfig(name: string, stores: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'store-a', name: 'Store A' }],
      kafka: { brokers: [nowhere.kafka] },
      encryption: { keys: { k1: randomBytes(32).toString('base64') } },
      bi: { port: 'off' },
      ...stores,
    }),
  );
  return file;
}

test('with Kafka configured, every service that reads or writes analytics refuses to start without a ClickHouse URL, in one line naming the setting', async () => {
  const config = writeConfig('no-clickhouse', {
    redis: { url: nowhere.redis },
    digests: {
      schedules: [{ site: 'store-a', period: 'day', cron: '0 7 * * *', deliver: [{ kind: 'folder', dir: 'x' }] }],
    },
  });
  for (const command of [['worker'], ['serve'], ['scheduler'], ['report', '--site', 'store-a']]) {
    const home = join(dir, 'homes', command[0]);
    const child = startRevisitProcess(command, isolatedEnv(home, config));
    assert.equal(await child.exited, 1, `${command[0]} exits 1`);
    const lines = child.output().trim().split('\n');
    assert.equal(lines.length, 1, `${command[0]}: one line\n${child.output()}`);
    assert.match(
      lines[0],
      /^revisit: revisit \w+: Kafka is configured \(distributed mode\) but clickhouse\.url is not: set REVISIT_CLICKHOUSE_URL/,
    );
    assert.equal(existsSync(join(home, 'data', 'clickhouse')), false, `${command[0]} opened no embedded store`);
  }
});

test('an erasure that cannot reach the shared ClickHouse says so in one line and fails, instead of reporting success', async () => {
  const config = writeConfig('unreachable', { clickhouse: { url: nowhere.clickhouse }, redis: { url: nowhere.redis } });
  const face = writeFace();
  const forget = startRevisitProcess(
    ['forget', '--site', 'store-a', '--embedding', face, '--json'],
    isolatedEnv(join(dir, 'homes', 'forget'), config),
  );
  assert.equal(await forget.exited, 1, forget.output());
  const lines = forget.output().trim().split('\n');
  assert.equal(lines.length, 1, forget.output());
  const server = nowhere.clickhouse.replaceAll('.', '\\.');
  assert.match(lines[0], new RegExp(`^revisit: the ClickHouse server at ${server}/ \\(clickhouse\\.url\\): `));
  assert.doesNotMatch(forget.output(), /identitiesRemoved|rowsDeleted|erased/);
});

test('an erasure that reaches ClickHouse but not Redis names Redis and its cause in one line, and fails', async () => {
  const clickhouse = await startChdbHttpServer();
  try {
    const config = writeConfig('no-redis', { clickhouse: { url: clickhouse.url }, redis: { url: nowhere.redis } });
    const face = writeFace();
    const forget = startRevisitProcess(
      ['forget', '--site', 'store-a', '--embedding', face, '--json'],
      isolatedEnv(join(dir, 'homes', 'forget-no-redis'), config),
    );
    assert.equal(await forget.exited, 1, forget.output());
    const lines = forget.output().trim().split('\n');
    assert.equal(lines.length, 1, `one line, no ioredis noise:\n${forget.output()}`);
    const server = nowhere.redis.replaceAll('.', '\\.');
    assert.match(
      lines[0],
      new RegExp(`^revisit: the Redis server at ${server} \\(redis\\.url\\): connect ECONNREFUSED`),
    );
  } finally {
    await clickhouse.stop();
  }
});
