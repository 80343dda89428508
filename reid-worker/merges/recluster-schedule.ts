/** When a site's re-clustering pass is due: the pure scheduling decision behind the worker's periodic merges. */

/**
 * Whether a pass should run now. The first batch a worker sees of a site only starts its clock:
 * the site was just loaded from the registry, and a restart loop should not turn into a loop of
 * full passes. `everyMs` 0 switches re-clustering off.
 */
export function isReclusterDue(lastRunMs: number | undefined, nowMs: number, everyMs: number): boolean {
  if (everyMs <= 0 || lastRunMs === undefined) return false;
  return nowMs - lastRunMs >= everyMs;
}

/** Per-site memory of the last pass (or of the first batch), around `isReclusterDue`. */
export class ReclusterSchedule {
  private readonly lastRunMs = new Map<string, number>();

  constructor(private readonly everyMs: number) {}

  /** Whether the site's pass is due at `nowMs`; a site seen for the first time starts its clock. */
  due(siteId: string, nowMs: number): boolean {
    const last = this.lastRunMs.get(siteId);
    if (last === undefined && this.everyMs > 0) this.lastRunMs.set(siteId, nowMs);
    return isReclusterDue(last, nowMs, this.everyMs);
  }

  /** Records a pass that ran at `nowMs`. */
  ran(siteId: string, nowMs: number): void {
    this.lastRunMs.set(siteId, nowMs);
  }
}
