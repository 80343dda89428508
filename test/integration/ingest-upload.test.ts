/** The integrated-mode upload endpoint with the real face pipeline: crops and embeddings become observations; bad bodies get the API's 4xx; callbacks carry the anonymous id. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createMemoryBus } from '../../common/bus/index.ts';
import type { Bus } from '../../common/bus/bus.ts';
import {
  createUploadApp,
  FacePipeline,
  IdentityCallbacks,
  ObservationPublisher,
  type IdentityCallbackBody,
} from '../../ingest/index.ts';
import { MODEL_ID, MODEL_VERSION } from '../../models/index.ts';
import { decodeFaceObservation, ingestConfigSchema, type FaceObservation, type Sighting } from '../../schemas/index.ts';
import sharp from 'sharp';
import { makePngBomb } from '../fixtures/make-png-bomb.ts';
import { personImages } from '../harness/faces-dir.ts';

const limits = {
  embeddingDim: 512,
  maxMessageBytes: 65_536,
  isKnownSite: (s: string) => s === 'site-1',
  times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 86_400_000 },
};
const MAX_IMAGE = 200_000;

/** The sighting the re-id side makes of an uploaded observation at the door camera. */
function doorSighting(observationId: string, identityId: string): Sighting {
  return {
    observationId,
    siteId: 'site-1',
    cameraId: 'door',
    identityId,
    tStartMs: 1,
    tEndMs: 1,
    similarity: 0.8,
    isNewIdentity: false,
    quality: 1,
    modelId: MODEL_ID,
    label: '',
  };
}

