/**
 * The shot-models thread: runs the two models a track's best shots need when the track ends —
 * liveness and the embedding — so that the main thread goes on analysing frames meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
// The models' own files, not face/index.ts: this thread needs no image decoder (sharp).
import { embedFace } from './embed-face.ts';
import { scoreLiveness } from './estimate-liveness.ts';
import { createSession, timeRuns } from './onnx-session.ts';

export interface ShotModelFiles {
  feature: string;
  liveness: string;
}

export type ShotModelRole = keyof ShotModelFiles;
export type ToShotModels = { kind: 'run'; id: number; role: ShotModelRole; input: Float32Array } | { kind: 'close' };
export type FromShotModels =
  | { id: number; embedding?: Float32Array; pLive?: number; seconds: number }
  | { id: number; error: string };

const files = workerData as ShotModelFiles;
const port = parentPort!;
let seconds = 0;
const open = (file: string) => createSession(file).then((s) => timeRuns(s, (t) => (seconds = t)));
const sessions = { feature: open(files.feature), liveness: open(files.liveness) };
// A model that cannot load is reported by the first request that needs it, not as a crash.
for (const session of Object.values(sessions)) session.catch(() => undefined);
// One run at a time, in order of arrival: the thread has one core's worth of work to give.
let queue = Promise.resolve();

port.on('message', (request: ToShotModels) => {
  // Closing lets the thread end by itself once its runs are answered (and its models loaded).
  queue = queue.then(() => (request.kind === 'close' ? port.close() : answer(request)));
});

async function answer({ id, role, input }: Extract<ToShotModels, { kind: 'run' }>): Promise<void> {
  try {
    const session = await sessions[role];
    if (role === 'feature') {
      const embedding = await embedFace(session, input);
      port.postMessage({ id, embedding, seconds } satisfies FromShotModels, [embedding.buffer as ArrayBuffer]);
    } else {
      port.postMessage({ id, pLive: await scoreLiveness(session, input), seconds } satisfies FromShotModels);
    }
  } catch (err) {
    port.postMessage({ id, error: `${role} model: ${(err as Error).message}` } satisfies FromShotModels);
  }
}
