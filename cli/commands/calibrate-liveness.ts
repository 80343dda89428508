/** `revisit calibrate --liveness`: the liveness gate's false-reject rate on real faces and catch rate on spoofs, through the video path. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { printTable } from '../../common/print-table.ts';
import { loadConfig } from '../../common/config.ts';
import {
  isReal,
  LIVENESS_KINDS,
  measureLiveness,
  recommendLivenessAction,
  shareBelow,
  type LivenessKind,
  type LivenessSample,
} from '../../ingest/eval/measure-liveness.ts';
import { FacePipeline, listImageFiles } from '../../ingest/index.ts';

export interface LivenessCalibrationOptions {
  faces: string;
  sizes: number[];
  spoofs: number;
  json?: boolean;
}

const THRESHOLDS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** `--sizes 40,64,96`: face widths in pixels. */
export function parseSizes(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || s < 16 || s > 256))
    throw new InvalidArgumentError('expected face widths in pixels, 16..256, comma-separated');
  return sizes;
}

/** Renders, runs and prints; the videos live in a temp folder removed afterwards. */
export async function calibrateLiveness(opts: LivenessCalibrationOptions): Promise<void> {
  const config = loadConfig();
  const photos = listImageFiles(opts.faces);
  const minLive = config.ingest.liveness.minLive;
  const workDir = mkdtempSync(join(tmpdir(), 'revisit-liveness-'));
  const pipeline = await FacePipeline.load({ liveness: true });
  const shotModels = pipeline.startShotModelsThread();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let result;
  try {
    log(`${photos.length} photos; face widths ${opts.sizes.join(', ')} px; ${opts.spoofs} photos per spoof kind`);
    result = await measureLiveness(pipeline, {
      photos,
      faceWidthsPx: opts.sizes,
      spoofsPerKind: opts.spoofs,
      config: config.ingest,
      workDir,
      shotModels,
      onProgress: log,
    });
  } finally {
    await shotModels.close();
    await pipeline.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  const { samples, skipped } = result;
  const pooled = (kinds: (k: LivenessKind) => boolean) => samples.filter((s) => kinds(s.kind)).flatMap((s) => s.pLive);
  const realFrr = shareBelow(pooled(isReal), minLive);
  const recommended = recommendLivenessAction(realFrr);
  if (opts.json) {
    console.log(
      JSON.stringify({
        photos: photos.length,
        skipped: skipped.length,
        minLive,
        realFalseRejectRate: realFrr,
        recommended,
        samples: samples.map(summarise(minLive)),
      }),
    );
    return;
  }
  printTable(
    `Liveness on the video path at minLive ${minLive}: ${photos.length} photos (${skipped.length} without a face left out); real = false-reject rate, spoof = catch rate`,
    samples.map((s) => {
      const row = summarise(minLive)(s);
      return {
        'face px': s.faceWidthPx,
        kind: s.kind,
        pictures: s.pictures,
        'tracks scored': row.tracks,
        'median p(live)': row.medianPLive,
        [`below ${minLive} %`]: row.belowPct,
      };
    }),
  );
  printTable(
    'Per threshold, all face widths together: % of real faces rejected, % of spoofs caught',
    THRESHOLDS.map((t) =>
      Object.fromEntries([
        ['threshold', t.toFixed(2)],
        ...LIVENESS_KINDS.map((k) => [
          `${k} %`,
          100 *
            shareBelow(
              pooled((x) => x === k),
              t,
            ),
        ]),
      ]),
    ),
  );
  console.log(
    `\nReal faces rejected at minLive ${minLive}: ${(100 * realFrr).toFixed(2)} % → recommended ingest.liveness.action: ${recommended} (drop only when it costs ≤ 1 % of real faces)`,
  );
}

function summarise(minLive: number) {
  return (s: LivenessSample) => {
    const sorted = [...s.pLive].sort((a, b) => a - b);
    return {
      faceWidthPx: s.faceWidthPx,
      kind: s.kind,
      pictures: s.pictures,
      tracks: s.pLive.length,
      medianPLive: sorted.length ? sorted[Math.floor(sorted.length / 2)] : Number.NaN,
      belowPct: 100 * shareBelow(s.pLive, minLive),
    };
  };
}
