/** A site's identity bookkeeping in columns: id ↔ row, weight, counts and times, about 130 bytes per identity. */

const INITIAL_ROWS = 1024;

/**
 * Rows are small integers reused after removal; they are the identities' ids in the FAISS index.
 * Columns are typed arrays grown by half, so a million identities cost a few tens of MB here
 * instead of an object (and a float copy of the centroid) each.
 */
export class IdentityTable {
  private idAt: Array<string | undefined> = [];
  private readonly rowOf = new Map<string, number>();
  private readonly free: number[] = [];
  weight = new Float64Array(INITIAL_ROWS);
  sightings = new Float64Array(INITIAL_ROWS);
  firstSeenMs = new Float64Array(INITIAL_ROWS);
  lastSeenMs = new Float64Array(INITIAL_ROWS);

  get size(): number {
    return this.rowOf.size;
  }

  row(identityId: string): number | undefined {
    return this.rowOf.get(identityId);
  }

  identityAt(row: number): string | undefined {
    return this.idAt[row];
  }

  /** The identity's row, taking a free one for an identity not seen before. */
  rowFor(identityId: string): number {
    let row = this.rowOf.get(identityId);
    if (row !== undefined) return row;
    row = this.free.pop() ?? this.idAt.length;
    if (row >= this.weight.length) this.grow(Math.ceil(Math.max(row + 1, this.weight.length * 1.5)));
    this.idAt[row] = identityId;
    this.rowOf.set(identityId, row);
    return row;
  }

  /** Frees the identity's row; returns it, or undefined when unknown. */
  remove(identityId: string): number | undefined {
    const row = this.rowOf.get(identityId);
    if (row === undefined) return undefined;
    this.rowOf.delete(identityId);
    this.idAt[row] = undefined;
    this.free.push(row);
    return row;
  }

  /** Live rows with their identity ids. */
  *entries(): IterableIterator<[string, number]> {
    yield* this.rowOf.entries();
  }

  private grow(rows: number): void {
    for (const key of ['weight', 'sightings', 'firstSeenMs', 'lastSeenMs'] as const) {
      const next = new Float64Array(rows);
      next.set(this[key]);
      this[key] = next;
    }
  }
}