describe('upload endpoint', () => {
  let pipeline: FacePipeline;
  let bus: Bus;
  const published: FaceObservation[] = [];
  // The test's callback listener is local: the allow-list admits it by name only, so literal loopback addresses stay refused.
  const callbacks = new IdentityCallbacks({
    ttlMs: 60_000,
    maxPending: 1000,
    timeoutMs: 5000,
    policy: { allowHttp: true, allowList: ['localhost'] },
  });
  let app: ReturnType<typeof createUploadApp>;

  before(async () => {
    pipeline = await FacePipeline.load();
    bus = createMemoryBus();
    await bus.subscribe({ topic: 'obs', groupId: 'g' }, async (b) => {
      for (const m of b.messages) published.push(decodeFaceObservation(m.value, limits));
    });
    const config = ingestConfigSchema.parse({ upload: { maxImageBytes: MAX_IMAGE } });
    app = createUploadApp({
      pipeline,
      publisher: new ObservationPublisher(bus, 'obs', limits),
      limits,
      config,
      callbacks,
    });
  });
  after(async () => {
    await bus.close();
    await pipeline.close();
  });

  const postImage = (body: string | Uint8Array, type: string, path = '/sites/site-1/cameras/door/faces') =>
    app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : new Uint8Array(body),
      headers: { 'content-type': type },
    });
  const postJson = (body: unknown) =>
    app.request('/sites/site-1/cameras/door/embeddings', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const errorCode = async (res: Response) =>
    ((await res.json()) as { error: { code: string; message: string } }).error.code;

  test('a face crop becomes one observation of that face; the answer names it', async () => {
    const res = await postImage(readFileSync(personImages('faces94_subset', 'anpage')[0]), 'image/jpeg');
    assert.equal(res.status, 202);
    const body = (await res.json()) as { observationId: string; status: string; callback: boolean };
    assert.equal(body.status, 'queued');
    assert.equal(body.callback, false);
    await waitFor(() => published.some((o) => o.observationId === body.observationId));
    const obs = published.find((o) => o.observationId === body.observationId)!;
    assert.deepEqual([obs.siteId, obs.cameraId, obs.embedding.length], ['site-1', 'door', 512]);
  });

  test('wrong bodies get the API error shape: 415 not an image, 400 undecodable, 413 too large, 422 no face, 404 unknown site', async () => {
    const text = await postImage('hello', 'text/plain');
    assert.equal(text.status, 415);
    assert.equal(await errorCode(text), 'unsupported_media_type');
    const garbage = await postImage(Buffer.from('definitely not a jpeg'), 'image/jpeg');
    assert.equal(garbage.status, 415, 'bytes that are no known image are refused by their signature');
    const jpeg = readFileSync(personImages('faces94_subset', 'anpage')[0]);
    const truncated = await postImage(jpeg.subarray(0, 600), 'image/jpeg');
    assert.equal(truncated.status, 400);
    assert.equal(await errorCode(truncated), 'bad_image');
    const huge = await postImage(Buffer.alloc(MAX_IMAGE + 1, 1), 'image/jpeg');
    assert.equal(huge.status, 413);
    assert.equal(await errorCode(huge), 'payload_too_large');
    const blank = await postImage(
      Buffer.from(
        await import('sharp').then((s) =>
          s
            .default({ create: { width: 200, height: 200, channels: 3, background: '#888' } })
            .png()
            .toBuffer(),
        ),
      ),
      'image/png',
    );
    assert.equal(blank.status, 422);
    assert.equal(await errorCode(blank), 'no_face');
    const unknown = await postImage(Buffer.from('x'), 'image/jpeg', '/sites/nowhere/cameras/door/faces');
    assert.equal(unknown.status, 404);
    assert.equal(await errorCode(unknown), 'unknown_site');
  });

  test('formats are decided by the bytes: a face as JPEG, PNG or WebP is accepted; SVG, GIF, TIFF and the rest get 415 whatever the Content-Type claims', async () => {
    const jpeg = readFileSync(personImages('faces94_subset', 'anpage')[1]);
    for (const [format, bytes] of [
      ['jpeg', jpeg],
      ['png', await sharp(jpeg).png().toBuffer()],
      ['webp', await sharp(jpeg).webp().toBuffer()],
    ] as const) {
      const res = await postImage(bytes, 'image/jpeg');
      assert.equal(res.status, 202, format);
    }
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><rect width="4000" height="4000"/></svg>',
    );
    const refused: Array<[string, Buffer]> = [
      ['svg', svg],
      ['svg with an XML prolog', Buffer.concat([Buffer.from('<?xml version="1.0"?>'), svg])],
      ['gif', await sharp(jpeg).gif().toBuffer()],
      ['tiff', await sharp(jpeg).tiff().toBuffer()],
    ];
    for (const [format, bytes] of refused) {
      for (const type of ['image/svg+xml', 'image/jpeg', 'image/png']) {
        const res = await postImage(bytes, type);
        assert.equal(res.status, 415, `${format} as ${type}`);
        assert.equal(await errorCode(res), 'unsupported_media_type');
      }
    }
  });

  test('a 16000×16000 PNG with an EXIF rotation is refused from its header, before anything is decoded or rotated', async () => {
    const bomb = makePngBomb(16000);
    assert.ok(bomb.length < MAX_IMAGE, 'small enough to pass the byte limit');
    const res = await postImage(bomb, 'image/png');
    assert.equal(res.status, 413);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'too_many_pixels');
    assert.match(error.message, /16000×16000, more than 40000000 pixels/);
    const small = await postImage(makePngBomb(1000), 'image/png');
    assert.equal(small.status, 422, 'the same file at a sane size is decoded (and holds no face)');
  });

  test('embeddings: a raw model output is normalised and published; wrong shapes, NaN-like values and other models are refused', async () => {
    const raw = Array.from({ length: 512 }, (_, i) => Math.sin(i) * 3);
    const ok = await postJson({
      embedding: raw,
      modelId: MODEL_ID,
      modelVersion: MODEL_VERSION,
      trackId: 'app-track-1',
    });
    assert.equal(ok.status, 202);
    await waitFor(() => published.some((o) => o.trackId === 'app-track-1'));
    assert.ok(Math.abs(Math.hypot(...published.find((o) => o.trackId === 'app-track-1')!.embedding) - 1) < 1e-4);
    const short = await postJson({ embedding: raw.slice(0, 100), modelId: MODEL_ID, modelVersion: MODEL_VERSION });
    assert.equal(short.status, 400);
    assert.equal(await errorCode(short), 'bad_dimension');
    const nan = await postJson({ embedding: [...raw.slice(1), 'NaN'], modelId: MODEL_ID, modelVersion: MODEL_VERSION });
    assert.equal(nan.status, 400);
    const other = await postJson({ embedding: raw, modelId: 'someone-elses-model', modelVersion: '1' });
    assert.equal(other.status, 422);
    assert.equal(await errorCode(other), 'model_mismatch');
    const notJson = await app.request('/sites/site-1/cameras/door/embeddings', {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(notJson.status, 400);
    const big = await postJson({
      embedding: Array.from({ length: 4096 }, () => 0.123456789),
      modelId: MODEL_ID,
      modelVersion: MODEL_VERSION,
      pad: 'x'.repeat(70_000),
    });
    assert.equal(big.status, 413);
  });

  test('a callback URL gets the anonymous id once the sighting is known', async () => {
    const received: IdentityCallbackBody[] = [];
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push(JSON.parse(data));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    const url = `http://localhost:${(server.address() as { port: number }).port}/revisit-result`;
    try {
      const bad = await postJson({
        embedding: Array(512).fill(1),
        modelId: MODEL_ID,
        modelVersion: MODEL_VERSION,
        callbackUrl: 'ftp://example.com/x',
      });
      assert.equal(bad.status, 400);
      const res = await postJson({
        embedding: Array(512).fill(1),
        modelId: MODEL_ID,
        modelVersion: MODEL_VERSION,
        callbackUrl: url,
      });
      assert.equal(res.status, 202);
      const { observationId, callback } = (await res.json()) as { observationId: string; callback: boolean };
      assert.equal(callback, true);
      // What the re-id side does with the sighting of that observation:
      const sighting = doorSighting(observationId, 'anon-42');
      assert.equal(await callbacks.deliver(sighting), true);
      assert.deepEqual(received, [
        { observationId, siteId: 'site-1', identityId: 'anon-42', isNewIdentity: false, similarity: 0.8, label: '' },
      ]);
      assert.equal(await callbacks.deliver(sighting), false, 'delivered once');
    } finally {
      server.close();
    }
  });

  test('callbacks to loopback, private or metadata addresses are refused at upload time, and names resolving to them at connect time', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      received.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    const port = (server.address() as { port: number }).port;
    const strict = new IdentityCallbacks({
      ttlMs: 60_000,
      maxPending: 1000,
      timeoutMs: 5000,
      policy: { allowHttp: true, allowList: [] },
    });
    const strictApp = createUploadApp({
      pipeline,
      publisher: new ObservationPublisher(bus, 'obs', limits),
      limits,
      config: ingestConfigSchema.parse({}),
      callbacks: strict,
    });
    const upload = (callbackUrl: string) =>
      strictApp.request('/sites/site-1/cameras/door/embeddings', {
        method: 'POST',
        body: JSON.stringify({
          embedding: Array(512).fill(1),
          modelId: MODEL_ID,
          modelVersion: MODEL_VERSION,
          callbackUrl,
        }),
        headers: { 'content-type': 'application/json' },
      });
    try {
      for (const url of [
        `http://127.0.0.1:${port}/a`,
        `http://[::ffff:127.0.0.1]:${port}/b`,
        `http://2130706433:${port}/c`,
        'http://169.254.169.254/latest/meta-data/',
        'http://[fe80::1]/',
        'http://10.1.2.3/',
      ]) {
        const res = await upload(url);
        assert.equal(res.status, 400, url);
        const { error } = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(error.code, 'bad_callback_url');
        assert.match(error.message, /not a public address/);
      }
      const named = await upload(`http://localhost:${port}/d`);
      assert.equal(named.status, 202, 'a host name is only resolved when the callback is sent');
      const { observationId } = (await named.json()) as { observationId: string };
      const sighting = doorSighting(observationId, 'anon-7');
      assert.equal(await strict.deliver(sighting), false);
      assert.deepEqual(received, [], 'the local listener received nothing');
    } finally {
      server.close();
    }
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), 'timed out waiting');
}
