// Erasure reaches the disk (invariant 9), on the embedded defaults: real private redis-server with
// its append-only file, chdb, the worker and ONNX on real faces. After an erasure no byte sequence
// of any version the erased identity's centroid ever had, sealed or plain, is in any file under
// the data directory or beside the key file; the kept identity's sealed centroid still is, so
// the scan provably sees the registry's files. Also: 0700/0600 modes, no TCP, the key file apart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import type { Subscription } from '../../common/bus/bus.ts';
import { encodeCentroid } from '../../identity-registry/centroid-code.ts';
import { unpackIdentityRecord } from '../../identity-registry/identity-record.ts';
import { loadCentroidCipher } from '../../identity-registry/index.ts';
import { FacePipeline, ingestImages, ObservationPublisher, decodeImage } from '../../ingest/index.ts';
import { eraseFace } from '../../reid-worker/erasure/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { messageLimits } from '../../schemas/index.ts';
import { personImages } from '../harness/faces-dir.ts';

const SITE = 'at-rest';
/** A window of this many bytes found anywhere counts as a copy: far too long to occur by chance. */
const WINDOW = 24;
/** Windows start this far apart, so a partial copy of a quarter of a vector is still caught. */
const STRIDE = 128;

let root: string;
let config: RevisitConfig;
let runtime: Runtime;
let worker: Subscription;
let pipeline: FacePipeline;
let publisher: ObservationPublisher;
let redis: Redis;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'revisit-at-rest-'));
  // The embedded defaults; only the key file moves from the user's home into this test's root.
  config = loadConfig(
    {
      dataDir: join(root, 'data'),
      encryption: { keysFile: join(root, 'config', 'revisit', 'keys.json') },
      sites: [{ id: SITE, name: SITE, tenant: 't1' }],
    },
    {},
  );
  runtime = await openRuntime(config);
  worker = await startReidWorker(runtime);
  pipeline = await FacePipeline.load();
  publisher = new ObservationPublisher(runtime.bus, config.topics.observations, messageLimits(config));
  redis = new Redis(join(config.dataDir, 'redis', 'redis.sock'));
});

after(async () => {
  redis?.disconnect();
  await worker?.stop();
  await pipeline?.close();
  await runtime?.close();
  rmSync(root, { recursive: true, force: true });
});

async function ingest(files: string[], cameraId: string): Promise<string[]> {
  const summary = await ingestImages(pipeline, publisher, { siteId: SITE, cameraId, files });
  assert.equal(summary.skipped.length, 0);
  await worker.drain();
  const rows = await runtime.clickhouse.query({
    query: 'SELECT DISTINCT identity_id FROM sightings FINAL WHERE camera_id = {c:String}',
    query_params: { c: cameraId },
    format: 'JSONEachRow',
  });
  return (await rows.json<{ identity_id: string }>()).map((r) => r.identity_id);
}

/** One string per identity: counters, then the sealed centroid code (identity-registry/identity-record.ts). */
const recordKey = (id: string) => `${config.redis.keyPrefix}:{${SITE}}:rec:${id}`;
const sealedOf = (record: Buffer) => Buffer.from(unpackIdentityRecord(record).sealedCentroid);

/** Every file under `dir`, recursively (sockets and other non-files skipped). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : e.isFile() ? [path] : [];
  });
}

/** Commands of a RESP append-only file (Redis 7's `*.incr.aof`), each as its arguments. */
function* aofCommands(buf: Buffer): Generator<Buffer[]> {
  let at = 0;
  const line = () => {
    const end = buf.indexOf('\r\n', at);
    const text = buf.toString('latin1', at, end);
    at = end + 2;
    return text;
  };
  while (at < buf.length) {
    const head = line();
    if (!head.startsWith('*')) continue; // annotations
    const args: Buffer[] = [];
    for (let n = Number(head.slice(1)); n > 0; n--) {
      const length = Number(line().slice(1));
      args.push(buf.subarray(at, at + length));
      at += length + 2;
    }
    yield args;
  }
}

