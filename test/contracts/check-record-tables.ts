/** The storage contract's checks of the record tables: identity merges, dead letters, digest runs, unidentified tracks; erasure across tables; BI snapshots. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BI_TABLES, exportBiSnapshot } from '../../storage/bi-views.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { insertDeadLetters } from '../../storage/dead-letters-table.ts';
import { deleteIdentityRows } from '../../storage/delete-identity-rows.ts';
import { DigestLedger } from '../../storage/digest-runs-table.ts';
import { recordMerges } from '../../storage/identity-merges-table.ts';
import { insertSightings } from '../../storage/sightings-table.ts';
import { insertUnidentifiedTracks, UNIDENTIFIED_TRACKS } from '../../storage/unidentified-tracks-table.ts';
import { UnidentifiedReason } from '../../schemas/index.ts';
import { VisitsTable } from '../../storage/visits-table.ts';
import { uniqueName } from '../harness/unique-name.ts';
import { sighting, T0, visit, type ContractContext } from './storage-fixtures.ts';

/** Registers the checks inside the caller's describe. */
export function checkRecordTables(ctx: ContractContext): void {
  it('identity merges and dead letters: a replayed write replaces its row', async () => {
    const s = ctx.site();
    const merge = { from: 'a', to: 'b', similarity: 0.61, mergedAtMs: T0 };
    await recordMerges(ctx.client, s, [merge, { ...merge, from: 'c' }]);
    await recordMerges(ctx.client, s, [merge]);
    const merges = await queryRows<{ merged_identity_id: string; identity_id: string }>(
      ctx.client,
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
    await insertDeadLetters(ctx.client, [letter]);
    await insertDeadLetters(ctx.client, [letter]);
    const letters = await queryRows<{
      message_key: string;
      reason: string;
      payload_bytes: number;
      payload_sha256: string;
    }>(
      ctx.client,
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

  it('unidentified tracks: a replayed write replaces its row; the source keeps the range and the site local day', async () => {
    const s = ctx.site();
    const seen = (observationId: string, tMs: number) => ({
      observationId,
      siteId: s,
      cameraId: 'entrance',
      trackId: `t-${observationId}`,
      tStartMs: tMs,
      tEndMs: tMs + 2000,
      embedding: new Float32Array(0),
      quality: 0.2,
      modelId: 'm',
      modelVersion: 'v',
      cannotLinkTrackIds: [],
      unidentified: UnidentifiedReason.TOO_SMALL,
    });
    // 23:30 UTC is the next local day in Berlin.
    const late = Date.parse('2026-11-02T23:30:00Z');
    const siteOf = () => ({ tenant: 't1', timeZone: 'Europe/Berlin', retentionDays: 400 });
    await insertUnidentifiedTracks(ctx.client, [seen('u1', T0), seen('u2', late), seen('u3', T0 + 86_400_000)], siteOf);
    await insertUnidentifiedTracks(ctx.client, [seen('u1', T0)], siteOf);
    const rows = await queryRows<{ local_date: string; local_hour: number; reason: string }>(
      ctx.client,
      `SELECT toString(local_date) AS local_date, local_hour, reason FROM (${UNIDENTIFIED_TRACKS}) ORDER BY start`,
      { site: s, from_ms: T0, to_ms: T0 + 86_400_000 },
    );
    assert.deepEqual(
      rows.map((r) => [r.local_date, Number(r.local_hour), r.reason]),
      [
        ['2026-11-02', 10, 'too_small'],
        ['2026-11-03', 0, 'too_small'],
      ],
    );
  });

  it('digest runs: a later attempt wins, a success over a failure of the same attempt, whatever the order of writes', async () => {
    const s = ctx.site();
    const ledger = new DigestLedger(ctx.client);
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
    const s = ctx.site();
    const other = ctx.site();
    await insertSightings(ctx.client, [
      sighting(s, 'e1', 'gone', T0),
      sighting(s, 'e2', 'kept', T0),
      sighting(other, 'e3', 'gone', T0),
    ]);
    await new VisitsTable(ctx.client).write([visit(s, 'g-1', 'gone', T0), visit(s, 'k-1', 'kept', T0)]);
    await recordMerges(ctx.client, s, [{ from: 'older', to: 'gone', similarity: 0.6, mergedAtMs: T0 }]);
    const deleted = await deleteIdentityRows(ctx.client, s, ['gone']);
    assert.deepEqual(deleted.observationIds, ['e1']);
    assert.deepEqual([deleted.byTable.sightings, deleted.byTable.visits, deleted.byTable.identity_merges], [1, 1, 1]);
    const left = await queryRows<{ t: string; id: string }>(
      ctx.client,
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
    const mine = ctx.site();
    const theirs = ctx.site();
    const visits = new VisitsTable(ctx.client);
    const people = (s: string, tenant: string, n: number) =>
      Array.from({ length: n }, (_, i) => visit(s, `${s}-${i}`, `p${i}`, T0 + i * 1000, { tenant, status: 'closed' }));
    await visits.write([...people(mine, 't1', 7), ...people(theirs, 't2', 9)]);
    const tables = await exportBiSnapshot(ctx.client, { tenant: 't1', sites: [mine, theirs] }, 5);
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
    const hidden = await exportBiSnapshot(ctx.client, { tenant: 't1', sites: [mine] }, 8);
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
}
