/** Readiness of a service: each dependency it uses (Kafka, Redis, ClickHouse) answers, within a bound. */
import { setTimeout as sleep } from 'node:timers/promises';

/** A dependency's probe: resolves when it answers, rejects (or hangs) when it does not. */
export type DependencyCheck = () => Promise<unknown>;

/** The dependencies a service uses, by name (kafka, redis, clickhouse). */
export type Readiness = Record<string, DependencyCheck>;

export interface ReadinessReport {
  ready: boolean;
  /** Per dependency: ok or unavailable (no error text: /readyz answers anyone who can reach it). */
  checks: Record<string, 'ok' | 'unavailable'>;
}

/** A probe that has not answered after this long counts as unavailable (orchestrators probe every few seconds). */
export const CHECK_TIMEOUT_MS = 2000;

/** Runs every probe at once, each bounded by `timeoutMs`. */
export async function checkReadiness(readiness: Readiness, timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
  const names = Object.keys(readiness);
  const outcomes = await Promise.all(
    names.map(async (name) => {
      const timeout = new AbortController();
      try {
        const answered = readiness[name]().then(
          () => true,
          () => false,
        );
        return await Promise.race([answered, sleep(timeoutMs, false, { signal: timeout.signal })]);
      } catch {
        return false;
      } finally {
        timeout.abort();
      }
    }),
  );
  const checks = Object.fromEntries(
    names.map((name, i) => [name, outcomes[i] ? ('ok' as const) : ('unavailable' as const)]),
  );
  return { ready: outcomes.every(Boolean), checks };
}
