/** The lock around a process's registry and visit writes: an erasure, a batch and a visit sweep never interleave. */

/**
 * Runs callers one after another, in call order. One instance per process (the runtime makes it)
 * is handed to everything that writes there: the worker holds it for a whole batch (assign →
 * Redis → ClickHouse → merges), the visit maintainer's sweep timer for a sweep, and an in-process
 * erasure for its whole run, so a batch that loaded an identity before its erasure cannot write
 * it back afterwards. Other processes are covered by the registry generation (see SiteRefresher),
 * one batch later.
 */
export class RegistryLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier caller has finished (whether it succeeded or threw). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
