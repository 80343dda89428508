/** `revisit calibrate`: the ROC/threshold table of a labelled face folder, to choose matching.matchMinCosine. */
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { equalErrorRate, scorePairs } from '../../ingest/face/measure-eer.ts';
import { queryLiveCalibration, type LiveCalibration } from '../../reports/calibration/live-calibration.ts';
import { bestThreshold, sweepThresholds } from '../../reid-worker/eval/sweep-thresholds.ts';
import { printTable } from '../../common/print-table.ts';
import { embedWithProgress, parseNumber } from './eval-reid-command.ts';
import { calibrateLiveness, parseSizes } from './calibrate-liveness.ts';

interface CalibrateOptions {
  faces?: string;
  live?: boolean;
  site?: string;
  days: number;
  seeds: number;
  json?: boolean;
  liveness?: boolean;
  sizes: number[];
  spoofs: number;
}

/** Above this many faces impostor pairs are sampled: all pairs of 2,000 faces are 2 million dot products. */
const ALL_PAIRS_UP_TO = 2_000;
const THRESHOLDS = Array.from({ length: 13 }, (_, i) => Math.round((0.25 + 0.025 * i) * 1000) / 1000);

const rate = (x: number | null) => (x === null ? '–' : x.toExponential(2));
const percent = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
const range = (r: [number, number] | null) => (r === null ? '' : `${r[0].toExponential(1)}…${r[1].toExponential(1)}`);

function printLive(c: LiveCalibration): void {
  console.log(
    `${c.siteId}: pairs ${c.from} to ${c.to} (${
      Object.entries(c.pairsBySource)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none yet'
    }), ${c.gallerySize} live identities, ${c.reclusterMerges} re-clustering merges`,
  );
  printTable(
    'Estimated at each threshold, without labels (FMR per comparison, FNMR per face; still split: share of new identities that were missed returns; merged: share of new visitors joined to an earlier identity)',
    [{ scope: 'site', ...c.site }, ...c.cameras.map((cam) => ({ scope: `camera ${cam.cameraId}`, ...cam }))].map(
      (e) => ({
        scope: e.scope,
        threshold: e.threshold,
        'impostor pairs': e.impostorPairs,
        FMR: rate(e.fmr),
        'FMR ~90 %': range(e.fmrRange),
        'genuine pairs': e.genuinePairs,
        FNMR: rate(e.fnmr),
        'suggested threshold': e.suggestedThreshold ?? '–',
        'new identities': e.split.newIdentities,
        'still split': percent(e.split.splitShare),
        'split ~90 %': e.split.splitShareRange
          ? `${percent(e.split.splitShareRange[0])}…${percent(e.split.splitShareRange[1])}`
          : '',
        merged: percent(e.merge.mergeShare),
        'merged ~90 %': e.merge.mergeShareRange
          ? `${percent(e.merge.mergeShareRange[0])}…${percent(e.merge.mergeShareRange[1])}`
          : '',
      }),
    ),
  );
  if (c.cameraPairs.length > 0) {
    printTable(
      'Across cameras (impostor pairs of two viewpoints)',
      c.cameraPairs.map((p) => ({
        cameras: `${p.cameraA} × ${p.cameraB}`,
        'impostor pairs': p.impostorPairs,
        [`FMR at ${p.threshold}`]: rate(p.fmr),
      })),
    );
  }
}

