/** The models that run on a track's best shots (liveness, embedding), in-process or on a thread of their own. */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../common/process/start-ts-worker.ts';
import type { FromShotModels, ShotModelFiles, ShotModelRole, ToShotModels } from './shot-models-thread.ts';

/** What a track's conclusion needs: FacePipeline is one, ShotModelsThread another. */
export interface ShotModels {
  /** The L2-normalised embedding of an aligned crop. */
  embedAligned(aligned: Float32Array): Promise<Float32Array>;
  /** p(live) of a liveness input. */
  scoreLiveness(input: Float32Array): Promise<number>;
}

/**
 * ShotModels on a thread of their own (shot-models-thread.ts). The inputs are moved to the thread,
 * not copied: the caller must not read them afterwards.
 */
export class ShotModelsThread implements ShotModels {
  private nextId = 0;
  private readonly exited: Promise<unknown>;
  private readonly waiting = new Map<number, { resolve: (m: FromShotModels) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly worker: Worker,
    private readonly onModelRun?: (role: ShotModelRole, seconds: number) => void,
  ) {
    worker.on('message', (m: FromShotModels) => {
      const call = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if ('error' in m) call?.reject(new Error(m.error));
      else call?.resolve(m);
    });
    worker.on('error', (err) => this.failAll(new Error(`shot-models thread failed: ${err.message}`)));
    worker.on('exit', () => this.failAll(new Error('shot-models thread stopped')));
    this.exited = once(worker, 'exit');
  }

  /** Starts the thread with these model files; `onModelRun` hears every run's time, as FacePipeline's does. */
  static start(files: ShotModelFiles, onModelRun?: (role: ShotModelRole, seconds: number) => void): ShotModelsThread {
    return new ShotModelsThread(startTsWorker(new URL('./shot-models-thread.ts', import.meta.url), files), onModelRun);
  }

  async embedAligned(aligned: Float32Array): Promise<Float32Array> {
    return (await this.call('feature', aligned)).embedding!;
  }

  async scoreLiveness(input: Float32Array): Promise<number> {
    return (await this.call('liveness', input)).pLive!;
  }

  /**
   * Lets the thread finish the calls already asked for and end. Not terminate(): terminating a
   * thread still starting up (registering tsx, loading models) could hang the process for good.
   */
  async close(): Promise<void> {
    this.worker.postMessage({ kind: 'close' } satisfies ToShotModels);
    await this.exited;
  }

  private async call(role: ShotModelRole, input: Float32Array): Promise<Extract<FromShotModels, { seconds: number }>> {
    const id = this.nextId++;
    const answer = new Promise<FromShotModels>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    // Only a buffer of its own can be moved; a view into a larger one is copied.
    const own = input.byteLength === input.buffer.byteLength ? input : input.slice();
    this.worker.postMessage({ kind: 'run', id, role, input: own } satisfies ToShotModels, [own.buffer as ArrayBuffer]);
    const result = (await answer) as Extract<FromShotModels, { seconds: number }>;
    this.onModelRun?.(role, result.seconds);
    return result;
  }

  private failAll(err: Error): void {
    for (const call of this.waiting.values()) call.reject(err);
    this.waiting.clear();
  }
}
