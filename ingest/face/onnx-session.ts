/** Creates ONNX Runtime sessions tuned for a small CPU box. */
import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

export type { InferenceSession } from 'onnxruntime-node';
export { Tensor } from 'onnxruntime-node';

/** Makes every run of `session` report its wall time (model latency metrics, the benchmark). */
export function timeRuns(session: ort.InferenceSession, report: (seconds: number) => void): ort.InferenceSession {
  const run = session.run.bind(session);
  session.run = (async (...args: Parameters<typeof run>) => {
    const start = process.hrtime.bigint();
    const out = await run(...args);
    report(Number(process.hrtime.bigint() - start) / 1e9);
    return out;
  }) as typeof session.run;
  return session;
}

/**
 * Opens a CPU session with one intra-op (by default) and one inter-op thread: four sessions with
 * default threading spin against each other on 2 cores (measured 3× slower); scale with processes
 * instead. `npm run bench` measures 1 against 2 intra-op threads.
 */
export async function createSession(modelFile: string, intraOpThreads = 1): Promise<ort.InferenceSession> {
  try {
    await access(modelFile);
  } catch {
    throw new Error(`model file ${modelFile} is missing: run \`node --import tsx models/fetch-models.ts\``);
  }
  return ort.InferenceSession.create(modelFile, {
    executionProviders: ['cpu'],
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
  });
}