/** Every sealed centroid the append-only file ever recorded for the identity: one per save. */
function sealedVersions(identityId: string): Buffer[] {
  const aofDir = join(config.dataDir, 'redis', 'appendonlydir');
  const out: Buffer[] = [];
  for (const file of readdirSync(aofDir).filter((f) => f.endsWith('.incr.aof'))) {
    for (const [command, key, ...pairs] of aofCommands(readFileSync(join(aofDir, file)))) {
      if (command.toString().toUpperCase() !== 'SET' || key.toString() !== recordKey(identityId)) continue;
      out.push(sealedOf(pairs[0]));
    }
  }
  return out;
}

/** The shortest decimal that reads back as this float32 (how numpy or a float32 JSON writer prints it). */
function float32Text(v: number): string {
  for (let digits = 1; ; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
}

interface Needle {
  what: string;
  bytes: Buffer;
}

/** Windows of a byte sequence at every STRIDE, and its tail. */
function windows(what: string, bytes: Buffer): Needle[] {
  const starts = new Set([
    ...Array.from({ length: Math.floor((bytes.length - WINDOW) / STRIDE) + 1 }, (_, i) => i * STRIDE),
    bytes.length - WINDOW,
  ]);
  return [...starts].map((s) => ({ what: `${what} bytes ${s}..${s + WINDOW}`, bytes: bytes.subarray(s, s + WINDOW) }));
}

/** Every rendering of a plain centroid a code path could write: its int8 code (as stored), float32 and float64 bytes, JSON and float32 text. */
function plainNeedles(what: string, centroid: Float32Array, code = encodeCentroid(centroid)): Needle[] {
  const head = Array.from(centroid.subarray(0, 4));
  return [
    ...windows(`${what} int8 code`, Buffer.from(code)),
    ...windows(`${what} float32`, Buffer.from(centroid.buffer, centroid.byteOffset, centroid.byteLength)),
    ...windows(`${what} float64`, Buffer.from(Float64Array.from(centroid).buffer)),
    { what: `${what} as JSON`, bytes: Buffer.from(head.join(',')) },
    { what: `${what} as float32 text`, bytes: Buffer.from(head.map(float32Text).join(',')) },
  ];
}

/** Which needles occur in which files of the data directory and the key file's directory. */
function scan(needles: Needle[]): Array<{ what: string; file: string }> {
  const files = [...filesUnder(config.dataDir), ...filesUnder(dirname(config.encryption.keysFile!))];
  const found: Array<{ what: string; file: string }> = [];
  for (const file of files) {
    const content = readFileSync(file);
    for (const n of needles) if (content.includes(n.bytes)) found.push({ what: n.what, file: relative(root, file) });
  }
  return found;
}

test('after an erasure no version of the erased centroid, sealed or plain, is left in any file; the kept one is still found', async () => {
  const person = personImages('deepface', 'p04');
  // Separate batches: every save seals a new version of the centroid into the append-only file.
  const erasedIds = new Set([
    ...(await ingest(person.slice(0, 2), 'cam-a')),
    ...(await ingest(person.slice(2, 3), 'cam-b')),
    ...(await ingest(person.slice(3, 4), 'cam-c')),
  ]);
  const keptIds = new Set([
    ...(await ingest(personImages('deepface', 'p05').slice(0, 2), 'cam-d')),
    ...(await ingest(personImages('deepface', 'p05').slice(2, 3), 'cam-e')),
  ]);
  assert.equal(keptIds.size, 1);
  const [keptId] = keptIds;
  assert.ok(!erasedIds.has(keptId));

  const cipher = loadCentroidCipher(config);
  const erasedNeedles: Needle[] = [];
  let versions = 0;
  for (const id of erasedIds) {
    for (const [v, sealed] of sealedVersions(id).entries()) {
      versions++;
      erasedNeedles.push(
        ...windows(`${id} v${v} sealed`, sealed),
        ...plainNeedles(
          `${id} v${v} plain`,
          cipher.open(sealed, SITE, `${SITE}/${id}`),
          cipher.openCode(sealed, SITE, `${SITE}/${id}`),
        ),
      );
    }
  }
  assert.ok(versions >= 3, `every save left a version in the append-only file (found ${versions})`);
  const current = sealedOf((await redis.getBuffer(recordKey([...erasedIds][0])))!);
  assert.ok(
    current && erasedNeedles.some((n) => current.includes(n.bytes)),
    'the live blob is one of the versions found',
  );

  const sealedOnly = erasedNeedles.filter((n) => n.what.includes('sealed'));
  const plainOnly = erasedNeedles.filter((n) => n.what.includes('plain'));
  const before = new Set(scan(sealedOnly).map((f) => f.what));
  assert.equal(
    before.size,
    sealedOnly.length,
    'before the erasure the scan finds every sealed version in the append-only file',
  );
  assert.deepEqual(scan(plainOnly), [], 'a plain centroid is never on disk, not even before');

  const face = await pipeline.embedPrimaryFace(await decodeImage(person[4]));
  const result = await eraseFace(
    { siteId: SITE, embedding: face!.embedding },
    {
      store: runtime.store,
      clickhouse: runtime.clickhouse,
      registryLock: runtime.registryLock,
      minCosine: config.privacy.erasureMinCosine,
    },
  );
  assert.deepEqual(new Set(result.identities.map((m) => m.identityId)), erasedIds);
  assert.deepEqual(result.disk, { complete: true, detail: 'append-only file rewritten' });

  assert.deepEqual(scan(erasedNeedles), [], 'no byte sequence of the erased centroids remains');
  const kept = sealedOf((await redis.getBuffer(recordKey(keptId)))!);
  const keptFound = scan(windows('kept sealed', kept));
  assert.ok(
    keptFound.length > 0 && keptFound.every((f) => f.file.startsWith('data/redis/appendonlydir/')),
    'the kept identity is still in the rewritten file',
  );
  assert.deepEqual(
    scan(plainNeedles('kept plain', (await runtime.store.loadSite(SITE))[0].centroid)),
    [],
    'its plain centroid is not on disk',
  );
});

test('the data directory is 0700 with files 0600, the private Redis has no TCP port and no snapshots', async () => {
  const loose = [
    config.dataDir,
    ...readdirSync(config.dataDir, { recursive: true }).map((p) => join(config.dataDir, String(p))),
  ].flatMap((path) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return [];
    const mode = st.mode & 0o777;
    const want = st.isDirectory() || st.isSocket() ? 0o700 : 0o600;
    return mode === want ? [] : [`${relative(root, path)} ${mode.toString(8)}`];
  });
  assert.deepEqual(loose, [], 'nothing under the data directory is open to group or others');
  assert.deepEqual(await redis.config('GET', 'port'), ['port', '0']);
  assert.deepEqual(await redis.config('GET', 'unixsocketperm'), ['unixsocketperm', '700']);
  assert.deepEqual(await redis.config('GET', 'save'), ['save', '']);
  assert.deepEqual(await redis.config('GET', 'appendonly'), ['appendonly', 'yes']);
});

test('the key file lives outside the data directory, private, and is refused once it is not', () => {
  const keysFile = config.encryption.keysFile!;
  assert.ok(relative(config.dataDir, keysFile).startsWith('..'));
  assert.deepEqual(
    filesUnder(config.dataDir).filter((f) => f.endsWith('keys.json')),
    [],
  );
  assert.equal(statSync(keysFile).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(keysFile)).mode & 0o777, 0o700);
  chmodSync(keysFile, 0o644);
  try {
    assert.throws(() => loadCentroidCipher(config), new RegExp(`mode 0644\\): run chmod 600 ${keysFile}$`));
  } finally {
    chmodSync(keysFile, 0o600);
  }
});
