/** Redelivery pacing of a failing partition: exponential backoff with a cap, one warning per outage. */

export interface RetryBackoffOptions {
  /** Pause after the first failure of a streak. */
  initialMs: number;
  /** The pause doubles with each further failure up to this cap. */
  maxMs: number;
}

/** What to do after a failed batch. */
export interface RetryDecision {
  delayMs: number;
  /** Failures of this partition in a row, this one included. */
  failures: number;
  /** The first failure of a streak: the one worth a warning; the rest of the outage is noise. */
  outageStarted: boolean;
}

/**
 * Per-partition failure streaks. A Redis or ClickHouse outage makes every batch fail until it is
 * over: doubling the pause keeps a dead store from being hammered (and the log from filling),
 * the cap bounds how late the worker notices the store is back.
 */
export class RetryBackoff {
  private readonly streaks = new Map<number, number>();

  constructor(private readonly options: RetryBackoffOptions) {
    if (!(options.initialMs >= 0) || !(options.maxMs >= options.initialMs)) {
      throw new Error(`retry backoff needs 0 <= initialMs <= maxMs (got ${options.initialMs}, ${options.maxMs})`);
    }
  }

  /** Records a failure of `partition` and says how long to wait before it is delivered again. */
  failed(partition: number): RetryDecision {
    const failures = (this.streaks.get(partition) ?? 0) + 1;
    this.streaks.set(partition, failures);
    // 2^30 is far past any sane cap; the bound keeps the power finite.
    const delayMs = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(failures - 1, 30));
    return { delayMs, failures, outageStarted: failures === 1 };
  }

  /** Records a success; returns how many failures in a row it ended (0: there was no outage). */
  succeeded(partition: number): number {
    const failures = this.streaks.get(partition) ?? 0;
    this.streaks.delete(partition);
    return failures;
  }
}
