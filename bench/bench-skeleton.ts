/** Per-stage throughput of the pipeline on the embedded defaults (matching at scale is in bench-reid.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config.ts';
import { generateEncryptionKeys } from '../identity-registry/index.ts';
import { openRuntime } from '../runtime/open-runtime.ts';
import {
  buildObservation,
  decodeImage,
  FacePipeline,
  listImageFiles,
  ObservationPublisher,
  type EmbeddedFace,
  type RgbImage,
} from '../ingest/index.ts';
import { startReidWorker } from '../reid-worker/index.ts';
import { messageLimits, decodeFaceObservation, encodeFaceObservation } from '../schemas/index.ts';
import { facesDir } from '../test/harness/faces-dir.ts';
import { printTable, type Row } from '../common/print-table.ts';
import { timeIt } from './time-it.ts';
import { randomUnit } from '../reid-worker/index/synthetic-embeddings.ts';
import { seededRandom } from '../common/seeded-random.ts';

const DIM = 512;

export async function benchSkeleton(): Promise<void> {
  const files = listImageFiles(facesDir('faces94_subset')).slice(0, 40);
  const rows: Row[] = [];

  let images: RgbImage[] = [];
  const tDecode = await timeIt(async () => (images = await Promise.all(files.map((f) => decodeImage(f)))));
  rows.push({ stage: 'decode image (sharp)', 'items/s': files.length / tDecode });

  const pipeline = await FacePipeline.load();
  const faces: EmbeddedFace[] = [];
  const tEmbed = await timeIt(async () => {
    for (const img of images) faces.push(...(await pipeline.embedFaces(img, { maxFaces: 1 })));
  });
  rows.push({ stage: 'detect + landmarks + align + embed', 'items/s': faces.length / tEmbed });
  await pipeline.close();

  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-bench-'));
  const config = loadConfig({ dataDir, encryption: generateEncryptionKeys() }, {});
  const limits = messageLimits(config);
  const siteId = config.sites[0].id;
  const random = seededRandom(1);
  // A second apart from yesterday on: inside the worker's time window.
  const t0 = Date.now() - 86_400_000;
  const observations = Array.from({ length: 2000 }, (_, i) => {
    const face = faces[i % faces.length];
    return buildObservation(
      { ...face, embedding: i < faces.length ? face.embedding : randomUnit(DIM, random) },
      { siteId, cameraId: 'c', trackId: `t${i}`, tStartMs: t0 + i * 1000, tEndMs: t0 + i * 1000 },
    );
  });
  let encoded: Uint8Array[] = [];
  const tEncode = await timeIt(() => (encoded = observations.map((o) => encodeFaceObservation(o, limits))));
  const tDecodeMsg = await timeIt(() => encoded.forEach((b) => decodeFaceObservation(b, limits)));
  rows.push({ stage: 'validate + encode observation', 'items/s': observations.length / tEncode });
  rows.push({ stage: 'decode + validate observation', 'items/s': observations.length / tDecodeMsg });

  const runtime = await openRuntime(config);
  const worker = await startReidWorker(runtime);
  const publisher = new ObservationPublisher(runtime.bus, config.topics.observations, limits);
  const tWorker = await timeIt(async () => {
    for (let i = 0; i < observations.length; i += 100) await publisher.publish(observations.slice(i, i + 100));
    await worker.drain();
  });
  rows.push({ stage: 'bus → re-id → Redis + ClickHouse', 'items/s': observations.length / tWorker });
  await worker.stop();
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });

  const slowest = Math.min(...rows.map((r) => Number(r['items/s'])));
  rows.push({ stage: 'whole pipeline (bounded by the slowest stage)', 'items/s': slowest });
  printTable('Walking skeleton, embedded defaults: observations (or images) per second, 1 process', rows);
}
