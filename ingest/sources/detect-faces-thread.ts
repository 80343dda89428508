/**
 * The detector thread: the stage between the decoder thread and the main thread. It finds the
 * faces of every frame (the detector needs nothing but the frame) and passes the frame on with
 * them, so that ffmpeg, the detector and the rest of the analysis run at once on different cores.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
// The detector's own files, not face/index.ts: this thread needs no image decoder (sharp).
import { detectFaces } from '../face/detect-faces.ts';
import { createSession, timeRuns } from '../face/onnx-session.ts';
import type { FromDecoder } from './decode-frames-thread.ts';
import { frameBuffers } from './spawn-ffmpeg-frames.ts';

export interface DetectorSettings {
  /** The decoder thread's frames. */
  input: MessagePort;
  modelFile: string;
}

const { input, modelFile } = workerData as DetectorSettings;
const out = parentPort!;
const post = (message: FromDecoder, transfer: ArrayBuffer[] = []) => out.postMessage(message, transfer);
let seconds = 0;
const detector = createSession(modelFile).then((session) => timeRuns(session, (s) => (seconds = s)));
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
  const faces = await detectFaces(await detector, frame.image, { detectorView: frame.view });
  post({ kind: 'frame', frame, detected: { faces, seconds } }, frameBuffers(frame) as ArrayBuffer[]);
}