async function calibrateLive(opts: CalibrateOptions): Promise<void> {
  const config = loadConfig();
  if (!opts.site || !config.sites.some((s) => s.id === opts.site))
    throw new Error(`--live needs --site, one of: ${config.sites.map((s) => s.id).join(', ')}`);
  const clickhouse = await createClickHouseClient(config);
  try {
    await applyMigrations(clickhouse);
    const calibration = await queryLiveCalibration(clickhouse, config, opts.site, opts.days);
    if (opts.json) console.log(JSON.stringify(calibration));
    else printLive(calibration);
  } finally {
    await clickhouse.close();
  }
}

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .description(
      'Embed a labelled folder (one sub-folder per person) and print, per cosine threshold, the false accept and false reject ' +
        'rates of single comparisons and the BCubed F1 and count error of whole re-id runs (naive floor and engine); ' +
        'with --liveness, calibrate the liveness gate instead; with --live, estimate the error rates of a running site from its own stream, without labels',
    )
    .option('--faces <dir>', 'folder with one sub-folder of images per person')
    .option('--live', "estimate from the site's stream (faces seen together, sightings kept apart, shots of one track)")
    .option('--site <id>', 'the site (with --live)')
    .option('--days <n>', 'days of stream read (with --live)', parseNumber(1, 90, true), 7)
    .option('--seeds <n>', 'sighting orders averaged per threshold', parseNumber(1, 100, true), 5)
    .option('--json', 'print one JSON object instead of the table')
    .option(
      '--liveness',
      'instead: the liveness gate on the video path — every photo under --faces (any depth) as a real face and a sample as spoofs (a photo on a tilted plane, print, screen, re-filmed), rendered into videos and run through the camera worker; prints the false-reject and catch rates per threshold and the action they call for',
    )
    .option('--sizes <px,...>', 'with --liveness: face widths to render', parseSizes, [40, 64, 96])
    .option('--spoofs <n>', 'with --liveness: photos made into each kind of spoof', parseNumber(1, 100_000, true), 300)
    .action(async (opts: CalibrateOptions) => {
      if (opts.liveness) return calibrateLiveness({ ...opts, faces: opts.faces! });
      if (Boolean(opts.live) === Boolean(opts.faces))
        throw new Error('give exactly one of --faces <dir> or --live --site <id>');
      if (opts.live) return calibrateLive(opts);
      const { faces, skipped } = await embedWithProgress(opts.faces!);
      if (faces.length < 2)
        throw new Error(`need at least two usable faces in ${opts.faces} (${skipped.length} images skipped)`);
      const stride = Math.max(1, Math.ceil((faces.length * faces.length) / (ALL_PAIRS_UP_TO * ALL_PAIRS_UP_TO)));
      const pairs = scorePairs(
        faces.map((f) => f.embedding),
        faces.map((f) => f.person),
        (i, j) => (i + j) % stride === 0,
      );
      if (pairs.genuine.length === 0 || pairs.impostor.length === 0)
        throw new Error('calibration needs at least two people and two photos of one person');
      const eer = equalErrorRate(pairs);
      const rows = sweepThresholds(
        faces,
        pairs,
        THRESHOLDS,
        Array.from({ length: opts.seeds }, (_, i) => i + 1),
      );
      const best = bestThreshold(rows);
      if (opts.json) {
        console.log(
          JSON.stringify({
            faces: faces.length,
            skipped: skipped.length,
            genuine_pairs: pairs.genuine.length,
            impostor_pairs: pairs.impostor.length,
            eer,
            best_threshold: best.threshold,
            rows,
          }),
        );
        return;
      }
      printTable(
        `${faces.length} faces (${skipped.length} skipped), ${pairs.genuine.length} genuine / ${pairs.impostor.length} impostor pairs; re-id runs averaged over ${opts.seeds} orders`,
        rows.map((r) => ({
          threshold: r.threshold.toFixed(3),
          'FAR %': 100 * r.far,
          'FRR %': 100 * r.frr,
          'TAR %': 100 * (1 - r.frr),
          'naive BCubed F1': r.naiveBcubedF1.toFixed(4),
          'naive count err %': r.naiveCountErrorPct,
          'engine BCubed F1': r.engineBcubedF1.toFixed(4),
          'engine count err %': r.engineCountErrorPct,
        })),
      );
      console.log(`\nEER ${(100 * eer.eer).toFixed(2)} % at cosine ${eer.threshold.toFixed(3)}`);
      console.log(
        `best engine BCubed F1 at matchMinCosine ${best.threshold} (F1 ${best.engineBcubedF1.toFixed(4)}, count error ${best.engineCountErrorPct.toFixed(2)} %)`,
      );
    });
}
