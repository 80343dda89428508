/** Cuts the byte stream of one of ffmpeg's raw frame outputs (PPM or YUV4MPEG2, see frame-formats.ts) into frames. */

/** What a frame header says: its own length, the pixel bytes after it, and how to wrap them. */
export interface FrameHeader<T> {
  length: number;
  bytes: number;
  build(data: Uint8Array): T;
}

/** A container of self-describing raw frames. */
export interface FrameFormat<T> {
  /** A longer header than this means the bytes are not this format. */
  maxHeaderBytes: number;
  /** The header at the start of `head`, or null while it is incomplete; throws on a malformed one. */
  parseHeader(head: Buffer): FrameHeader<T> | null;
}

/**
 * Stateful splitter: push chunks as they arrive, get back the frames they complete. Self-describing
 * frames rather than headerless rawvideo so that no ffprobe round trip is needed before a stream
 * starts, and a camera that changes resolution mid-stream is still read right. Pixel buffers come
 * from `alloc`, so a pool can recycle them.
 */
export class FrameStreamSplitter<T> {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private frame: { header: FrameHeader<T>; data: Uint8Array; filled: number } | null = null;

  constructor(
    private readonly format: FrameFormat<T>,
    private readonly alloc: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes),
  ) {}

  /** Throws on bytes that are not a stream of this format. */
  push(chunk: Buffer): T[] {
    const out: T[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.frame) {
        this.pending.push(chunk.subarray(offset));
        this.pendingBytes += chunk.length - offset;
        offset = chunk.length;
        const head = Buffer.concat(this.pending);
        const header = this.format.parseHeader(head);
        if (!header) {
          if (head.length > this.format.maxHeaderBytes)
            throw new Error('not a frame stream of the expected format (bad header)');
          this.pending = [head];
          continue;
        }
        this.pending = [];
        this.pendingBytes = 0;
        this.frame = { header, data: this.alloc(header.bytes), filled: 0 };
        chunk = head;
        offset = header.length;
      }
      const f = this.frame;
      const take = Math.min(f.data.length - f.filled, chunk.length - offset);
      f.data.set(chunk.subarray(offset, offset + take), f.filled);
      f.filled += take;
      offset += take;
      if (f.filled === f.data.length) {
        out.push(f.header.build(f.data));
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
