// Integrated mode through the API: an application posts faces, gets anonymous ids back by callback, and an admin erases a face.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createApp, hashApiKey } from '../../analytics-api/index.ts';
import { openIntegration, type Integration } from '../../runtime/open-integration.ts';
import { FacePipeline } from '../../ingest/index.ts';
import { MODEL_ID, MODEL_VERSION } from '../../models/index.ts';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { makePngBomb } from '../fixtures/make-png-bomb.ts';
import { personImages } from '../harness/faces-dir.ts';
import { openEmbeddedWorker, type EmbeddedWorker } from './open-embedded-worker.ts';

const KEYS = { integrator: 'k-integrator', viewer: 'k-viewer', admin: 'k-admin', other: 'k-other' };
let env: EmbeddedWorker;
let pipeline: FacePipeline;
let integration: Integration;
let app: ReturnType<typeof createApp>;
let hook: Server;
let hookUrl: string;
const callbacks: Array<Record<string, unknown>> = [];

before(async () => {
  env = await openEmbeddedWorker({
    sites: [
      { id: 's1', name: 'Store', tenant: 't1', timezone: 'UTC' },
      { id: 'x1', name: 'Other', tenant: 't2', timezone: 'UTC' },
    ],
    api: {
      keys: [
        { tenant: 't1', sha256: hashApiKey(KEYS.integrator), role: 'integrator' },
        { tenant: 't1', sha256: hashApiKey(KEYS.viewer), role: 'viewer' },
        { tenant: 't1', sha256: hashApiKey(KEYS.admin), role: 'admin' },
        { tenant: 't2', sha256: hashApiKey(KEYS.other), role: 'admin' },
      ],
    },
    // The test's callback listener runs on this machine: allowed by configuration, as an integrator on the same host would be.
    ingest: { upload: { callbackAllowHttp: true, callbackAllowList: ['127.0.0.1'] } },
  });
  pipeline = await FacePipeline.load();
  integration = await openIntegration(env.runtime, pipeline);
  app = createApp({ config: env.runtime.config, clickhouse: env.runtime.clickhouse, integration: integration.deps });
  const port = await findFreePort();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      callbacks.push(JSON.parse(body));
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(port, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${port}/ids`;
});

after(async () => {
  hook?.close();
  await integration?.stop();
  await pipeline?.close();
  await env?.close();
});

const post = (path: string, key: string | undefined, body: BodyInit, type: string) =>
  app.request(path, {
    method: 'POST',
    body,
    headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });

async function callbackFor(observationId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const found = callbacks.find((c) => c.observationId === observationId);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no callback for ${observationId}`);
}

test('posted faces are re-identified and their anonymous ids come back by callback', async () => {
  const [a, b] = personImages('deepface', 'p02');
  const first = await post(
    `/api/v1/sites/s1/cameras/door/faces?callbackUrl=${encodeURIComponent(hookUrl)}`,
    KEYS.integrator,
    readFileSync(a),
    'image/jpeg',
  );
  assert.equal(first.status, 202);
  const { observationId: o1 } = await first.json();
  const second = await post(
    `/api/v1/sites/s1/cameras/till/faces?callbackUrl=${encodeURIComponent(hookUrl)}`,
    KEYS.integrator,
    readFileSync(b),
    'image/jpeg',
  );
  const { observationId: o2 } = await second.json();
  const [c1, c2] = [await callbackFor(o1), await callbackFor(o2)];
  assert.equal(c1.isNewIdentity, true);
  assert.equal(c2.isNewIdentity, false);
  assert.equal(c2.identityId, c1.identityId, 'the same person twice: one anonymous id');
  assert.ok(!('embedding' in c1), 'no vector goes back');
});

test('uploads need an integrator key of the site; ready embeddings are accepted too', async () => {
  const embedding = Array.from({ length: 512 }, (_, i) => Math.sin(i));
  const json = JSON.stringify({ embedding, quality: 0.8, modelId: MODEL_ID, modelVersion: MODEL_VERSION });
  assert.equal(
    (await post('/api/v1/sites/s1/cameras/door/embeddings', undefined, json, 'application/json')).status,
    401,
  );
  assert.equal(
    (await post('/api/v1/sites/s1/cameras/door/embeddings', KEYS.viewer, json, 'application/json')).status,
    403,
  );
  assert.equal(
    (await post('/api/v1/sites/s1/cameras/door/embeddings', KEYS.other, json, 'application/json')).status,
    404,
    "another tenant's site looks like no site",
  );
  assert.equal(
    (await post('/api/v1/sites/zz/cameras/door/embeddings', KEYS.integrator, json, 'application/json')).status,
    404,
  );
  assert.equal(
    (await post('/api/v1/sites/s1/cameras/door/embeddings', KEYS.integrator, json, 'application/json')).status,
    202,
  );
});

test('one key has at most ingest.upload.maxConcurrentPerKey (2) image uploads decoding at once; another key is not held up', async () => {
  const photo = readFileSync(personImages('deepface', 'p03')[0]);
  const upload = (key: string) => post('/api/v1/sites/s1/cameras/door/faces', key, photo, 'image/jpeg');
  const burst = await Promise.all([
    upload(KEYS.integrator),
    upload(KEYS.integrator),
    upload(KEYS.integrator),
    upload(KEYS.admin),
  ]);
  const statuses = burst.map((r) => r.status);
  assert.deepEqual(statuses.slice(0, 3).sort(), [202, 202, 429]);
  assert.equal(statuses[3], 202, 'the other key has its own slots');
  const refused = burst.find((r) => r.status === 429)!;
  assert.equal((await refused.json()).error.code, 'too_many_uploads');
  assert.equal((await upload(KEYS.integrator)).status, 202, 'slots are given back');
});

test('an admin erases a face: its identity and sightings are gone; others may not', async () => {
  const photo = readFileSync(personImages('deepface', 'p02')[2]);
  assert.equal((await post('/api/v1/sites/s1/erasure', KEYS.viewer, photo, 'image/jpeg')).status, 403);
  assert.equal((await post('/api/v1/sites/s1/erasure', KEYS.integrator, photo, 'image/jpeg')).status, 403);
  assert.equal((await post('/api/v1/sites/s1/erasure', KEYS.other, photo, 'image/jpeg')).status, 404);
  assert.equal((await post('/api/v1/sites/s1/erasure', KEYS.admin, 'hello', 'text/plain')).status, 415);
  assert.equal(
    (await post('/api/v1/sites/s1/erasure', KEYS.admin, JSON.stringify({ embedding: [1, 2] }), 'application/json'))
      .status,
    400,
  );
  assert.equal(
    (await post('/api/v1/sites/s1/erasure', KEYS.admin, Buffer.from('not a jpeg'), 'image/jpeg')).status,
    415,
  );
  assert.equal((await post('/api/v1/sites/s1/erasure', KEYS.admin, makePngBomb(16000), 'image/png')).status, 413);
  await env.worker.drain();
  const identityId = callbacks[0].identityId as string;
  const res = await post('/api/v1/sites/s1/erasure', KEYS.admin, photo, 'image/jpeg');
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.ok(body.identitiesRemoved >= 1);
  assert.deepEqual(
    body.disk,
    { complete: true, detail: 'Redis keeps nothing on disk' },
    'the answer says what reached the disk (this Redis persists nothing)',
  );
  const left = await env.runtime.clickhouse.query({
    query: 'SELECT count() AS n FROM sightings WHERE identity_id = {id:String}',
    query_params: { id: identityId },
    format: 'JSONEachRow',
  });
  assert.equal(Number((await left.json<{ n: string }>())[0].n), 0);
  assert.equal(
    (await env.runtime.store.loadSite('s1')).some((i) => i.identityId === identityId),
    false,
  );
});
