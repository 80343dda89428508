/** PpmFrameSplitter: frames come out whole whatever the chunking; bad streams fail loudly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PpmFrameSplitter } from './split-ppm-frames.ts';

function ppm(width: number, height: number, fill: number): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), Buffer.alloc(width * height * 3, fill)]);
}

test('frames split at every possible chunk size come out whole and in order, sizes from their headers', () => {
  const stream = Buffer.concat([ppm(4, 3, 1), ppm(2, 5, 2), ppm(4, 3, 3)]);
  for (const size of [1, 2, 7, 13, 40, stream.length]) {
    const splitter = new PpmFrameSplitter();
    const frames = [];
    for (let i = 0; i < stream.length; i += size) frames.push(...splitter.push(stream.subarray(i, i + size)));
    assert.deepEqual(frames.map((f) => [f.width, f.height, f.data.length, f.data[0], f.data.at(-1)]), [
      [4, 3, 36, 1, 1],
      [2, 5, 30, 2, 2],
      [4, 3, 36, 3, 3],
    ], `chunk size ${size}`);
    assert.equal(splitter.partialBytes, 0);
  }
});

test('a truncated stream leaves its partial frame counted, not emitted', () => {
  const splitter = new PpmFrameSplitter();
  assert.deepEqual(splitter.push(ppm(4, 3, 9).subarray(0, 30)), []);
  assert.ok(splitter.partialBytes > 0);
});

test('bytes that are not 8-bit P6 are rejected', () => {
  assert.throws(() => new PpmFrameSplitter().push(Buffer.from('P5\n4 3\n255\n')), /not an 8-bit P6 frame/);
  assert.throws(() => new PpmFrameSplitter().push(Buffer.from('P6\n4 3\n65535\n')), /not an 8-bit P6 frame/);
  assert.throws(() => new PpmFrameSplitter().push(Buffer.alloc(100, 0x41)), /not a PPM frame stream/);
});
