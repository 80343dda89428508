/** With the simulator's truth: how often the engine merged a new visitor into an earlier identity, and split a returning visitor off (pure). */
import type { VisitRow } from '../storage/visit-model/visit-row.ts';
import type { StorePlan } from './plan-store-days.ts';

/** Counts behind the identity error rates of one run (see IdentityErrorRates). */
export interface IdentityErrorCounts {
  /** Counted visits that were their person's first. */
  newVisits: number;
  /** ...of which the engine reported as returning (joined an earlier identity). */
  mergedNew: number;
  /** Counted visits of people who had come before. */
  returningVisits: number;
  /** ...of which the engine reported as a new visitor (a new identity). */
  splitReturning: number;
  visitsTrue: number;
  visitsReported: number;
}

/**
 * Each reported counted visit is matched to the person of its first sighting (`personOf`); it is
 * that person's first visit when the plan has no earlier counted visit of theirs (visits are at
 * most one a day, so the local date decides).
 */
export function measureIdentityErrors(
  plan: StorePlan,
  rows: VisitRow[],
  personOf: (row: VisitRow) => number | undefined,
): IdentityErrorCounts {
  const firstDay = new Map<number, string>();
  for (const v of plan.visits)
    if (!v.bounce && (!firstDay.has(v.person) || v.localDate < firstDay.get(v.person)!))
      firstDay.set(v.person, v.localDate);
  const out: IdentityErrorCounts = {
    newVisits: 0,
    mergedNew: 0,
    returningVisits: 0,
    splitReturning: 0,
    visitsTrue: plan.visits.filter((v) => !v.bounce).length,
    visitsReported: 0,
  };
  for (const row of rows) {
    if (!row.counted) continue;
    out.visitsReported++;
    const person = personOf(row);
    const first = person === undefined ? undefined : firstDay.get(person);
    if (first === undefined) continue;
    if (row.localDate <= first) {
      out.newVisits++;
      if (row.returning) out.mergedNew++;
    } else {
      out.returningVisits++;
      if (!row.returning) out.splitReturning++;
    }
  }
  return out;
}
