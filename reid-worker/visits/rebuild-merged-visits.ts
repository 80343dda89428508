/** After identities merged: the survivor's visits are cut again from all its sightings, so one person has one set of visits. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { readIdentitySightings } from '../../storage/sightings-table.ts';
import { readUnidentifiedTracks } from '../../storage/unidentified-tracks-table.ts';
import { rebuildVisitAggregates } from '../../storage/visit-aggregates-table.ts';
import { localDate } from '../../storage/visit-model/local-day.ts';
import { SiteVisitTracker } from '../../storage/visit-model/site-visit-tracker.ts';
import type { VisitRules } from '../../storage/visit-model/visit-rules.ts';
import type { VisitsTable } from '../../storage/visits-table.ts';

/**
 * Re-sessionises each survivor (`to` → the ids merged into it) from its sightings, which must
 * already carry the survivor's id: the merged ids' visits are re-keyed, every visit from the
 * survivor's first stored sighting on is deleted and cut again by the same rules (overlapping
 * visits of the two ids become one; `returning` is recomputed), and the aggregates of every day
 * touched are rebuilt. Visits older than any stored sighting (their sightings' retention ran out)
 * keep their boundaries, re-keyed to the survivor. A split gives `sinceMs` for each side: its
 * visits from the earliest moved sighting on are cut again even where no sighting of its own is
 * left. The unidentified entrance and exit tracks the cut visits had taken are offered to the new
 * cut, so a visit that keeps its first and last sightings keeps them. Idempotent: a replay after
 * a crash converges.
 */
export async function rebuildMergedVisits(
  client: ClickHouseClient,
  visits: VisitsTable,
  site: { siteId: string; tenant: string; rules: VisitRules },
  merges: Map<string, string[]>,
  nowMs: number,
  sinceMs: Map<string, number> = new Map(),
): Promise<void> {
  const { siteId, rules } = site;
  const dates = new Set<string>();
  for (const [to, froms] of merges) {
    await visits.rekey(siteId, to, froms);
    const sightings = await readIdentitySightings(client, siteId, to);
    const before = await visits.summaries(siteId, to);
    for (const v of before) dates.add(v.localDate);
    if (sightings.length === 0 && !sinceMs.has(to)) continue;
    const sightingsFromMs = Math.min(sightings[0]?.tStartMs ?? Infinity, sinceMs.get(to) ?? Infinity);
    // A visit begun by an entrance track starts before its first sighting: it is cut again too.
    const firstMs = Math.min(
      sightingsFromMs,
      ...before.filter((v) => v.tracks.length > 0 && v.endMs >= sightingsFromMs).map((v) => v.startMs),
    );
    const priorCounted = before.some((v) => v.startMs < firstMs && v.counted);
    const taken = before.filter((v) => v.startMs >= firstMs).flatMap((v) => v.tracks);
    const tracks = [...(await readUnidentifiedTracks(client, siteId, taken)).values()];
    await visits.deleteFrom(siteId, to, firstMs);
    const tracker = new SiteVisitTracker(site, rules);
    const cut = new Map(tracker.apply(sightings, tracks).map((r) => [r.visitId, r]));
    for (const closed of tracker.sweep(nowMs)) cut.set(closed.visitId, closed);
    for (const s of sightings) dates.add(localDate(s.tStartMs, rules.timeZone));
    // `returning` only ever turns on along a person's visits, so a counted visit before the replay makes every replayed one returning.
    await visits.write([...cut.values()].map((r) => ({ ...r, returning: r.returning || priorCounted })));
  }
  await rebuildVisitAggregates(client, siteId, [...dates]);
}
