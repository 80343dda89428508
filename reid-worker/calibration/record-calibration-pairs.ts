/** The worker's calibration step: the pairs of written sightings into storage as binned counts, and the running estimates on /metrics. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { insertCalibrationScores, type CalibrationScoreRow } from '../../storage/calibration-scores-table.ts';
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../../common/metrics.ts';
import type { Sighting } from '../../schemas/index.ts';
import type { CalibrationCollector, CalibrationPair } from './collect-calibration-pairs.ts';
import { estimateErrorRates } from '../../common/calibration/estimate-error-rates.ts';
import { addScore, binOf, type ScoreHistogram } from '../../common/calibration/score-histogram.ts';
import { bestScoreSource } from '../../common/calibration/estimate-split-rate.ts';

const pairsTotal = new Counter({
  name: 'revisit_calibration_pairs_total',
  help: 'Label-free score pairs collected for calibration, by kind and source',
  labelNames: ['site', 'kind', 'source'] as const,
  registers: [metricsRegistry],
});
const estimatedFmr = new Gauge({
  name: 'revisit_reid_estimated_fmr',
  help: "False-match rate per comparison at the camera's threshold, estimated from this worker's impostor pairs since it started",
  labelNames: ['site', 'camera'] as const,
  registers: [metricsRegistry],
});
const estimatedFnmr = new Gauge({
  name: 'revisit_reid_estimated_fnmr',
  help: "False-non-match rate at the camera's threshold, from the genuine pairs of its tracks since this worker started",
  labelNames: ['site', 'camera'] as const,
  registers: [metricsRegistry],
});

/** `thresholdOf`: the match threshold a camera runs with (its own, else its site's). */
export class CalibrationRecorder {
  private readonly running = new Map<string, { impostor: ScoreHistogram; genuine: ScoreHistogram }>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly collector: CalibrationCollector,
    private readonly thresholdOf: (siteId: string, cameraId: string) => number,
  ) {}

  /** Writes the pairs of these sightings' observations (each observation's once). */
  async record(sightings: Sighting[]): Promise<void> {
    const pairs = this.collector.take(sightings.map((s) => s.observationId));
    if (pairs.length === 0) return;
    const rows = new Map<string, CalibrationScoreRow>();
    for (const p of pairs) {
      const day = new Date(p.atMs).toISOString().slice(0, 10);
      const bin = binOf(p.score);
      const source = p.against ? bestScoreSource(p.against.gallerySize, p.against.threshold) : p.source;
      const key = [p.siteId, day, p.cameraA, p.cameraB, p.kind, source, bin].join('\u0000');
      const row = rows.get(key) ?? {
        siteId: p.siteId,
        day,
        cameraA: p.cameraA,
        cameraB: p.cameraB,
        kind: p.kind,
        source,
        bin,
        pairs: 0,
      };
      row.pairs++;
      rows.set(key, row);
    }
    await insertCalibrationScores(this.client, [...rows.values()]);
    this.updateMetrics(pairs);
  }

  private updateMetrics(pairs: CalibrationPair[]): void {
    const touched = new Set<string>();
    for (const p of pairs) {
      pairsTotal.inc({ site: p.siteId, kind: p.kind, source: p.source });
      if (p.cameraA !== p.cameraB || p.kind === 'new_identity') continue;
      const key = `${p.siteId}\u0000${p.cameraA}`;
      const h = this.running.get(key) ?? { impostor: new Map(), genuine: new Map() };
      addScore(h[p.kind], p.score);
      this.running.set(key, h);
      touched.add(key);
    }
    for (const key of touched) {
      const [site, camera] = key.split('\u0000');
      const h = this.running.get(key)!;
      const e = estimateErrorRates(h.impostor, h.genuine, this.thresholdOf(site, camera));
      if (e.fmr !== null) estimatedFmr.set({ site, camera }, e.fmr);
      if (e.fnmr !== null) estimatedFnmr.set({ site, camera }, e.fnmr);
    }
  }
}
