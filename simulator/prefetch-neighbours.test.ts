/** A chunk's one batched search answers every observation exactly as a fresh search would, while the chunk changes identities. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../cli/demo/seeded-random.ts';
import { buildObservation } from '../ingest/build-observation.ts';
import { assignIdentity } from '../reid-worker/match/assign-identity.ts';
import { SiteState } from '../reid-worker/site-state.ts';
import { PrefetchedSearch } from './prefetch-neighbours.ts';
import { EmbeddingSynthesizer } from './synthesize-embeddings.ts';

test('prefetched answers equal fresh searches, and the assignments equal one-by-one ones', () => {
  const random = seededRandom(5);
  const synth = new EmbeddingSynthesizer(64, 'realistic', random);
  const stream = Array.from({ length: 600 }, (_, i) => buildObservation({ embedding: synth.sighting(Math.floor(random() * 120)), quality: 0.9 }, { siteId: 's', cameraId: 'c', trackId: `t${i}`, tStartMs: i * 1000, tEndMs: i * 1000 + 500 }));
  const [batched, single] = [new SiteState('s', 64), new SiteState('s', 64)];
  const policy = { matchMinCosine: 0.45 };
  let [a, b] = [0, 0];
  for (let start = 0; start < stream.length; start += 100) {
    const chunk = stream.slice(start, start + 100);
    const prefetched = new PrefetchedSearch(batched, chunk.map((o) => o.embedding));
    chunk.forEach((obs, i) => {
      const search = prefetched.searchFor(i);
      const fresh = batched.index.search(obs.embedding, 4).map((n) => n.identityId);
      assert.deepEqual(search(obs.embedding, 4).map((n) => n.identityId), fresh);
      const x = assignIdentity(batched, obs, policy, () => `id-${++a}`, search);
      prefetched.touched(x.identity.identityId);
      const y = assignIdentity(single, obs, policy, () => `id-${++b}`);
      assert.equal(x.identity.identityId, y.identity.identityId);
    });
  }
});
