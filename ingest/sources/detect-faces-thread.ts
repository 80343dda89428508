/**
 * The detector thread: the stage between the decoder thread and the main thread. It finds the
 * faces of every frame (the detector needs nothing but the frame) and passes the frame on with
 * them, so that ffmpeg, the detector and the rest of the analysis run at once on different cores.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
// The detector's own files, not face/index.ts: this thread needs no image decoder (sharp).
import type { DetectionConfig } from '../../schemas/index.ts';
import { TiledFaceDetector } from '../face/detect-tiled-faces.ts';
import { createSession, timeRuns } from '../face/onnx-session.ts';
import type { FromDecoder } from './decode-frames-thread.ts';
import { frameBuffers } from './spawn-ffmpeg-frames.ts';

export interface DetectorSettings {
  /** The decoder thread's frames. */
  input: MessagePort;
  modelFile: string;
  /** How the detector looks at each frame (the decoder adds the tile view unless the mode is full). */
  detection: Pick<DetectionConfig, 'mode' | 'minCellChange' | 'refreshFrames'>;
}

const { input, modelFile, detection } = workerData as DetectorSettings;
const out = parentPort!;
const post = (message: FromDecoder, transfer: ArrayBuffer[] = []) => out.postMessage(message, transfer);
let seconds = 0;
const detector = createSession(modelFile).then(
  (session) =>
    new TiledFaceDetector(
      timeRuns(session, (s) => (seconds += s)),
      detection,
    ),
);
// A model that cannot load is reported by the first frame that needs it, not as a crash.
detector.catch(() => undefined);
let failed = false;
// One frame at a time and in order: each waits for the one before (and the first for the model).
let queue = Promise.resolve();

input.on('message', (message: FromDecoder) => {
  queue = queue
    .then(() => pass(message))
    .catch((err: Error) => {
      // A model that cannot load, or a detector failure, ends the stream with the reason.
      if (failed) return;
      failed = true;
      post({ kind: 'failed', message: `face detector: ${err.message}` });
      input.close();
    });
});

async function pass(message: FromDecoder): Promise<void> {
  if (failed) return;
  if (message.kind !== 'frame') {
    post(message);
    if (message.kind !== 'skipped') input.close();
    return;
  }
  const { frame } = message;
  seconds = 0;
  const { faces, runs } = await (await detector).detect(frame.image, frame.view, frame.tileView);
  post({ kind: 'frame', frame, detected: { faces, seconds, runs } }, frameBuffers(frame) as ArrayBuffer[]);
}
