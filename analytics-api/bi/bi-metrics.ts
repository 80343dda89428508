/** BI metrics: how engines are confined, and how queries end (a fixed set of outcomes: bounded labels). */
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../../common/metrics.ts';

export const biIsolatedGauge = new Gauge({
  name: 'revisit_bi_engine_isolated',
  help: '1 when BI engines run in their own user, network, mount and pid namespaces; 0 when they are plain child processes (see /readyz for what is missing)',
  registers: [metricsRegistry],
});

export type BiOutcome = 'ok' | 'refused' | 'limited' | 'busy' | 'failed' | 'unauthenticated';

export const biQueriesTotal = new Counter({
  name: 'revisit_bi_queries_total',
  help: 'BI queries by outcome: ok, refused (the SQL check), limited (rate, concurrency), busy (no engine in time), failed (engine error or limit), unauthenticated',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
