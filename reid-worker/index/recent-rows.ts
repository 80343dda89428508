/** Which identity rows were seen within a sliding window: the recent gallery's size, kept in typed arrays. */

const INITIAL_ENTRIES = 1024;

/**
 * A queue of sightings (row, time) in the order they were recorded; a row's earlier entries go
 * stale when it is seen again (its latest entry is the one that counts) and are skipped when they
 * reach the front. Expiry pops from the front while the oldest live sighting is older than the
 * window. A Map of identity → time in insertion order did the same, but a hand-over loads a
 * million identities and the first face after it expires nearly all of them: a million Map
 * deletions stalled that batch for ~0.6 s; popping typed arrays takes a few ms.
 */
export class RecentRows {
  private rows = new Int32Array(INITIAL_ENTRIES);
  private times = new Float64Array(INITIAL_ENTRIES);
  /** Per entry a sequence number; per row the sequence of its latest entry, 0 when it has none. */
  private seqs = new Float64Array(INITIAL_ENTRIES);
  private latest = new Float64Array(INITIAL_ENTRIES);
  private head = 0;
  private tail = 0;
  private nextSeq = 1;
  private live = 0;

  /** Rows with a live sighting. */
  get size(): number {
    return this.live;
  }

  /** Records that `row` was last seen at `atMs` (replacing its earlier sighting). */
  seen(row: number, atMs: number): void {
    if (row >= this.latest.length) this.latest = grown(this.latest, row + 1);
    if (this.latest[row] === 0) this.live++;
    if (this.tail === this.rows.length) this.makeRoom();
    const seq = this.nextSeq++;
    this.rows[this.tail] = row;
    this.times[this.tail] = atMs;
    this.seqs[this.tail] = seq;
    this.tail++;
    this.latest[row] = seq;
  }

  /** Forgets the row (its identity is gone; the row may be reused). */
  forget(row: number): void {
    if (row < this.latest.length && this.latest[row] !== 0) {
      this.latest[row] = 0;
      this.live--;
    }
  }

  /** Drops rows whose sighting, oldest first, is before `sinceMs`; stops at the first live one that is not. */
  expireBefore(sinceMs: number): void {
    while (this.head < this.tail) {
      const row = this.rows[this.head];
      const current = this.latest[row] === this.seqs[this.head];
      if (current && this.times[this.head] >= sinceMs) break;
      if (current) {
        this.latest[row] = 0;
        this.live--;
      }
      this.head++;
    }
  }

  /** At the end of the arrays: drop the popped and stale entries, and grow if the live ones still fill more than half. */
  private makeRoom(): void {
    let to = 0;
    for (let from = this.head; from < this.tail; from++) {
      if (this.latest[this.rows[from]] !== this.seqs[from]) continue;
      this.rows[to] = this.rows[from];
      this.times[to] = this.times[from];
      this.seqs[to] = this.seqs[from];
      to++;
    }
    this.head = 0;
    this.tail = to;
    if (2 * to > this.rows.length) {
      const length = 2 * this.rows.length;
      this.rows = grown(this.rows, length);
      this.times = grown(this.times, length);
      this.seqs = grown(this.seqs, length);
    }
  }
}

function grown<T extends Int32Array | Float64Array>(array: T, atLeast: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(atLeast, Math.ceil(array.length * 1.5)));
  next.set(array);
  return next;
}
