import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../common/seeded-random.ts';
import { RecentRows } from './recent-rows.ts';

/** What RecentRows replaced: row → time in a Map kept in the order rows were last seen. */
class MapModel {
  private readonly lastSeen = new Map<number, number>();
  get size(): number {
    return this.lastSeen.size;
  }
  seen(row: number, atMs: number): void {
    this.lastSeen.delete(row);
    this.lastSeen.set(row, atMs);
  }
  forget(row: number): void {
    this.lastSeen.delete(row);
  }
  expireBefore(sinceMs: number): void {
    for (const [row, atMs] of this.lastSeen) {
      if (atMs >= sinceMs) break;
      this.lastSeen.delete(row);
    }
  }
}

test('counts the rows seen within the window as a Map in sighting order did, through re-sightings, removals, row reuse and compaction', () => {
  const random = seededRandom(15);
  const recent = new RecentRows();
  const model = new MapModel();
  let now = 0;
  // Times mostly advance but sometimes step back (late observations), as a stream's do.
  for (let step = 0; step < 20_000; step++) {
    const row = Math.floor(random() * 3000);
    const u = random();
    if (u < 0.7) {
      now += Math.floor(random() * 1000) - 100;
      recent.seen(row, now);
      model.seen(row, now);
    } else if (u < 0.8) {
      recent.forget(row);
      model.forget(row);
    } else {
      recent.expireBefore(now - 600_000);
      model.expireBefore(now - 600_000);
    }
    assert.equal(recent.size, model.size, `after step ${step}`);
  }
  assert.ok(model.size > 100, 'the window held many rows');
});

test('a hand-over load of many old rows is expired by the first face after it', () => {
  const recent = new RecentRows();
  for (let row = 0; row < 100_000; row++) recent.seen(row, row);
  recent.seen(7, 1_000_000);
  recent.expireBefore(900_000);
  assert.equal(recent.size, 1);
  recent.forget(7);
  assert.equal(recent.size, 0);
});
