/** Prometheus metrics of this process, one registry shared by every component in it. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'revisit_' });

export const observationsTotal = new Counter({
  name: 'revisit_observations_total',
  help: 'Face observations handled by the re-id worker, by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const deadLettersTotal = new Counter({
  name: 'revisit_dead_letters_total',
  help: 'Messages rejected to the dead-letter topic, by reason code',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const batchSeconds = new Histogram({
  name: 'revisit_reid_batch_seconds',
  help: 'Time to handle one batch of observations, sinks included',
  buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  registers: [metricsRegistry],
});

export const consumerLag = new Gauge({
  name: 'revisit_consumer_lag',
  help: "Messages of a partition not yet handled by this process's consumer group: the partition's end minus the group's committed offset, as of the last batch (Kafka) or always (in-process bus)",
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

export const digestDeliveriesTotal = new Counter({
  name: 'revisit_digest_deliveries_total',
  help: 'Digest deliveries attempted by the scheduler, by site and outcome (sent, failed: retried later, gave_up: maxAttempts reached)',
  labelNames: ['site', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestsTotal = new Counter({
  name: 'revisit_http_requests_total',
  help: 'API requests by route and status',
  labelNames: ['route', 'status'] as const,
  registers: [metricsRegistry],
});

/**
 * Label values that come from outside (camera ids sent by integrators): per group (a site), the
 * first `maxPerGroup` distinct values keep their own series and later ones share "other" — a flood
 * of invented ids cannot grow the series count, which Prometheus keeps for as long as the process.
 */
export class BoundedLabelValues {
  private readonly groups = new Map<string, Set<string>>();

  constructor(private readonly maxPerGroup: number) {}

  /** `value` if it has (or gets) its own series in `group`, else "other". Groups must be a bounded set (configured sites). */
  label(group: string, value: string): string {
    let seen = this.groups.get(group);
    if (!seen) this.groups.set(group, (seen = new Set()));
    if (seen.has(value)) return value;
    if (seen.size >= this.maxPerGroup) return 'other';
    seen.add(value);
    return value;
  }
}
