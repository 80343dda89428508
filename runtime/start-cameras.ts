/** The cameras an embedded `revisit serve` runs itself (config `cameras`): each a video file or stream through the face pipeline onto the in-process bus. */
import { createLogger } from '../common/logger.ts';
import {
  CameraHeartbeats,
  FacePipeline,
  ObservationPublisher,
  recordModelRun,
  resolveSourceKind,
  runCameraVideo,
} from '../ingest/index.ts';
import { messageLimits } from '../schemas/index.ts';
import { redactUrl } from './check-deployment.ts';
import type { Runtime } from './open-runtime.ts';

export interface RunningCameras {
  /** Resolves when every file camera has reached its end (streams run until stopped). */
  finished: Promise<void>;
  /** Ends the streams, closes the open tracks and publishes them, then releases the models. */
  stop(): Promise<void>;
}

/**
 * Starts every configured camera. A camera that fails (a source given up after its reconnects,
 * a corrupt file) is logged and stops alone: the API, the worker and the other cameras go on.
 */
export async function startCameras({ config, bus }: Pick<Runtime, 'config' | 'bus'>): Promise<RunningCameras | null> {
  if (config.cameras.length === 0) return null;
  const logger = createLogger('cameras');
  for (const camera of config.cameras) {
    if (resolveSourceKind(camera.source) === 'images')
      throw new Error(
        `camera ${camera.camera}: ${camera.source} is images; cameras run video files and streams (revisit ingest takes images)`,
      );
  }
  const pipeline = await FacePipeline.load({
    onModelRun: recordModelRun,
    liveness: config.ingest.liveness.action !== 'off',
  });
  const stopping = new AbortController();
  const limits = messageLimits(config);
  const runs = config.cameras.map(async ({ site, camera, source }) => {
    const where = { site, camera, source: redactUrl(source) };
    const publisher = new ObservationPublisher(bus, config.topics.observations, limits, config.ingest);
    logger.info(where, 'camera started');
    // Each camera vouches for the hours it analysed: reports show the others as no data, not zero.
    const heartbeats = new CameraHeartbeats(bus, config.topics.heartbeats, limits, {
      siteId: site,
      cameraId: camera,
      everyMs: config.ingest.heartbeatEveryMs,
    }).start();
    try {
      const stats = await runCameraVideo(pipeline, publisher, {
        siteId: site,
        cameraId: camera,
        source,
        config: config.ingest,
        heartbeats,
        signal: stopping.signal,
        onReconnect: (attempt, delayMs, reason) =>
          logger.warn({ ...where, attempt, delayMs, reason }, 'camera source dropped: reconnecting'),
      });
      await publisher.flush();
      logger.info(
        { ...where, frames: stats.frames, observations: stats.observations, drops: stats.drops },
        'camera source ended',
      );
    } catch (err) {
      logger.error({ ...where, err }, 'camera stopped');
    } finally {
      await heartbeats.stop();
    }
  });
  const finished = Promise.all(runs).then(() => undefined);
  return {
    finished,
    stop: async () => {
      stopping.abort();
      await finished;
      await pipeline.close();
    },
  };
}
