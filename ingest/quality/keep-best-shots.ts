/** Keeps the best K frames of a face track, by score, with whatever each frame needs later. */

/** A kept frame: its rank score and the caller's payload (aligned crop, liveness crop, ...). */
export interface Shot<T> {
  score: number;
  quality: number;
  payload: T;
}

/** The K highest-scoring shots offered so far; memory is bounded by K whatever the track's length. */
export class BestShots<T> {
  private readonly shots: Array<Shot<T>> = [];

  constructor(private readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`best-shot count must be a positive integer, got ${k}`);
  }

  /** Whether a shot with this score would be kept: lets callers skip building an expensive payload. */
  wouldKeep(score: number): boolean {
    return this.shots.length < this.k || score > this.shots[this.shots.length - 1].score;
  }

  /** Offers a shot; returns whether it was kept. `payload` is called only when it is. */
  offer(score: number, quality: number, payload: () => T): boolean {
    if (!this.wouldKeep(score)) return false;
    const shot = { score, quality, payload: payload() };
    const at = this.shots.findIndex((s) => s.score < score);
    if (at < 0) this.shots.push(shot);
    else this.shots.splice(at, 0, shot);
    if (this.shots.length > this.k) this.shots.pop();
    return true;
  }

  /** Kept shots, best first. */
  get kept(): ReadonlyArray<Shot<T>> {
    return this.shots;
  }
}
