/** The storage contract's checks of sightings, visits and the visit aggregates: what the worker writes and restores, and what reports read. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import {
  insertSightings,
  readIdentitySightings,
  readObservationIds,
  readVisitMembers,
  rekeyMergedSightings,
} from '../../storage/sightings-table.ts';
import { rebuildVisitAggregates } from '../../storage/visit-aggregates-table.ts';
import { COUNTED_VISITS, OPEN_VISITS, VisitsTable } from '../../storage/visits-table.ts';
import { MIN, sighting, T0, visit, type ContractContext } from './storage-fixtures.ts';

/** Registers the checks inside the caller's describe. */
export function checkVisitTables(ctx: ContractContext): void {
  it('sightings: an insert is idempotent by observation id; readers see one row each (FINAL), in time order, labelled ones apart', async () => {
    const s = ctx.site();
    const batch = [
      sighting(s, 'o2', 'p1', T0 + MIN),
      sighting(s, 'o1', 'p1', T0),
      sighting(s, 'o3', 'p2', T0 + 2 * MIN),
      sighting(s, 'o4', 'staff', T0, 'staff'),
    ];
    await insertSightings(ctx.client, batch, () => 900);
    await insertSightings(ctx.client, batch.slice(0, 2), () => 900); // a redelivery
    const [{ n }] = await queryRows<{ n: string }>(
      ctx.client,
      'SELECT count() AS n FROM sightings FINAL WHERE site_id = {s:String}',
      { s },
    );
    assert.equal(Number(n), 4);
    const p1 = await readIdentitySightings(ctx.client, s, 'p1');
    assert.deepEqual(
      p1.map((x) => [x.observationId, x.tStartMs, x.tEndMs]),
      [
        ['o1', T0, T0 + 2000],
        ['o2', T0 + MIN, T0 + MIN + 2000],
      ],
    );
    assert.deepEqual(await readIdentitySightings(ctx.client, s, 'staff'), [], 'labelled sightings make no visit');
    const members = await readVisitMembers(ctx.client, s, ['p1', 'p2'], T0 + MIN, T0 + 2 * MIN);
    assert.deepEqual([...members].map(([id, list]) => [id, list.map((m) => m.observationId)]).sort(), [
      ['p1', ['o2']],
      ['p2', ['o3']],
    ]);
    const [{ days }] = await queryRows<{ days: number }>(
      ctx.client,
      'SELECT max(retention_days) AS days FROM sightings WHERE site_id = {s:String}',
      { s },
    );
    assert.equal(Number(days), 900, "each row carries its site's retention for the TTL");
  });

  it('sightings: merges re-key the merged ids to their survivor, only at that site; erasure finds every observation', async () => {
    const s = ctx.site();
    const other = ctx.site();
    await insertSightings(ctx.client, [
      sighting(s, 'a1', 'a', T0),
      sighting(s, 'b1', 'b', T0 + MIN),
      sighting(s, 'c1', 'c', T0 + 2 * MIN, 'staff'),
      sighting(other, 'x1', 'a', T0),
    ]);
    await rekeyMergedSightings(ctx.client, s, new Map([['c', ['a', 'b']]]));
    assert.deepEqual(
      (await readIdentitySightings(ctx.client, s, 'c')).map((x) => x.observationId),
      ['a1', 'b1'],
    );
    assert.deepEqual(await readIdentitySightings(ctx.client, s, 'a'), []);
    assert.deepEqual(
      (await readIdentitySightings(ctx.client, other, 'a')).map((x) => x.observationId),
      ['x1'],
      'another site keeps its ids',
    );
    assert.deepEqual((await readObservationIds(ctx.client, s, ['c'])).sort(), ['a1', 'b1', 'c1'], 'labelled ones too');
  });

  it('visits: the latest write of a visit wins (FINAL); restore reads give the latest visit and the open ones with their sightings', async () => {
    const s = ctx.site();
    let clock = T0;
    const visits = new VisitsTable(ctx.client, () => clock);
    await insertSightings(ctx.client, [
      sighting(s, 'v1', 'p1', T0),
      sighting(s, 'v2', 'p1', T0 + 5 * MIN),
      sighting(s, 'v3', 'p2', T0 + 20 * MIN),
    ]);
    await visits.write([visit(s, 'p1-1', 'p1', T0), visit(s, 'p2-1', 'p2', T0 + 20 * MIN)]);
    await visits.write([visit(s, 'p1-1', 'p1', T0, { status: 'closed' })]); // same clock: the version still grows
    clock += MIN;
    await visits.write([visit(s, 'p1-1', 'p1', T0, { status: 'closed', returning: true })]);
    const rows = await queryRows<{ visit_id: string; status: string; returning: number }>(
      ctx.client,
      'SELECT visit_id, status, returning FROM visits FINAL WHERE site_id = {s:String} ORDER BY visit_id',
      { s },
    );
    assert.deepEqual(
      rows.map((r) => [r.visit_id, r.status, Number(r.returning)]),
      [
        ['p1-1', 'closed', 1],
        ['p2-1', 'open', 0],
      ],
    );

    const latest = await visits.latestVisits(s, ['p1', 'p2', 'nobody'], 30 * MIN);
    assert.deepEqual([...latest.keys()].sort(), ['p1', 'p2']);
    assert.deepEqual(
      latest.get('p1')?.members.map((m) => m.observationId),
      ['v1', 'v2'],
    );
    assert.equal(latest.get('p1')?.status, 'closed');
    const open = await visits.openVisits([s], () => 30 * MIN);
    assert.deepEqual([...(open.get(s)?.keys() ?? [])], ['p2']);
    assert.deepEqual(
      open
        .get(s)
        ?.get('p2')
        ?.members.map((m) => m.observationId),
      ['v3'],
    );
  });

  it('visits: the report sources read counted visits of a range and open visits, each once', async () => {
    const s = ctx.site();
    const visits = new VisitsTable(ctx.client);
    await visits.write([
      visit(s, 'in', 'p1', T0),
      visit(s, 'bounce', 'p2', T0, { counted: false }),
      visit(s, 'later', 'p3', T0 + 24 * 60 * MIN),
    ]);
    await visits.write([visit(s, 'in', 'p1', T0, { status: 'closed' })]);
    const range = { site: s, from_ms: T0 - 60 * MIN, to_ms: T0 + 60 * MIN };
    const counted = await queryRows<{ visit_id: string; path: string[]; dwell_s: number }>(
      ctx.client,
      `SELECT visit_id, path, dwell_s FROM (${COUNTED_VISITS})`,
      range,
    );
    assert.deepEqual(
      counted.map((v) => [v.visit_id, v.path, Number(v.dwell_s)]),
      [['in', ['entrance', 'zone'], 600]],
      'repeats collapse into the path',
    );
    const open = await queryRows<{ visit_id: string }>(
      ctx.client,
      `SELECT visit_id FROM (${OPEN_VISITS}) ORDER BY visit_id`,
      { site: s },
    );
    assert.deepEqual(
      open.map((v) => v.visit_id),
      ['bounce', 'later'],
    );
  });

  it('visits and aggregates: re-keying, re-cutting and a day rebuild leave one visitor where a merge made one person', async () => {
    const s = ctx.site();
    const visits = new VisitsTable(ctx.client);
    await visits.write([
      visit(s, 'a-1', 'a', T0),
      visit(s, 'b-1', 'b', T0 + 30 * MIN),
      visit(s, 'b-2', 'b', T0 + 24 * 60 * MIN),
    ]);
    const visitors = async () =>
      (
        await queryRows<{ d: string; n: string }>(
          ctx.client,
          'SELECT toString(local_date) AS d, uniqExactMerge(visitors) AS n FROM visitors_daily WHERE site_id = {s:String} GROUP BY d ORDER BY d',
          { s },
        )
      ).map((r) => [r.d, Number(r.n)]);
    assert.deepEqual(await visitors(), [
      ['2026-11-02', 2],
      ['2026-11-03', 1],
    ]);

    await visits.rekey(s, 'b', ['a']);
    assert.deepEqual((await visits.summaries(s, 'b')).map((v) => v.startMs).sort(), [
      T0,
      T0 + 30 * MIN,
      T0 + 24 * 60 * MIN,
    ]);
    assert.deepEqual(
      await visitors(),
      [
        ['2026-11-02', 2],
        ['2026-11-03', 1],
      ],
      'the views still hold the old id: states only grow',
    );
    await visits.deleteFrom(s, 'b', T0 + 24 * 60 * MIN);
    assert.deepEqual(
      (await visits.summaries(s, 'b')).map((v) => v.localDate),
      ['2026-11-02', '2026-11-02'],
    );
    await rebuildVisitAggregates(ctx.client, s, ['2026-11-02', '2026-11-03']);
    assert.deepEqual(
      await visitors(),
      [['2026-11-02', 1]],
      'rebuilt days count the survivor once; the deleted day is empty',
    );
    await rebuildVisitAggregates(ctx.client, s, ['2026-11-02']);
    assert.deepEqual(await visitors(), [['2026-11-02', 1]], 'a repeated rebuild changes nothing');
  });
}
