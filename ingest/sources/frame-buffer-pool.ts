/** Recycles decoded frames' pixel buffers: a 720p stream would otherwise allocate 1.4 MB per frame for the garbage collector. */
export class FrameBufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** `keep`: most buffers held for reuse (frames queued + the one being analysed is enough). */
  constructor(private readonly keep: number) {}

  /** A buffer of exactly `bytes`, recycled when one is free. Its contents are stale. */
  take(bytes: number): Uint8Array {
    const i = this.free.findIndex((b) => b.byteLength === bytes);
    return i < 0 ? new Uint8Array(bytes) : new Uint8Array(this.free.splice(i, 1)[0]);
  }

  /** Hands a buffer back; nothing may read it afterwards. Giving one twice is harmless. */
  give(buffer: ArrayBufferLike): void {
    if (this.free.length < this.keep && !this.free.includes(buffer as ArrayBuffer))
      this.free.push(buffer as ArrayBuffer);
  }
}
