/** Capture by face size: six real people walking past at one face width, per detection mode, scored against the videos' truth. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FacePipeline } from '../ingest/index.ts';
import { ingestConfigSchema } from '../schemas/index.ts';
import { capturePeople, captureScene, scoreCapture } from '../test/fixtures/capture-scenes.ts';
import { makeFaceVideo } from '../test/fixtures/make-face-video.ts';
import { runCapture } from '../test/harness/run-capture.ts';
import { cpuSeconds, cpuSince } from './measure-cpu.ts';
import { printTable, type Row } from '../common/print-table.ts';

/** Face widths: the issue's, from lost by today's detector to easy. */
const FACE_WIDTHS_PX = [24, 32, 40, 48, 64, 96];
const MODES = ['full', 'tiles', 'motion'] as const;
const START_MS = 1.75e12;

export async function benchCapture(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-bench-capture-'));
  const pipeline = await FacePipeline.load({ liveness: true });
  const shotModels = pipeline.startShotModelsThread();
  const rows: Row[] = [];
  const cost = new Map<string, { frames: number; wall: number; cpu: number; runs: number }>();
  try {
    const people = await capturePeople(pipeline);
    for (const faceWidthPx of FACE_WIDTHS_PX) {
      for (const groups of ['alone', 'groups'] as const) {
        const scene = captureScene(people, faceWidthPx, groups);
        const video = join(dir, `${groups}-${faceWidthPx}.mp4`);
        await makeFaceVideo(video, scene.segments, { width: 1280, height: 720, noise: 12 });
        for (const mode of MODES) {
          const cpu = cpuSeconds();
          const start = process.hrtime.bigint();
          const run = await runCapture(pipeline, video, {
            config: ingestConfigSchema.parse({ detection: { mode } }),
            startMs: START_MS,
            shotModels,
          });
          const wall = Number(process.hrtime.bigint() - start) / 1e9;
          const s = scoreCapture(scene, run, START_MS);
          const c = cost.get(mode) ?? { frames: 0, wall: 0, cpu: 0, runs: 0 };
          cost.set(mode, {
            frames: c.frames + run.frames.length,
            wall: c.wall + wall,
            cpu: c.cpu + cpuSince(cpu).total,
            runs: c.runs + run.frames.reduce((n, f) => n + f.runs, 0),
          });
          rows.push({
            'face px': mode === MODES[0] && groups === 'alone' ? faceWidthPx : '',
            scene: mode === MODES[0] ? (groups === 'alone' ? 'one at a time' : 'groups of 3') : '',
            mode,
            'face-frames found': `${s.detectedFaceFrames}/${s.faceFrames}`,
            'extra faces': s.extraFaces,
            tracks: run.observations.length,
            'identified (of 6)': s.identified,
            'seen incl. not identified (of 6)': s.seen,
            splits: s.splits,
            'stray tracks': s.strayTracks,
          });
          process.stderr.write(
            `  capture ${faceWidthPx} px ${groups} ${mode}: ${s.identified} identified, ${s.seen} seen of 6\n`,
          );
        }
      }
    }
  } finally {
    await shotModels.close();
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    `Capture by face width: six lfw_dev people (one photo each alone, another in the groups) drifting sideways for 3 s over a noisy 1280×720 background, 5 analysed fps, default configuration but the detection mode (default ${ingestConfigSchema.parse({}).detection.mode}); truth: 90 face-frames and 6 people per video`,
    rows,
  );
  printTable(
    'Detection modes over all the capture videos above (whole passes, start-up included)',
    MODES.map((mode) => {
      const c = cost.get(mode)!;
      return {
        mode,
        'detector runs/frame': c.runs / c.frames,
        'frames/s': c.frames / c.wall,
        'CPU ms/frame': (1000 * c.cpu) / c.frames,
      };
    }),
  );
}
