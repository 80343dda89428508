/**
 * The one behavioural suite every ClickHouse behind storage/ must pass: embedded chdb and a
 * ClickHouse server. Each table module's writes and reads, as the worker and the reports rely on them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Sighting } from '../../schemas/index.ts';
import { BI_TABLES, exportBiSnapshot } from '../../storage/bi-views.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { insertDeadLetters } from '../../storage/dead-letters-table.ts';
import { deleteIdentityRows } from '../../storage/delete-identity-rows.ts';
import { DigestLedger } from '../../storage/digest-runs-table.ts';
import { recordMerges } from '../../storage/identity-merges-table.ts';
import {
  insertSightings,
  readIdentitySightings,
  readObservationIds,
  readVisitMembers,
  rekeyMergedSightings,
} from '../../storage/sightings-table.ts';
import { rebuildVisitAggregates } from '../../storage/visit-aggregates-table.ts';
import type { VisitRow } from '../../storage/visit-model/visit-row.ts';
import { COUNTED_VISITS, OPEN_VISITS, VisitsTable } from '../../storage/visits-table.ts';
import { uniqueName } from '../harness/unique-name.ts';

/** A migrated database no other suite writes to, and how to let it go. */
export interface ContractStorage {
  client: ClickHouseClient;
  close(): Promise<void>;
}

const MIN = 60_000;
const T0 = Date.parse('2026-11-02T09:00:00Z');

function sighting(siteId: string, observationId: string, identityId: string, tMs: number, label = ''): Sighting {
  return {
    observationId,
    siteId,
    cameraId: 'entrance',
    identityId,
    tStartMs: tMs,
    tEndMs: tMs + 2000,
    similarity: 0.9,
    isNewIdentity: false,
    quality: 0.8,
    modelId: 'm',
    label,
  };
}

function visit(
  siteId: string,
  visitId: string,
  identityId: string,
  startMs: number,
  patch: Partial<VisitRow> = {},
): VisitRow {
  return {
    siteId,
    tenant: 't1',
    visitId,
    identityId,
    startMs,
    endMs: startMs + 10 * MIN,
    localDate: new Date(startMs).toISOString().slice(0, 10),
    localHour: new Date(startMs).getUTCHours(),
    cameras: ['entrance', 'zone', 'zone'],
    sightings: 3,
    returning: false,
    counted: true,
    status: 'open',
    rulesVersion: 'v1-contract',
    ...patch,
  };
}

