/** `revisit ingest`: images of one camera → observations on the bus (embedded mode: and through the worker). */
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { openRuntime } from '../../common/open-runtime.ts';
import { FacePipeline, ingestImages, listImageFiles, ObservationPublisher } from '../../ingest/index.ts';
import { messageLimits, startReidWorker } from '../../reid-worker/index.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';

interface IngestOptions {
  site: string;
  camera: string;
  source: string;
}

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('Detect and embed the faces in an image or a folder of images and publish one observation per face')
    .requiredOption('--site <id>', 'site the camera belongs to (must be configured)')
    .requiredOption('--camera <id>', 'camera id')
    .requiredOption('--source <path>', 'an image file or a folder of images')
    .action(async (opts: IngestOptions) => {
      const config = loadConfig();
      const limits = messageLimits(config);
      if (!limits.isKnownSite(opts.site)) throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      const files = listImageFiles(opts.source);
      const runtime = await openRuntime(config);
      // Embedded mode has no separate worker process: run it here.
      const worker = config.kafka ? null : await startReidWorker(runtime);
      const pipeline = await FacePipeline.load();
      const bar = createProgressBar('ingest', 'images');
      const started = Date.now();
      bar.start(files.length, 0, { faces: 0, rate: '0' });
      try {
        const summary = await ingestImages(pipeline, new ObservationPublisher(runtime.bus, config.topics.observations, limits), {
          siteId: opts.site,
          cameraId: opts.camera,
          files,
          onProgress: (done, faces) => bar.update(done, { faces, rate: ratePerSecond(done, started) }),
        });
        bar.stop();
        await worker?.drain();
        console.log(`${summary.images} images, ${summary.faces} faces, ${summary.observations} observations published, ${summary.skipped.length} skipped`);
        for (const s of summary.skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
      } finally {
        bar.stop();
        await worker?.stop();
        await pipeline.close();
        await runtime.close();
      }
    });
}
