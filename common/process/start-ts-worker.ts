/** Starts a worker thread on a TypeScript module. */
import { Worker, type TransferListItem } from 'node:worker_threads';

/**
 * Node 20 does not hand the main thread's module hooks (tsx) on to worker threads, so the worker
 * first registers tsx itself, then imports `module`, which finds `workerData` as usual (with the
 * MessagePorts in `transferList` moved into it).
 */
export function startTsWorker(module: URL, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(boot, { eval: true, workerData, transferList });
}
