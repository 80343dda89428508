// Chained merges collapse onto their final survivor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupMergesBySurvivor } from './group-merges-by-survivor.ts';

const m = (from: string, to: string) => ({ from, to, similarity: 0.9, mergedAtMs: 0 });

test('independent merges stay apart; a chain ends at its last survivor', () => {
  assert.deepEqual(groupMergesBySurvivor([]), new Map());
  assert.deepEqual(
    groupMergesBySurvivor([m('a', 'b'), m('c', 'd')]),
    new Map([
      ['b', ['a']],
      ['d', ['c']],
    ]),
  );
  assert.deepEqual(groupMergesBySurvivor([m('a', 'b'), m('b', 'c'), m('d', 'c')]), new Map([['c', ['a', 'b', 'd']]]));
});
