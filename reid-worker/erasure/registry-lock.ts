/** One lock per process around registry writes: an erasure never interleaves with a batch being assigned and sunk. */

let tail: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` after every earlier caller has finished. The worker holds it for a whole batch
 * (assign → Redis → ClickHouse) and an in-process erasure for its whole run, so a batch that
 * loaded an identity before its erasure cannot write it back afterwards. Other processes are
 * covered by the registry generation (see SiteRefresher), one batch later.
 */
export function runExclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = tail.then(fn, fn);
  tail = run.catch(() => undefined);
  return run;
}
