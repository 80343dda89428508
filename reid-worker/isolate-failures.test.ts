// Isolation of bad items by splitting, without services: which items land, which fail alone, and at what cost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isolateFailures } from './isolate-failures.ts';

interface Item {
  id: string;
  site: string;
}

const items = (n: number, sites = ['a', 'b', 'c']): Item[] =>
  Array.from({ length: n }, (_, i) => ({ id: `o${i}`, site: sites[i % sites.length] }));
const options = {
  isRetriable: (err: unknown) => err instanceof Error && err.message === 'store down',
  groupOf: (item: Item) => item.site,
};

/** A run that throws a RangeError when its part holds a poison item; records which parts landed. */
function runner(isPoison: (part: Item[]) => boolean) {
  const landed: string[] = [];
  const parts: Item[][] = [];
  const run = async (part: Item[]) => {
    parts.push(part);
    if (isPoison(part)) throw new RangeError('Invalid time value');
    landed.push(...part.map((i) => i.id));
  };
  return { run, landed, parts };
}

test('a batch that succeeds runs once and isolates nothing', async () => {
  const { run, parts } = runner(() => false);
  assert.deepEqual(await isolateFailures(items(10), run, options), []);
  assert.equal(parts.length, 1);
});

test('one poison item among 300 is isolated with its error; every other item lands; other sites run once', async () => {
  const batch = items(300);
  const { run, landed, parts } = runner((part) => part.some((i) => i.id === 'o151'));
  const failed = await isolateFailures(batch, run, options);
  assert.deepEqual(
    failed.map((f) => f.item.id),
    ['o151'],
  );
  assert.ok(failed[0].error instanceof RangeError);
  assert.deepEqual(
    landed.sort(),
    batch
      .map((i) => i.id)
      .filter((id) => id !== 'o151')
      .sort(),
  );
  // Split by site first: the two healthy sites (o151 is at b) are retried once each, as whole parts.
  assert.equal(parts.filter((p) => p.every((i) => i.site === 'a')).length, 1);
  assert.equal(parts.filter((p) => p.every((i) => i.site === 'c')).length, 1);
  // 1 whole + 3 sites + 2 per halving of site b's 100 items (7 levels).
  assert.ok(parts.length <= 1 + 3 + 2 * 7, `${parts.length} runs`);
});

test('a site whose every item fails is dead-lettered item by item; the other sites land', async () => {
  const batch = items(12);
  const { run, landed } = runner((part) => part.some((i) => i.site === 'b'));
  const failed = await isolateFailures(batch, run, options);
  assert.deepEqual(
    failed.map((f) => f.item.id).sort(),
    batch
      .filter((i) => i.site === 'b')
      .map((i) => i.id)
      .sort(),
  );
  assert.deepEqual(
    landed.sort(),
    batch
      .filter((i) => i.site !== 'b')
      .map((i) => i.id)
      .sort(),
  );
});

test('items that fail only together both land once split apart', async () => {
  const batch = items(8, ['a']);
  const { run, landed } = runner((part) => part.some((i) => i.id === 'o0') && part.some((i) => i.id === 'o7'));
  assert.deepEqual(await isolateFailures(batch, run, options), []);
  assert.equal(landed.length, 8);
});

test('a retriable failure at any depth is rethrown: the whole batch is retried, nothing is isolated', async () => {
  // The store goes down while the parts of a failed batch are being retried.
  const run = async (part: Item[]) => {
    if (part.some((i) => i.id === 'o0'))
      throw part.length >= 10 ? new RangeError('Invalid time value') : new Error('store down');
  };
  await assert.rejects(isolateFailures(items(40, ['a']), run, options), /store down/);
});

test('an empty batch runs nothing', async () => {
  const { run, parts } = runner(() => true);
  assert.deepEqual(await isolateFailures([], run, options), []);
  assert.equal(parts.length, 0);
});
