// The deadline heap: only what is due comes out, earliest first, however many wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineQueue } from './deadline-queue.ts';

test('takes only the due values, in deadline order, and leaves the rest', () => {
  const queue = new DeadlineQueue<string>();
  let x = 7;
  const deadlines: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    x = (x * 48271) % 2147483647;
    deadlines.push(x % 100_000);
    queue.add(x % 100_000, `v${i}`);
  }
  const due = queue.takeDue(999);
  const expected = deadlines.filter((d) => d <= 999).length;
  assert.equal(due.length, expected);
  assert.equal(queue.size, 10_000 - expected);
  const order = due.map((v) => deadlines[Number(v.slice(1))]);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  assert.deepEqual(queue.takeDue(999), []);
  assert.equal(queue.takeDue(Infinity).length, 10_000 - expected);
  assert.equal(queue.size, 0);
});

test('a deadline at exactly now is due; equal deadlines all come out', () => {
  const queue = new DeadlineQueue<number>();
  [5, 5, 3, 9].forEach((at, i) => queue.add(at, i));
  assert.deepEqual(queue.takeDue(4), [2]);
  assert.deepEqual(queue.takeDue(5).sort(), [0, 1]);
  assert.deepEqual(queue.takeDue(8), []);
});
