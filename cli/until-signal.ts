/** Resolves on SIGINT or SIGTERM, so long-running commands can shut down cleanly. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals) => resolve(signal);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
