// Erasure on real faces: a photo of a person removes every identity of theirs, all their sightings
// and every Redis key that names them; the worker forgets them at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { decodeImage, ingestImages } from '../../ingest/index.ts';
import { eraseFace } from '../../reid-worker/erasure/index.ts';
import { personImages } from '../harness/faces-dir.ts';
import { openFaceWorker, type FaceWorker } from './open-embedded-worker.ts';

const SITE = 'store-1';
const CLI = new URL('../../bin/revisit.js', import.meta.url).pathname;
let env: FaceWorker;

before(async () => (env = await openFaceWorker(SITE)));
after(async () => env?.close());

async function sightings(cameraId: string): Promise<Array<{ observation_id: string; identity_id: string }>> {
  const rows = await env.runtime.clickhouse.query({
    query: 'SELECT observation_id, identity_id FROM sightings FINAL WHERE camera_id = {camera:String}',
    query_params: { camera: cameraId },
    format: 'JSONEachRow',
  });
  return rows.json();
}

async function ingest(files: string[], cameraId: string): Promise<void> {
  const summary = await ingestImages(env.pipeline, env.publisher, { siteId: SITE, cameraId, files });
  assert.equal(summary.skipped.length, 0);
  await env.worker.drain();
}

/** Every key and every stored value of the keyspace, as text. */
async function redisDump(): Promise<string[]> {
  const client = new Redis(env.redisUrl);
  try {
    const out: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      const values =
        type === 'string'
          ? [await client.get(key)]
          : type === 'zset'
            ? await client.zrange(key, '0', '-1')
            : type === 'set'
              ? await client.smembers(key)
              : Object.values(await client.hgetall(key));
      out.push(key, ...values.map(String));
    }
    return out;
  } finally {
    client.disconnect();
  }
}

test('erasing a face removes every identity of that person, their sightings and their Redis keys; others stay', async () => {
  const person = personImages('deepface', 'p04');
  await ingest(person.slice(0, 2), 'cam-a');
  await ingest(person.slice(2, 3), 'cam-b');
  await ingest(personImages('deepface', 'p05').slice(0, 2), 'cam-c');
  const erasedRows = [...(await sightings('cam-a')), ...(await sightings('cam-b'))];
  const keptRows = await sightings('cam-c');
  assert.equal(erasedRows.length, 3);
  const personIds = new Set(erasedRows.map((r) => r.identity_id));

  const face = await env.pipeline.embedPrimaryFace(await decodeImage(person[3]));
  const result = await eraseFace(
    { siteId: SITE, embedding: face!.embedding },
    {
      store: env.runtime.store,
      clickhouse: env.runtime.clickhouse,
      registryLock: env.runtime.registryLock,
      minCosine: env.runtime.config.privacy.erasureMinCosine,
    },
  );
  assert.deepEqual(new Set(result.identities.map((m) => m.identityId)), personIds, "exactly the person's identities");
  assert.equal(result.rowsDeleted.sightings, 3);
  assert.equal(result.disk.complete, true, result.disk.detail);

  const left = await env.runtime.clickhouse.query({
    query: 'SELECT observation_id, identity_id FROM sightings',
    format: 'JSONEachRow',
  });
  const leftRows = await left.json<{ observation_id: string; identity_id: string }>();
  assert.deepEqual(
    leftRows.map((r) => r.observation_id).sort(),
    keptRows.map((r) => r.observation_id).sort(),
    "only the other person's sightings remain",
  );
  const dump = (await redisDump()).join('\n');
  for (const id of personIds) assert.ok(!dump.includes(id), `Redis still names ${id}`);
  for (const r of erasedRows)
    assert.ok(!dump.includes(r.observation_id), `Redis still holds the marker of ${r.observation_id}`);
  for (const r of keptRows) assert.ok(dump.includes(r.identity_id), 'the other person is untouched');

  await ingest(person.slice(4, 5), 'cam-d');
  const [again] = await sightings('cam-d');
  assert.ok(!personIds.has(again.identity_id), 'the running worker forgot them at once: a new id');
});

test('revisit forget: clear errors for an unknown site and a bad embedding file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-forget-'));
  try {
    const bad = join(dir, 'e.json');
    writeFileSync(bad, JSON.stringify([1, 2, 3]));
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [CLI, 'forget', ...args], {
        env: { ...process.env, REVISIT_DATA_DIR: join(dir, 'data'), REVISIT_KEYS_FILE: join(dir, 'keys.json') },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
    const unknown = await run(['--site', 'nowhere', '--embedding', bad]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^revisit: unknown site "nowhere"/);
    const wrong = await run(['--site', 'demo-store', '--embedding', bad]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^revisit: embedding must have 512 values, got 3\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('revisit enroll and forget end to end on the embedded deployment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-cli-'));
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const person = personImages('deepface', 'p06');
  for (const f of person.slice(0, 2)) copyFileSync(f, join(photos, basename(f)));
  // Three processes on one data directory, one after the other: the key file is what they share.
  const env = { ...process.env, REVISIT_DATA_DIR: join(dir, 'data'), REVISIT_KEYS_FILE: join(dir, 'keys.json') };
  const cli = (...args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args], { env });
  try {
    const enrolled = await cli(
      'enroll',
      '--site',
      'demo-store',
      '--label',
      'staff',
      ...personImages('deepface', 'p07').slice(0, 2),
    );
    assert.match(enrolled.stdout, /enrolled [0-9a-f-]{36} as staff at demo-store from 2 photo\(s\)/);
    await cli('ingest', '--site', 'demo-store', '--camera', 'c1', '--source', photos);
    const forgot = JSON.parse((await cli('forget', '--site', 'demo-store', '--image', person[2], '--json')).stdout);
    assert.ok(forgot.identities.length >= 1);
    assert.equal(forgot.rowsDeleted.sightings, 2, 'both sightings of the person');
    assert.deepEqual(
      forgot.disk,
      { complete: true, detail: 'append-only file rewritten' },
      'the private Redis rewrote its file',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