/** Registers the suite for one ClickHouse; `open` gives a fresh, migrated database. */
export function runStorageContract(name: string, open: () => Promise<ContractStorage>): void {
  describe(`storage contract: ${name}`, () => {
    let storage: ContractStorage;
    let client: ClickHouseClient;
    /** A site of its own per test: the suite shares one database. */
    const site = () => uniqueName('site');

    before(async () => {
      storage = await open();
      client = storage.client;
    });
    after(async () => {
      await storage?.close();
    });

    it('sightings: an insert is idempotent by observation id; readers see one row each (FINAL), in time order, labelled ones apart', async () => {
      const s = site();
      const batch = [
        sighting(s, 'o2', 'p1', T0 + MIN),
        sighting(s, 'o1', 'p1', T0),
        sighting(s, 'o3', 'p2', T0 + 2 * MIN),
        sighting(s, 'o4', 'staff', T0, 'staff'),
      ];
      await insertSightings(client, batch, () => 900);
      await insertSightings(client, batch.slice(0, 2), () => 900); // a redelivery
      const [{ n }] = await queryRows<{ n: string }>(
        client,
        'SELECT count() AS n FROM sightings FINAL WHERE site_id = {s:String}',
        { s },
      );
      assert.equal(Number(n), 4);
      const p1 = await readIdentitySightings(client, s, 'p1');
      assert.deepEqual(
        p1.map((x) => [x.observationId, x.tStartMs, x.tEndMs]),
        [
          ['o1', T0, T0 + 2000],
          ['o2', T0 + MIN, T0 + MIN + 2000],
        ],
      );
      assert.deepEqual(await readIdentitySightings(client, s, 'staff'), [], 'labelled sightings make no visit');
      const members = await readVisitMembers(client, s, ['p1', 'p2'], T0 + MIN, T0 + 2 * MIN);
      assert.deepEqual([...members].map(([id, list]) => [id, list.map((m) => m.observationId)]).sort(), [
        ['p1', ['o2']],
        ['p2', ['o3']],
      ]);
      const [{ days }] = await queryRows<{ days: number }>(
        client,
        'SELECT max(retention_days) AS days FROM sightings WHERE site_id = {s:String}',
        { s },
      );
      assert.equal(Number(days), 900, "each row carries its site's retention for the TTL");
    });

    it('sightings: merges re-key the merged ids to their survivor, only at that site; erasure finds every observation', async () => {
      const s = site();
      const other = site();
      await insertSightings(client, [
        sighting(s, 'a1', 'a', T0),
        sighting(s, 'b1', 'b', T0 + MIN),
        sighting(s, 'c1', 'c', T0 + 2 * MIN, 'staff'),
        sighting(other, 'x1', 'a', T0),
      ]);
      await rekeyMergedSightings(client, s, new Map([['c', ['a', 'b']]]));
      assert.deepEqual(
        (await readIdentitySightings(client, s, 'c')).map((x) => x.observationId),
        ['a1', 'b1'],
      );
      assert.deepEqual(await readIdentitySightings(client, s, 'a'), []);
      assert.deepEqual(
        (await readIdentitySightings(client, other, 'a')).map((x) => x.observationId),
        ['x1'],
        'another site keeps its ids',
      );
      assert.deepEqual((await readObservationIds(client, s, ['c'])).sort(), ['a1', 'b1', 'c1'], 'labelled ones too');
    });

    it('visits: the latest write of a visit wins (FINAL); restore reads give the latest visit and the open ones with their sightings', async () => {
      const s = site();
      let clock = T0;
      const visits = new VisitsTable(client, () => clock);
      await insertSightings(client, [
        sighting(s, 'v1', 'p1', T0),
        sighting(s, 'v2', 'p1', T0 + 5 * MIN),
        sighting(s, 'v3', 'p2', T0 + 20 * MIN),
      ]);
      await visits.write([visit(s, 'p1-1', 'p1', T0), visit(s, 'p2-1', 'p2', T0 + 20 * MIN)]);
      await visits.write([visit(s, 'p1-1', 'p1', T0, { status: 'closed' })]); // same clock: the version still grows
      clock += MIN;
      await visits.write([visit(s, 'p1-1', 'p1', T0, { status: 'closed', returning: true })]);
      const rows = await queryRows<{ visit_id: string; status: string; returning: number }>(
        client,
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
      const s = site();
      const visits = new VisitsTable(client);
      await visits.write([
        visit(s, 'in', 'p1', T0),
        visit(s, 'bounce', 'p2', T0, { counted: false }),
        visit(s, 'later', 'p3', T0 + 24 * 60 * MIN),
      ]);
      await visits.write([visit(s, 'in', 'p1', T0, { status: 'closed' })]);
      const range = { site: s, from_ms: T0 - 60 * MIN, to_ms: T0 + 60 * MIN };
      const counted = await queryRows<{ visit_id: string; path: string[]; dwell_s: number }>(
        client,
        `SELECT visit_id, path, dwell_s FROM (${COUNTED_VISITS})`,
        range,
      );
      assert.deepEqual(
        counted.map((v) => [v.visit_id, v.path, Number(v.dwell_s)]),
        [['in', ['entrance', 'zone'], 600]],
        'repeats collapse into the path',
      );
      const open = await queryRows<{ visit_id: string }>(
        client,
        `SELECT visit_id FROM (${OPEN_VISITS}) ORDER BY visit_id`,
        { site: s },
      );
      assert.deepEqual(
        open.map((v) => v.visit_id),
        ['bounce', 'later'],
      );
    });

    it('visits and aggregates: re-keying, re-cutting and a day rebuild leave one visitor where a merge made one person', async () => {
      const s = site();
      const visits = new VisitsTable(client);
      await visits.write([
        visit(s, 'a-1', 'a', T0),
        visit(s, 'b-1', 'b', T0 + 30 * MIN),
        visit(s, 'b-2', 'b', T0 + 24 * 60 * MIN),
      ]);
      const visitors = async () =>
        (
          await queryRows<{ d: string; n: string }>(
            client,
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
      await rebuildVisitAggregates(client, s, ['2026-11-02', '2026-11-03']);
      assert.deepEqual(
        await visitors(),
        [['2026-11-02', 1]],
        'rebuilt days count the survivor once; the deleted day is empty',
      );
      await rebuildVisitAggregates(client, s, ['2026-11-02']);
      assert.deepEqual(await visitors(), [['2026-11-02', 1]], 'a repeated rebuild changes nothing');
    });

    it('identity merges and dead letters: a replayed write replaces its row', async () => {
      const s = site();
      const merge = { from: 'a', to: 'b', similarity: 0.61, mergedAtMs: T0 };
      await recordMerges(client, s, [merge, { ...merge, from: 'c' }]);
      await recordMerges(client, s, [merge]);
      const merges = await queryRows<{ merged_identity_id: string; identity_id: string }>(
        client,
        'SELECT merged_identity_id, identity_id FROM identity_merges FINAL WHERE site_id = {s:String} ORDER BY merged_identity_id',
        { s },
      );
      assert.deepEqual(
        merges.map((m) => [m.merged_identity_id, m.identity_id]),
        [
          ['a', 'b'],
          ['c', 'b'],
        ],
      );

      const topic = uniqueName('observations');
      const payload = new TextEncoder().encode('not a face observation');
      const letter = {
        topic,
        partition: 3,
        offset: '17',
        key: 'k'.repeat(300),
        reasonCode: 'malformed',
        reason: 'r'.repeat(1500),
        payload,
      };
      await insertDeadLetters(client, [letter]);
      await insertDeadLetters(client, [letter]);
      const letters = await queryRows<{
        message_key: string;
        reason: string;
        payload_bytes: number;
        payload_sha256: string;
      }>(
        client,
        'SELECT message_key, reason, payload_bytes, payload_sha256 FROM dead_letters FINAL WHERE topic = {t:String}',
        { t: topic },
      );
      assert.equal(letters.length, 1);
      assert.deepEqual(
        [letters[0].message_key.length, letters[0].reason.length, Number(letters[0].payload_bytes)],
        [256, 1000, payload.length],
      );
      assert.equal(
        letters[0].payload_sha256,
        createHash('sha256').update(payload).digest('hex'),
        'the bytes themselves are not stored',
      );
    });

    it('digest runs: a later attempt wins, a success over a failure of the same attempt, whatever the order of writes', async () => {
      const s = site();
      const ledger = new DigestLedger(client);
      const run = {
        runKey: `${s}/day/2026-11-02/folder`,
        siteId: s,
        periodKind: 'day',
        periodFrom: '2026-11-02',
        destination: 'folder',
      };
      assert.equal(await ledger.get(run.runKey), null);
      await ledger.record({ ...run, status: 'failed', attempts: 1, lastError: 'x'.repeat(3000) });
      assert.deepEqual(await ledger.get(run.runKey), { status: 'failed', attempts: 1, lastError: 'x'.repeat(2000) });
      await ledger.record({ ...run, status: 'sent', attempts: 2, lastError: '' });
      await ledger.record({ ...run, status: 'failed', attempts: 2, lastError: 'late' });
      assert.deepEqual(await ledger.get(run.runKey), { status: 'sent', attempts: 2, lastError: '' });
      await ledger.record({
        ...run,
        runKey: `${s}/day/2026-11-01/folder`,
        periodFrom: '2026-11-01',
        status: 'sent',
        attempts: 1,
        lastError: '',
      });
      assert.deepEqual(
        (await ledger.list(s)).map((r) => [r.periodFrom, r.status]),
        [
          ['2026-11-01', 'sent'],
          ['2026-11-02', 'sent'],
        ],
      );
    });

    it("erasure deletes the identities' rows from every table that holds them, at that site only", async () => {
      const s = site();
      const other = site();
      await insertSightings(client, [
        sighting(s, 'e1', 'gone', T0),
        sighting(s, 'e2', 'kept', T0),
        sighting(other, 'e3', 'gone', T0),
      ]);
      await new VisitsTable(client).write([visit(s, 'g-1', 'gone', T0), visit(s, 'k-1', 'kept', T0)]);
      await recordMerges(client, s, [{ from: 'older', to: 'gone', similarity: 0.6, mergedAtMs: T0 }]);
      const deleted = await deleteIdentityRows(client, s, ['gone']);
      assert.deepEqual(deleted.observationIds, ['e1']);
      assert.deepEqual([deleted.byTable.sightings, deleted.byTable.visits, deleted.byTable.identity_merges], [1, 1, 1]);
      const left = await queryRows<{ t: string; id: string }>(
        client,
        `SELECT 'sightings' AS t, identity_id AS id FROM sightings WHERE site_id IN ({s:String}, {o:String})
         UNION ALL SELECT 'visits', identity_id FROM visits WHERE site_id = {s:String}
         UNION ALL SELECT 'identity_merges', identity_id FROM identity_merges WHERE site_id = {s:String}`,
        { s, o: other },
      );
      assert.deepEqual(
        left.map((r) => `${r.t}:${r.id}`).sort(),
        ['sightings:gone', 'sightings:kept', 'visits:kept'],
        "the other site's row of the same id stays",
      );
    });

    it("BI views: a key scope's snapshot holds its tenant's rows of its sites only, suppressed below minCount", async () => {
      const mine = site();
      const theirs = site();
      const visits = new VisitsTable(client);
      const people = (s: string, tenant: string, n: number) =>
        Array.from({ length: n }, (_, i) =>
          visit(s, `${s}-${i}`, `p${i}`, T0 + i * 1000, { tenant, status: 'closed' }),
        );
      await visits.write([...people(mine, 't1', 7), ...people(theirs, 't2', 9)]);
      const tables = await exportBiSnapshot(client, { tenant: 't1', sites: [mine, theirs] }, 5);
      assert.deepEqual(
        tables.map((t) => t.name),
        [...BI_TABLES],
      );
      const footfall = new TextDecoder().decode(tables.find((t) => t.name === 'bi_footfall_hourly')!.tsv);
      const [names, , ...rows] = footfall.trimEnd().split('\n');
      assert.ok(names.split('\t').includes('site_id'), 'the header names the columns');
      assert.ok(rows.length > 0 && rows.every((r) => r.includes(mine) && !r.includes(theirs)), footfall);
      assert.ok(
        rows.some((r) => /\t7(\t|$)/.test(r)),
        `7 visitors shown at minCount 5: ${footfall}`,
      );
      const hidden = await exportBiSnapshot(client, { tenant: 't1', sites: [mine] }, 8);
      const small = new TextDecoder()
        .decode(hidden.find((t) => t.name === 'bi_footfall_hourly')!.tsv)
        .trimEnd()
        .split('\n')
        .slice(2);
      assert.ok(
        small.every((r) => !/\t7(\t|$)/.test(r)),
        `7 visitors hidden below minCount 8: ${small.join(' | ')}`,
      );
    });
  });
}
