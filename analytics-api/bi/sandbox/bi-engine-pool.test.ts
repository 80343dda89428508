// The engine pool: one engine per scope, a bounded number of engines and waiters, LRU eviction, refresh by age.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BiError } from '../bi-error.ts';
import { BiEnginePool, type PooledEngine } from './bi-engine-pool.ts';
import type { BiScope } from '../../../storage/bi-views.ts';

class FakeEngine implements PooledEngine {
  running = true;
  loads: string[] = [];
  async load(tables: Array<{ name: string }>) {
    this.loads.push(tables[0].name);
    return 1;
  }
  async stop() {
    this.running = false;
  }
}

function pool(
  over: {
    maxEngines?: number;
    maxQueued?: number;
    maxEnginesPerTenant?: number;
    maxQueuedPerTenant?: number;
    refreshMs?: number;
  } = {},
) {
  let t = 0;
  const started: FakeEngine[] = [];
  const p = new BiEnginePool<FakeEngine>({
    maxEngines: over.maxEngines ?? 2,
    maxQueued: over.maxQueued ?? 4,
    maxEnginesPerTenant: over.maxEnginesPerTenant ?? over.maxEngines ?? 2,
    maxQueuedPerTenant: over.maxQueuedPerTenant ?? over.maxQueued ?? 4,
    queueWaitMs: 60_000,
    refreshMs: over.refreshMs ?? 1000,
    idleMs: 60_000,
    start: async () => {
      const e = new FakeEngine();
      started.push(e);
      return e;
    },
    snapshot: async (scope) => [{ name: `${scope.tenant}@${t}`, tsv: new Uint8Array() }],
    now: () => t,
  });
  return { p, started, tick: (ms: number) => (t += ms) };
}

const A: BiScope = { tenant: 'a', sites: ['s1'] };
const B: BiScope = { tenant: 'b', sites: ['s1'] };
const C: BiScope = { tenant: 'c', sites: ['s1'] };

test('a scope keeps its engine, loaded once, reloaded when older than refreshMs', async () => {
  const { p, started, tick } = pool();
  const first = await p.acquire(A);
  first.release();
  const again = await p.acquire(A);
  assert.equal(again.engine, first.engine);
  assert.deepEqual(first.engine.loads, ['a@0']);
  again.release();
  tick(1000);
  (await p.acquire(A)).release();
  assert.deepEqual(first.engine.loads, ['a@0', 'a@1000']);
  assert.equal(started.length, 1);
  await p.close();
});

test('the same tenant with another site list is another scope, with its own engine', async () => {
  const { p } = pool();
  const all = await p.acquire({ tenant: 'a', sites: ['s1', 's2'] });
  const one = await p.acquire(A);
  assert.notEqual(all.engine, one.engine);
  await p.close();
});

test('a full pool evicts the least recently used idle engine; with every engine busy, queries wait, then get it in order', async () => {
  const { p, started, tick } = pool({ maxEngines: 2 });
  const a = await p.acquire(A);
  tick(1);
  const b = await p.acquire(B);
  a.release();
  tick(1);
  b.release();
  const c = await p.acquire(C);
  assert.equal(started[0].running, false, "A's engine (least recently used) was stopped");
  assert.equal(started[1].running, true);
  const b2 = await p.acquire(B);
  let aGot = false;
  const waiting = p.acquire(A).then((l) => ((aGot = true), l));
  await new Promise((r) => setImmediate(r));
  assert.equal(aGot, false, 'both engines busy: A waits');
  assert.equal(p.stats().queued, 1);
  c.release();
  const a2 = await waiting;
  assert.equal(aGot, true);
  assert.equal(started.length, 4);
  a2.release();
  b2.release();
  await p.close();
});

test('beyond maxQueued waiters a query is refused with 503 (code 202); a broken engine is replaced', async () => {
  const { p, started } = pool({ maxEngines: 1, maxQueued: 1 });
  const a = await p.acquire(A);
  const queued = p.acquire(A);
  await assert.rejects(p.acquire(B), (e: unknown) => e instanceof BiError && e.status === 503 && e.code === 202);
  a.release(true);
  const next = await queued;
  assert.equal(started.length, 2, 'the broken engine was not reused');
  assert.equal(started[0].running, false);
  next.release();
  await p.close();
});

test("one tenant's keys of many scopes cannot take every engine: at its share it waits for its own, another tenant gets a slot", async () => {
  const { p, started } = pool({ maxEngines: 3, maxEnginesPerTenant: 2 });
  const a1 = await p.acquire({ tenant: 'a', sites: ['s1'] });
  const a2 = await p.acquire({ tenant: 'a', sites: ['s2'] });
  let a3Got = false;
  const a3 = p.acquire({ tenant: 'a', sites: ['s3'] }).then((l) => ((a3Got = true), l));
  await new Promise((r) => setImmediate(r));
  assert.equal(a3Got, false, 'tenant a holds its two engines: its third scope waits');
  assert.equal(p.stats().engines, 2, 'the free slot was not given to tenant a');
  const b = await p.acquire(B);
  assert.equal(started.length, 3, "tenant b got the slot tenant a's third scope could not take");
  b.release();
  a1.release();
  const third = await a3;
  assert.equal(started[0].running, false, "tenant a's own idle engine made room, not tenant b's");
  assert.equal(started[2].running, true, "tenant b's idle engine was kept");
  third.release();
  a2.release();
  await p.close();
});

test('one tenant cannot fill the queue: beyond its share of waiters it gets 503, another tenant still queues', async () => {
  const { p } = pool({ maxEngines: 1, maxQueued: 4, maxQueuedPerTenant: 2 });
  const held = await p.acquire(C);
  const waiting = [p.acquire(A), p.acquire({ tenant: 'a', sites: ['s2'] })];
  await assert.rejects(
    p.acquire({ tenant: 'a', sites: ['s3'] }),
    (e: unknown) => e instanceof BiError && e.status === 503,
  );
  const b = p.acquire(B);
  assert.equal(p.stats().queued, 3, "tenant b queued beside tenant a's two");
  held.release();
  // One engine: each waiter gets it when the one before hands it back, in order.
  for (const next of [...waiting, b]) (await next).release();
  await p.close();
});
