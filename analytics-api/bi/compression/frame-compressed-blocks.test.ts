// The compressed response framing: header fields, the LZ4 literal run, and the checksum over header and body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cityHash128 } from './city-hash-128.ts';
import { frameCompressedBlock } from './frame-compressed-blocks.ts';

/** Decodes a literal-only LZ4 block (what frameCompressedBlock writes). */
function readLiterals(body: Buffer): Buffer {
  let len = body[0] >> 4;
  let at = 1;
  if (len === 15) {
    let more = 255;
    while (more === 255) {
      more = body[at++];
      len += more;
    }
  }
  assert.equal(body.length, at + len, 'one literal run fills the block');
  return body.subarray(at);
}

test('a block carries method, sizes, a valid checksum and the data as LZ4 literals, for short and long runs', () => {
  for (const n of [1, 14, 15, 16, 269, 270, 271, 70_000]) {
    const data = Buffer.from(Array.from({ length: n }, (_, i) => i % 251));
    const block = frameCompressedBlock(data);
    assert.equal(block[16], 0x82);
    assert.equal(block.readUInt32LE(17), block.length - 16);
    assert.equal(block.readUInt32LE(21), n);
    const [lo, hi] = cityHash128(block.subarray(16));
    assert.deepEqual([block.readBigUInt64LE(0), block.readBigUInt64LE(8)], [lo, hi]);
    assert.deepEqual(readLiterals(block.subarray(25)), data, `length ${n}`);
  }
});
