/** The vocabulary of the suppression rule: what a small count is, and how a hidden figure is marked in every output. */

/**
 * A count of people or visits too small to publish: 1 to minCount − 1. Zero is not small: it
 * singles nobody out, and hiding it would hide every closed hour (a zero inside a hidden total is
 * hidden with that total, see the callers).
 */
export function isSmall(n: number, minCount: number): boolean {
  return n > 0 && n < minCount;
}

/**
 * How every published report marks what it hides: the hidden figures are `null` (never 0) and
 * their JSON Pointers (RFC 6901, relative to the report object) are listed in `suppressed`.
 */
export interface SuppressionMarks {
  /** Counts from 1 to minCount − 1 are hidden. */
  minCount: number;
  /** JSON Pointers of the figures that are null because they are hidden, e.g. `/buckets/3/visits`. */
  suppressed: string[];
}

/** A JSON Pointer from its reference tokens. */
function pointer(...tokens: Array<string | number>): string {
  return tokens.map((t) => `/${String(t).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Builds a report's published copy: each figure either its value or null, recording the pointer of every null. */
export class HiddenFigures {
  private readonly paths: string[] = [];

  constructor(private readonly minCount: number) {}

  /** The value, or null when `hidden` (and the pointer is recorded). */
  figure(value: number, hidden: boolean, ...at: Array<string | number>): number | null {
    if (!hidden) return value;
    this.paths.push(pointer(...at));
    return null;
  }

  marks(): SuppressionMarks {
    return { minCount: this.minCount, suppressed: [...this.paths] };
  }
}

/** One figure of a sum while the rule decides what to hide. */
export interface SumCell {
  value: number;
  hidden: boolean;
  /** False for a figure no output prints (a remainder, another report's total): it is never picked to be hidden. */
  published?: boolean;
}

/**
 * Complementary suppression in one additive relation `total = Σ parts`: when exactly one of its
 * figures is hidden, the others would give it away, so one more is hidden. The smallest non-zero
 * part is chosen (a shown non-zero count is at least minCount, so the hidden sum is then more than
 * minCount and no single value follows from it); a zero part only if no such part is left, and
 * the total last. Ties go to the earlier part, so the choice is the same wherever the rule runs.
 * Returns whether it hid something (false also when nothing published is left to hide).
 */
export function protectSum(total: SumCell, parts: SumCell[]): boolean {
  if ([total, ...parts].filter((c) => c.hidden).length !== 1) return false;
  const open = parts.filter((p) => !p.hidden && p.published !== false);
  const smallest = open.reduce<SumCell | undefined>(
    (best, p) => (p.value > 0 && (!best || p.value < best.value) ? p : best),
    undefined,
  );
  const pick =
    smallest ?? open.find((p) => p.value === 0) ?? (!total.hidden && total.published !== false ? total : undefined);
  if (!pick) return false;
  pick.hidden = true;
  return true;
}
