/** A track's best too-small face: the largest, then the best quality; none below the floor; none once the track has a real shot. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmallShot } from './keep-small-shot.ts';

test('the largest face is kept; of equal whole-pixel sides, the higher quality', () => {
  const s = new SmallShot<string>(16);
  assert.equal(
    s.offer(30, 0.6, () => 'a'),
    true,
  );
  assert.equal(
    s.offer(34, 0.4, () => 'b'),
    true,
  );
  assert.equal(
    s.offer(33.6, 0.9, () => 'c'),
    true,
    '33.6 px rounds to 34: same size, better quality',
  );
  assert.equal(
    s.offer(34.2, 0.5, () => 'd'),
    false,
  );
  assert.equal(
    s.offer(31, 0.99, () => 'e'),
    false,
  );
  assert.equal(s.kept, 'c');
});

test('faces below the floor are never kept, and their payload is never built', () => {
  const s = new SmallShot<string>(16);
  assert.equal(
    s.offer(15.4, 1, () => assert.fail('payload built for a face below the floor')),
    false,
  );
  assert.equal(s.kept, undefined);
  assert.equal(
    s.offer(16, 0.2, () => 'f'),
    true,
  );
  assert.equal(s.kept, 'f');
});

test('once the track has a real shot the small face is let go and no other is kept', () => {
  const s = new SmallShot<string>(16);
  s.offer(30, 0.5, () => 'a');
  s.close();
  assert.equal(s.kept, undefined);
  assert.equal(
    s.offer(39, 0.9, () => assert.fail('payload built after close')),
    false,
  );
  assert.equal(s.kept, undefined);
});

test('a floor that is not a positive number is refused', () => {
  assert.throws(() => new SmallShot(0), /positive/);
  assert.throws(() => new SmallShot(Number.NaN), /positive/);
});
