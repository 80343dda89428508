// The visit maintainer on embedded ClickHouse with a fake clock: taking sites over, closed visits
// kept pending through a failed write, the sweep timer under the registry lock, merges.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import type { Sighting } from '../../schemas/index.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { insertSightings, rekeyMergedSightings } from '../../storage/sightings-table.ts';
import { RegistryLock } from '../erasure/registry-lock.ts';
import { VisitMaintainer } from './visit-maintainer.ts';
import { makeSighting } from '../../test/contracts/storage-fixtures.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-02T08:00:00Z');

let dir: string;
let clickhouse: ClickHouseClient;
let config: RevisitConfig;
let nowMs = T0;
let seq = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-maintainer-'));
  config = loadConfig(
    { dataDir: dir, sites: [{ id: 'shop', name: 'Shop', tenant: 't1', timezone: 'Europe/Berlin' }] },
    {},
  );
  clickhouse = await createClickHouseClient(config);
  await applyMigrations(clickhouse);
});

after(async () => {
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
});

function sighting(identityId: string, tMs: number): Sighting {
  return makeSighting({
    observationId: `m${seq++}`,
    siteId: 'shop',
    identityId,
    tStartMs: tMs,
    tEndMs: tMs + 3000,
    quality: 0.9,
  });
}

/** The worker's order: sightings saved, then visits updated. */
async function deliver(visits: VisitMaintainer, batch: Sighting[]): Promise<void> {
  await insertSightings(clickhouse, batch);
  await visits.update(batch);
}

async function statusOf(identityId: string): Promise<string[]> {
  const rows = await queryRows<{ status: string }>(
    clickhouse,
    "SELECT status FROM visits FINAL WHERE site_id = 'shop' AND identity_id = {id:String} ORDER BY start",
    { id: identityId },
  );
  return rows.map((r) => r.status);
}

test('taking sites over recovers the visits left open: stale ones are closed, live ones go on', async () => {
  nowMs = T0;
  const before = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  await deliver(before, [sighting('gone', T0), sighting('here', T0 + 25 * MIN)]);
  assert.deepEqual([await statusOf('gone'), await statusOf('here')], [['open'], ['open']]);

  nowMs = T0 + 40 * MIN; // past the 30 min gap for "gone" only
  const after = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  await after.takeOverSites();
  assert.deepEqual([await statusOf('gone'), await statusOf('here')], [['closed'], ['open']]);
  await deliver(after, [sighting('here', T0 + 45 * MIN)]);
  assert.deepEqual(await statusOf('here'), ['open'], 'the recovered visit continues: still one visit');
});

test('visits a sweep closed stay pending through a failed write and are written by the next sweep', async () => {
  nowMs = T0 + 2 * 60 * MIN;
  const visits = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  await visits.takeOverSites();
  await deliver(visits, [sighting('late', nowMs)]);
  nowMs += 45 * MIN;
  await clickhouse.command({ query: 'DETACH TABLE visits' });
  try {
    await assert.rejects(visits.sweep(), /does not exist/, 'the write fails while the table is away');
  } finally {
    await clickhouse.command({ query: 'ATTACH TABLE visits' });
  }
  assert.deepEqual(await statusOf('late'), ['open'], 'memory closed it, storage has not heard yet');
  assert.equal(await visits.sweep(), 1, 'the pending visit is written, though nothing new came due');
  assert.deepEqual(await statusOf('late'), ['closed']);
  assert.equal(await visits.sweep(), 0, 'and then no longer pending');
});

test('the sweep timer closes idle visits, never while another holder has the registry lock', async () => {
  nowMs = T0 + 5 * 60 * MIN;
  const visits = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  await visits.takeOverSites();
  await deliver(visits, [sighting('idle', nowMs)]);
  const lock = new RegistryLock();
  visits.start(lock, 10);
  try {
    await lock.run(async () => {
      nowMs += 45 * MIN;
      await sleep(100);
      assert.deepEqual(await statusOf('idle'), ['open'], 'no sweep ran while the lock was held');
    });
    for (let i = 0; i < 200 && (await statusOf('idle'))[0] !== 'closed'; i++) await sleep(25);
    assert.deepEqual(await statusOf('idle'), ['closed'], 'the timer swept once the lock was free');
  } finally {
    visits.stop();
  }
});

test('a merge drops closed visits of the merged identities still pending: the rebuilt visits are not overwritten', async () => {
  nowMs = T0 + 8 * 60 * MIN;
  const visits = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  await visits.takeOverSites();
  await deliver(visits, [sighting('from', nowMs), sighting('into', nowMs + 5 * MIN)]);
  nowMs += 45 * MIN;
  await clickhouse.command({ query: 'DETACH TABLE visits' });
  await assert.rejects(visits.sweep()).finally(() => clickhouse.command({ query: 'ATTACH TABLE visits' }));

  await rekeyMergedSightings(clickhouse, 'shop', new Map([['into', ['from']]]));
  await visits.reassign('shop', new Map([['into', ['from']]]));
  await visits.sweep();
  assert.deepEqual(await statusOf('from'), [], 'no visit of the merged id comes back');
  assert.deepEqual(await statusOf('into'), ['closed'], "the survivor's visits, cut again from both ids' sightings");
});
