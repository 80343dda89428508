/** Cuts a byte stream of concatenated binary PPM (P6) images — ffmpeg's rgb24 image2pipe output — into RGB frames. */
import type { RgbImage } from '../face/index.ts';

/** Longest header we accept ("P6\n<w> <h>\n255\n" is ~20 bytes). */
const MAX_HEADER_BYTES = 64;

/**
 * Stateful splitter: push chunks as they arrive, get back the frames they complete. PPM rather
 * than headerless rawvideo so that every frame carries its own size: no ffprobe round trip
 * before a stream starts, and a camera that changes resolution mid-stream is still read right.
 */
export class PpmFrameSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private frame: { width: number; height: number; data: Uint8Array; filled: number } | null = null;

  /** Throws on bytes that are not a P6 8-bit stream. */
  push(chunk: Buffer): RgbImage[] {
    const out: RgbImage[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.frame) {
        this.pending.push(chunk.subarray(offset));
        this.pendingBytes += chunk.length - offset;
        offset = chunk.length;
        const head = Buffer.concat(this.pending);
        const header = parseHeader(head);
        if (!header) {
          if (head.length > MAX_HEADER_BYTES) throw new Error('not a PPM frame stream (bad header)');
          this.pending = [head];
          continue;
        }
        this.pending = [];
        this.pendingBytes = 0;
        this.frame = { width: header.width, height: header.height, data: new Uint8Array(header.width * header.height * 3), filled: 0 };
        chunk = head;
        offset = header.length;
      }
      const f = this.frame;
      const take = Math.min(f.data.length - f.filled, chunk.length - offset);
      f.data.set(chunk.subarray(offset, offset + take), f.filled);
      f.filled += take;
      offset += take;
      if (f.filled === f.data.length) {
        out.push({ width: f.width, height: f.height, data: f.data });
        this.frame = null;
      }
    }
    return out;
  }

  /** Bytes of an incomplete frame still buffered (non-zero at the end of a truncated stream). */
  get partialBytes(): number {
    return this.pendingBytes + (this.frame?.filled ?? 0);
  }
}

function parseHeader(buf: Buffer): { width: number; height: number; length: number } | null {
  // Magic, width, height and maxval, each followed by one whitespace byte.
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < buf.length && i <= MAX_HEADER_BYTES; i++) {
    const c = buf[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      if (i > start) fields.push(buf.toString('latin1', start, i));
      start = i + 1;
      if (fields.length === 4) {
        const [magic, w, h, max] = fields;
        const width = Number(w);
        const height = Number(h);
        if (magic !== 'P6' || max !== '255' || !(width > 0) || !(height > 0)) throw new Error(`not an 8-bit P6 frame (header "${fields.join(' ')}")`);
        return { width, height, length: i + 1 };
      }
    }
  }
  return null;
}
