/** The engine replay runs the worker's index as the worker does: a rebuild its growth started takes over between batches. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../common/config.ts';
import { matchPolicyFromConfig } from '../reid-worker/match/match-policy.ts';
import { visitRulesFor } from '../storage/visit-model/visit-rules.ts';
import { replayStorePlanThroughEngine } from './replay-store-plan.ts';
import { STORE_SMALL_FACES } from './plan-small-faces.ts';
import { SIMULATED_STORE_SITE } from './run-store-simulation.ts';

test('a store that outgrows the exact index ends on an inverted file, and still counts its visitors', async () => {
  const site = { id: 'sim-store', name: 'Simulated store', tenant: 'sim', timezone: 'Europe/Berlin' };
  const config = loadConfig({ sites: [site] }, {});
  const run = await replayStorePlanThroughEngine({
    layout: 'mall',
    visitors: 400,
    days: 2,
    seed: 3,
    staff: 0,
    policy: matchPolicyFromConfig(config.matching),
    rules: visitRulesFor(config, site.id),
    exclusionMinCosine: config.privacy.exclusionMinCosine,
    batch: 50,
    // Exact below 100 identities: the replay crosses it on its first day.
    index: { codec: 'int8', exactBelow: 100, nprobe: 4 },
  });
  assert.ok(run.identities > 100);
  assert.ok(run.index.nlist > 1, `ended on ${run.index.nlist} list(s)`);
  assert.equal(run.index.rebuilding, false);
  assert.equal(run.index.size, run.identities);
  assert.ok(
    Math.abs(run.reported.visitors / run.truth.visitors - 1) < 0.05,
    `${run.reported.visitors} visitors reported of ${run.truth.visitors}`,
  );
  assert.deepEqual(run.reported.topPath, run.reported.paths[0].path);
  assert.ok(run.reported.paths.every((p, i) => i === 0 || p.visits <= run.reported.paths[i - 1].visits));
});

test("a store's too-small door faces join visits: their weak embeddings take most checkout tracks to their owner, time alone a quarter", async () => {
  const site = SIMULATED_STORE_SITE;
  const config = loadConfig({ sites: [site] }, {});
  const replay = (pairingEmbeddings: boolean) =>
    replayStorePlanThroughEngine({
      // The simulated store's crowd (~630 visits a day): a checkout track has ~5 candidates.
      visitors: 2000,
      days: 2,
      seed: 7,
      staff: 0,
      policy: matchPolicyFromConfig(config.matching),
      rules: visitRulesFor(config, site.id),
      exclusionMinCosine: config.privacy.exclusionMinCosine,
      smallFaces: STORE_SMALL_FACES,
      pairingEmbeddings,
    });
  const [byFace, byTime] = [await replay(true), await replay(false)];
  for (const run of [byFace, byTime]) {
    assert.ok(run.doorTracks.exits > 50 && run.doorTracks.entries > 50, JSON.stringify(run.doorTracks));
    assert.ok(
      Math.abs(run.reported.visits / run.truth.visits - 1) < 0.03,
      `${run.reported.visits} / ${run.truth.visits}`,
    );
  }
  const own = (run: typeof byFace) => run.doorTracks.exitsOwn / run.doorTracks.exits;
  assert.ok(own(byFace) > 0.8, `by face: ${own(byFace)}`);
  assert.ok(own(byTime) < 0.45, `by time: ${own(byTime)}`);
  assert.ok(byFace.doorTracks.entriesOwn / byFace.doorTracks.entries > 0.8, JSON.stringify(byFace.doorTracks));
});
