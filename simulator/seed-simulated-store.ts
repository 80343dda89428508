/** Feeds a planned store through a running pipeline: staff enrolled, sightings published, worker drained. */
import type { Runtime } from '../runtime/open-runtime.ts';
import { seededRandom } from '../common/seeded-random.ts';
import { buildObservation, ObservationPublisher } from '../ingest/index.ts';
import { UnidentifiedReason } from '../schemas/index.ts';
import { planSmallFaces, type SmallFaceShares } from './plan-small-faces.ts';
import { startReidWorker } from '../reid-worker/index.ts';
import { encodeCameraHeartbeat, messageLimits } from '../schemas/index.ts';
import { localDate, localMidnightMs } from '../storage/visit-model/local-day.ts';
import type { ReportRange } from '../reports/index.ts';
import type { SiteConfig } from '../schemas/index.ts';
import { addDays, planStoreDays, type StoreLayout, type StorePlan } from './plan-store-days.ts';
import { type CameraOutage, plannedHeartbeats, withoutOutages } from './plan-heartbeats.ts';
import { EmbeddingSynthesizer, type EmbeddingMode } from './synthesize-embeddings.ts';

export interface SeedOptions {
  /** Cameras and sightings per visit (default `store`). */
  layout?: StoreLayout;
  visitors: number;
  days: number;
  seed: number;
  /** Staff enrolled as an exclusion group (default 2). */
  staff?: number;
  /** `realistic` (default): the real model's similarity spread; `perfect`: one exact embedding per person. */
  mode?: EmbeddingMode;
  /** Per camera, the share of visits it sees too small to identify (published as seen, not identified); default none. */
  smallFaces?: SmallFaceShares;
  /**
   * Whether a too-small face carries its weak pairing embedding, as capture sends it by default
   * (default true); false: its track joins a visit by time alone. Drawn either way, so both runs
   * of a seed see the same faces.
   */
  pairingEmbeddings?: boolean;
  /** Called with (published, total) sightings. */
  onProgress?: (done: number, total: number) => void;
  /** The range of each visitor's daily chance to come (default: planStoreDays's loyal clientele). */
  loyalty?: { min: number; max: number };
  /** The last planned local day (default the day before yesterday); no later than yesterday, so every visit is closed. */
  lastDate?: string;
  /** Cameras send heartbeats through the planned days (coverage known), except during their outages. */
  heartbeats?: { outages?: CameraOutage[] };
}

export interface SeededStore {
  plan: StorePlan;
  /** The local days the plan covers. */
  range: ReportRange;
}

const BATCH = 250;

/** Plans `days` days ending on `lastDate` (so every visit is closed) and runs them through the worker. */
export async function seedSimulatedStore(runtime: Runtime, site: SiteConfig, o: SeedOptions): Promise<SeededStore> {
  if (!(Number.isInteger(o.visitors) && o.visitors >= 1 && o.visitors <= 100_000))
    throw new Error(`--visitors must be an integer 1..100000, got ${o.visitors}`);
  if (!(Number.isInteger(o.days) && o.days >= 1 && o.days <= 366))
    throw new Error(`--days must be an integer 1..366, got ${o.days}`);
  const random = seededRandom(o.seed);
  // Days in the past, so the worker's wall-clock sweep has closed every visit by the end.
  const yesterday = addDays(localDate(Date.now(), site.timezone), -1);
  const lastDate = o.lastDate ?? addDays(yesterday, -1);
  if (lastDate > yesterday) throw new Error(`the simulated days must end by yesterday (${yesterday}), not ${lastDate}`);
  const firstDate = addDays(lastDate, 1 - o.days);
  const planned = planStoreDays({
    layout: o.layout,
    visitors: o.visitors,
    days: o.days,
    staff: o.staff ?? 2,
    firstDate,
    timeZone: site.timezone,
    random,
    loyalty: o.loyalty,
  });
  const outages = o.heartbeats?.outages ?? [];
  const plan = outages.length ? withoutOutages(planned, outages) : planned;
  const embeddings = new EmbeddingSynthesizer(runtime.config.matching.embeddingDim, o.mode ?? 'realistic', random);
  // A random stream of its own: the plan and the embeddings stay those of the seed.
  const small = planSmallFaces(plan.sightings, plan.visitors, o.smallFaces ?? {}, seededRandom(o.seed + 1));
  const worker = await startReidWorker(runtime);
  try {
    for (let k = 0; k < plan.staff; k++) {
      await runtime.store.saveTemplate({
        siteId: site.id,
        templateId: `staff-${k}`,
        label: 'staff',
        embedding: embeddings.centre(plan.visitors + k),
        images: 1,
        enrolledMs: Date.now(),
      });
    }
    const publisher = new ObservationPublisher(
      runtime.bus,
      runtime.config.topics.observations,
      messageLimits(runtime.config),
    );
    for (let i = 0; i < plan.sightings.length; i += BATCH) {
      const chunk = plan.sightings.slice(i, i + BATCH).map((s, j) => {
        const context = {
          siteId: site.id,
          cameraId: s.cameraId,
          trackId: `${s.cameraId}-${i + j}`,
          tStartMs: s.tStartMs,
          tEndMs: s.tEndMs,
        };
        if (small.has(i + j)) {
          const pairing = embeddings.smallFace(s.person);
          return buildObservation(
            { embedding: new Float32Array(0), quality: 0.3 },
            {
              ...context,
              unidentified: UnidentifiedReason.TOO_SMALL,
              pairingEmbedding: o.pairingEmbeddings === false ? undefined : pairing,
            },
          );
        }
        return buildObservation({ embedding: embeddings.sighting(s.person), quality: 0.9 }, context);
      });
      await publisher.publish(chunk);
      // Chunk by chunk: the drain timeout then bounds one chunk, not the whole run (slow on a busy machine).
      await worker.drain();
      o.onProgress?.(Math.min(i + BATCH, plan.sightings.length), plan.sightings.length);
    }
    if (o.heartbeats) {
      const fromMs = localMidnightMs(firstDate, site.timezone);
      const beats = plannedHeartbeats({
        siteId: site.id,
        fromMs,
        toMs: localMidnightMs(addDays(firstDate, o.days), site.timezone),
        outages,
      });
      for (let i = 0; i < beats.length; i += BATCH)
        await runtime.bus.publish(
          runtime.config.topics.heartbeats,
          beats
            .slice(i, i + BATCH)
            .map((h) => ({ key: h.siteId, value: encodeCameraHeartbeat(h, messageLimits(runtime.config)) })),
        );
    }
    await worker.drain();
  } finally {
    await worker.stop();
  }
  return {
    plan,
    range: {
      siteId: site.id,
      timeZone: site.timezone,
      from: firstDate,
      to: addDays(firstDate, o.days),
      entranceCameras: site.entranceCameras,
    },
  };
}
