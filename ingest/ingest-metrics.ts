/** Prometheus metrics of the camera worker, on the process's shared registry. */
import { Counter, Gauge, Histogram } from 'prom-client';
import { BoundedLabelValues, metricsRegistry } from '../common/metrics.ts';

/** More cameras than any store has; beyond it a site's new camera ids (uploads may invent them) count as "other". */
const MAX_CAMERAS_PER_SITE = 64;
const cameraLabels = new BoundedLabelValues(MAX_CAMERAS_PER_SITE);

/** The `camera` label value of a site's camera: its id, or "other" past the site's first 64. */
export function cameraLabel(siteId: string, cameraId: string): string {
  return cameraLabels.label(siteId, cameraId);
}

export const framesDecodedTotal = new Counter({
  name: 'revisit_ingest_frames_total',
  help: 'Video frames decoded and analysed by the camera worker',
  labelNames: ['camera'] as const,
  registers: [metricsRegistry],
});

export const facesDetectedTotal = new Counter({
  name: 'revisit_ingest_faces_detected_total',
  help: 'Faces detected in analysed frames (one person in many frames counts many times)',
  labelNames: ['camera'] as const,
  registers: [metricsRegistry],
});

export const tracksTotal = new Counter({
  name: 'revisit_ingest_tracks_total',
  help: 'Face tracks closed, whatever became of them',
  labelNames: ['camera'] as const,
  registers: [metricsRegistry],
});

export const openTracks = new Gauge({
  name: 'revisit_ingest_open_tracks',
  help: 'Face tracks currently open',
  labelNames: ['camera'] as const,
  registers: [metricsRegistry],
});

export const trackObservationsTotal = new Counter({
  name: 'revisit_ingest_observations_total',
  help: 'Observations (one per kept face track or uploaded face) produced by the camera worker; identified="false": people seen but too small or poor to identify (their share is the capture rate)',
  labelNames: ['camera', 'identified'] as const,
  registers: [metricsRegistry],
});

export const dropsTotal = new Counter({
  name: 'revisit_ingest_drops_total',
  help: 'Faces or tracks that did not become observations, by reason',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const sourceRestartsTotal = new Counter({
  name: 'revisit_ingest_source_restarts_total',
  help: 'Times a stream was reopened after it dropped or stalled',
  registers: [metricsRegistry],
});

export const modelSeconds = new Histogram({
  name: 'revisit_ingest_model_seconds',
  help: 'Wall time of one ONNX model run, by model role',
  labelNames: ['model'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.5],
  registers: [metricsRegistry],
});

/** A FacePipeline `onModelRun` hook feeding modelSeconds. */
export function recordModelRun(role: string, seconds: number): void {
  modelSeconds.observe({ model: role }, seconds);
}

export const busDownObservationsTotal = new Counter({
  name: 'revisit_ingest_bus_down_observations_total',
  help: 'Observations held back while the bus was unreachable: buffered (sent later) or dropped (ingest.whenBusDown, or the buffer was full)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const bufferedObservations = new Gauge({
  name: 'revisit_ingest_buffered_observations',
  help: 'Observations in memory waiting for the bus to answer again',
  registers: [metricsRegistry],
});
