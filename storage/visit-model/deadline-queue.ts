/** Values waiting for a time, earliest first (a binary min-heap): taking what is due costs what is due, not what waits. */

interface Entry<T> {
  atMs: number;
  value: T;
}

/**
 * A min-heap of deadlines. Values are never removed early: a caller whose deadline moved adds a
 * new entry and, when the old one comes due, checks the value's current state and skips it.
 */
export class DeadlineQueue<T> {
  private readonly heap: Entry<T>[] = [];

  /** Entries waiting, stale ones included. */
  get size(): number {
    return this.heap.length;
  }

  add(atMs: number, value: T): void {
    const heap = this.heap;
    heap.push({ atMs, value });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].atMs <= heap[i].atMs) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  /** Removes and returns the values due at or before `nowMs`, earliest first. */
  takeDue(nowMs: number): T[] {
    const due: T[] = [];
    while (this.heap.length > 0 && this.heap[0].atMs <= nowMs) due.push(this.pop());
    return due;
  }

  private pop(): T {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && heap[left].atMs < heap[least].atMs) least = left;
        if (right < heap.length && heap[right].atMs < heap[least].atMs) least = right;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i], heap[least]];
        i = least;
      }
    }
    return top.value;
  }
}
