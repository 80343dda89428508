/**
 * The suppression rule for rows of visits (visits = new + returning + unidentified): per row, then across the rows
 * of a group whose sums are published (a day's hours, a report's buckets). The BI views implement
 * the very same steps in SQL (schemas/clickhouse/migrations/0040_bi_views_suppressed.sql).
 */
import { isSmall } from './small-counts.ts';

export interface VisitCounts {
  visits: number;
  newVisits: number;
  returningVisits: number;
  /** Visits of people seen but not identified (footfall); absent: none. */
  unidentifiedVisits?: number;
}

/**
 * What a row shows: `shown` everything; `split` the visits but none of its parts — new, returning,
 * unidentified — (one of them is small, and visits − the others would give it); `hidden` nothing
 * (the visits are small: every figure about them describes fewer than minCount people, zeros
 * included).
 */
export type VisitRowState = 'shown' | 'split' | 'hidden';

/** The state a row has on its own figures. */
export function visitRowState(r: VisitCounts, minCount: number): VisitRowState {
  if (isSmall(r.visits, minCount)) return 'hidden';
  const parts = [r.newVisits, r.returningVisits, r.unidentifiedVisits ?? 0];
  return parts.some((n) => isSmall(n, minCount)) ? 'split' : 'shown';
}

/** A row of a group while the rule runs; `state` only ever moves from shown to split to hidden. */
export interface VisitRow {
  counts: VisitCounts;
  state: VisitRowState;
}

/**
 * Complementary suppression across a group of rows whose total row (the sums) is published with
 * state `total` (its own row state). Two steps, in this order:
 * 1. visits: if exactly one row is hidden and the total's visits are shown, the total minus the
 *    other rows would give it: the row with the fewest visits among the others is hidden too.
 * 2. new/returning: if exactly one row does not show them and the total shows them, the row with
 *    the fewest visits among those showing both, preferring rows whose new and returning are
 *    both non-zero (so each hidden sum stays above minCount), is split too.
 * Ties go to the earlier row. Returns whether a state changed. After one call the group needs
 * nothing more, until another rule changes one of its rows.
 */
export function protectVisitGroup(rows: VisitRow[], total: VisitRowState): boolean {
  let changed = false;
  const hidden = rows.filter((r) => r.state === 'hidden');
  if (hidden.length === 1 && total !== 'hidden') {
    const pick = fewest(
      rows.filter((r) => r.state !== 'hidden'),
      () => 0,
    );
    if (pick) (pick.state = 'hidden'), (changed = true);
  }
  const notShown = rows.filter((r) => r.state !== 'shown');
  if (notShown.length === 1 && total === 'shown') {
    const pick = fewest(
      rows.filter((r) => r.state === 'shown'),
      (r) => (r.counts.newVisits === 0 || r.counts.returningVisits === 0 ? 1 : 0),
    );
    if (pick) (pick.state = 'split'), (changed = true);
  }
  return changed;
}

/** The first row with the lowest (rank, visits). */
function fewest(rows: VisitRow[], rank: (r: VisitRow) => number): VisitRow | undefined {
  let best: VisitRow | undefined;
  for (const r of rows) {
    if (!best || rank(r) < rank(best) || (rank(r) === rank(best) && r.counts.visits < best.counts.visits)) best = r;
  }
  return best;
}

/** The sums of some rows, as the counts of their total row. */
export function sumVisits(rows: VisitCounts[]): VisitCounts {
  return rows.reduce(
    (s, r) => ({
      visits: s.visits + r.visits,
      newVisits: s.newVisits + r.newVisits,
      returningVisits: s.returningVisits + r.returningVisits,
      unidentifiedVisits: (s.unidentifiedVisits ?? 0) + (r.unidentifiedVisits ?? 0),
    }),
    { visits: 0, newVisits: 0, returningVisits: 0, unidentifiedVisits: 0 },
  );
}

/** A row of the level above: its own state, and the state its output gives it after protection. */
export interface ParentRow {
  intrinsic: VisitRowState;
  final: VisitRowState;
}

/**
 * Protects one level of a hierarchy (hours in their days, days in their weeks, weeks in the
 * totals): each parent's children as a group against the parent's own row (assumed published,
 * as the coarser output prints it unless it is small), and a parent that its own output hides
 * (`final`, e.g. a day hidden to protect another day) must not follow from its children: one of
 * them is hidden too, and the group step then hides a second. Repeats until nothing changes and
 * returns the rows' states, which are `final` for the level below.
 */
export function protectVisitLevel(
  rows: VisitCounts[],
  parentOf: number[],
  parents: ParentRow[],
  minCount: number,
): VisitRowState[] {
  const states: VisitRow[] = rows.map((counts) => ({ counts, state: visitRowState(counts, minCount) }));
  const children = parents.map((_, p) => states.filter((_, i) => parentOf[i] === p));
  for (let changed = true; changed; ) {
    changed = false;
    parents.forEach((parent, p) => {
      const group = children[p];
      changed = protectVisitGroup(group, parent.intrinsic) || changed;
      if (parent.final === 'hidden' && !group.some((r) => r.state === 'hidden')) {
        const pick = fewest(group, () => 0);
        if (pick) (pick.state = 'hidden'), (changed = true);
      }
      if (parent.final !== 'shown' && group.every((r) => r.state === 'shown')) {
        const pick = fewest(group, (r) => (r.counts.newVisits === 0 || r.counts.returningVisits === 0 ? 1 : 0));
        if (pick) (pick.state = 'split'), (changed = true);
      }
    });
  }
  return states.map((r) => r.state);
}
