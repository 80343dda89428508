/** Prometheus metrics of this process, one registry shared by every component in it. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

export const httpRequestsTotal = new Counter({
  name: 'revisit_http_requests_total',
  help: 'API requests by route and status',
  labelNames: ['route', 'status'] as const,
  registers: [metricsRegistry],
});
