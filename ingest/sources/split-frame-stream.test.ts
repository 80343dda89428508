/** FrameStreamSplitter with ffmpeg's two containers: frames come out whole whatever the chunking; bad streams fail loudly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameBufferPool } from './frame-buffer-pool.ts';
import { ppmFrames, y4mFrames } from './frame-formats.ts';
import { FrameStreamSplitter } from './split-frame-stream.ts';

function ppm(width: number, height: number, fill: number): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), Buffer.alloc(width * height * 3, fill)]);
}

/** One 4:2:0 frame: Y filled with `fill`, U with fill+1, V with fill+2 (chroma rounded up for odd sizes). */
function y4mFrame(width: number, height: number, fill: number): Buffer {
  const chroma = Math.ceil(width / 2) * Math.ceil(height / 2);
  return Buffer.concat([
    Buffer.from('FRAME\n'),
    Buffer.alloc(width * height, fill),
    Buffer.alloc(chroma, fill + 1),
    Buffer.alloc(chroma, fill + 2),
  ]);
}

/** Every chunking of `stream`, from single bytes to the whole. */
function chunkings(stream: Buffer): Buffer[][] {
  return [1, 2, 7, 13, 40, stream.length].map((size) => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
    return chunks;
  });
}

test('PPM frames split at every chunk size come out whole and in order, sizes from their headers', () => {
  const stream = Buffer.concat([ppm(4, 3, 1), ppm(2, 5, 2), ppm(4, 3, 3)]);
  for (const chunks of chunkings(stream)) {
    const splitter = new FrameStreamSplitter(ppmFrames());
    const frames = chunks.flatMap((c) => splitter.push(c));
    assert.deepEqual(
      frames.map((f) => [f.width, f.height, f.data.length, f.data[0], f.data.at(-1)]),
      [
        [4, 3, 36, 1, 1],
        [2, 5, 30, 2, 2],
        [4, 3, 36, 3, 3],
      ],
      `chunk size ${chunks[0].length}`,
    );
    assert.equal(splitter.partialBytes, 0);
  }
});

test('YUV4MPEG2 frames split at every chunk size come out as Y, U and V planes of the header size (odd sizes too)', () => {
  for (const [w, h] of [
    [4, 2],
    [5, 3],
  ]) {
    const stream = Buffer.concat([
      Buffer.from(`YUV4MPEG2 W${w} H${h} F5:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n`),
      y4mFrame(w, h, 10),
      y4mFrame(w, h, 20),
    ]);
    for (const chunks of chunkings(stream)) {
      const splitter = new FrameStreamSplitter(y4mFrames());
      const frames = chunks.flatMap((c) => splitter.push(c));
      const chroma = Math.ceil(w / 2) * Math.ceil(h / 2);
      assert.deepEqual(
        frames.map((f) => [f.width, f.height, f.y.length, f.u.length, f.v.length, f.y[0], f.u[0], f.v.at(-1)]),
        [
          [w, h, w * h, chroma, chroma, 10, 11, 12],
          [w, h, w * h, chroma, chroma, 20, 21, 22],
        ],
        `${w}×${h}, chunk size ${chunks[0].length}`,
      );
      assert.equal(splitter.partialBytes, 0);
    }
  }
});

test('a truncated stream leaves its partial frame counted, not emitted', () => {
  const splitter = new FrameStreamSplitter(ppmFrames());
  assert.deepEqual(splitter.push(ppm(4, 3, 9).subarray(0, 30)), []);
  assert.ok(splitter.partialBytes > 0);
});

test('bytes that are not the expected format are rejected with the reason', () => {
  const ppmPush = (bytes: Buffer) => new FrameStreamSplitter(ppmFrames()).push(bytes);
  assert.throws(() => ppmPush(Buffer.from('P5\n4 3\n255\n')), /not an 8-bit P6 frame/);
  assert.throws(() => ppmPush(Buffer.from('P6\n4 3\n65535\n')), /not an 8-bit P6 frame/);
  assert.throws(() => ppmPush(Buffer.alloc(100, 0x41)), /bad header/);
  const y4mPush = (text: string) => new FrameStreamSplitter(y4mFrames()).push(Buffer.from(text));
  assert.throws(() => y4mPush('YUV4MPEG2 W4 H2 C444\nFRAME\n'), /C444 is not 8-bit 4:2:0/);
  assert.throws(() => y4mPush('YUV4MPEG2 W4 H2 C420p10\nFRAME\n'), /C420p10 is not 8-bit 4:2:0/);
  assert.throws(() => y4mPush('YUV4MPEG2 F5:1\nFRAME\n'), /without a size/);
  assert.throws(() => y4mPush('P6\n4 3\n255\n'), /not a YUV4MPEG2 stream/);
  assert.throws(() => y4mPush('YUV4MPEG2 W4 H2\nFRAMX\n'), /not a YUV4MPEG2 frame/);
  assert.throws(() => y4mPush('x'.repeat(600)), /bad header/);
});

test('pooled buffers are reused once released, never while held', () => {
  const pool = new FrameBufferPool(2);
  const splitter = new FrameStreamSplitter(ppmFrames(), (bytes) => pool.take(bytes));
  const [a] = splitter.push(ppm(4, 3, 1));
  const [b] = splitter.push(ppm(4, 3, 2));
  assert.notEqual(a.data.buffer, b.data.buffer);
  assert.equal(a.data[0], 1, 'a held frame keeps its pixels');
  pool.give(a.data.buffer);
  pool.give(a.data.buffer);
  const [c] = splitter.push(ppm(4, 3, 3));
  assert.equal(c.data.buffer, a.data.buffer, 'the released buffer is filled again');
  const [d] = splitter.push(ppm(4, 3, 4));
  assert.notEqual(d.data.buffer, a.data.buffer, 'given twice, handed out once');
  assert.deepEqual([b.data[0], c.data[0], d.data[0]], [2, 3, 4]);
});
