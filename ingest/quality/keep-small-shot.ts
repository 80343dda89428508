/** Keeps the one face of a track that is its best too-small shot: what its pairing embedding is made from if it is never identified. */

interface SmallShotEntry<T> {
  /** Box side rounded to whole pixels: a fraction of a pixel either way is the detector's noise, not a larger face. */
  sidePx: number;
  quality: number;
  payload: T;
}

/**
 * The largest face of a track the gate turned away as too small (equal sides: the higher quality
 * score, which holds sharpness and detector score), one payload at most whatever the track's
 * length. Size first, because it is what an embedding of a small face depends on most
 * (docs/calibration.md, "What a weak embedding of the small face gives"). Faces below
 * `minSidePx` are never kept: degraded, they pick their own visit little better than chance.
 */
export class SmallShot<T> {
  private best: SmallShotEntry<T> | null = null;
  private closed = false;

  constructor(private readonly minSidePx: number) {
    if (!(minSidePx > 0)) throw new Error(`small-shot floor must be a positive number of pixels, got ${minSidePx}`);
  }

  /** Offers a too-small face of `side` px; returns whether it was kept. `payload` is called only when it is. */
  offer(side: number, quality: number, payload: () => T): boolean {
    if (this.closed || side < this.minSidePx) return false;
    const sidePx = Math.round(side);
    const best = this.best;
    if (best && (sidePx < best.sidePx || (sidePx === best.sidePx && quality <= best.quality))) return false;
    this.best = { sidePx, quality, payload: payload() };
    return true;
  }

  /**
   * The track got a shot that passed the gate: it will be identified, and an identified
   * observation carries no pairing embedding, so the kept face is let go and no other is kept.
   */
  close(): void {
    this.best = null;
    this.closed = true;
  }

  /** The kept face's payload, if any. */
  get kept(): T | undefined {
    return this.best?.payload;
  }
}
