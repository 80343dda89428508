/** The digest service: ticks the scheduler on a timer with the real report renderer and deliveries. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { RevisitConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { digestDeliveriesTotal } from '../../common/metrics.ts';
import { digestFolderRoot } from '../../schemas/digest.schema.ts';
import { buildDigestPdf, collectDigestData, summarizeChanges } from '../digest/index.ts';
import { createDeliver } from './deliver-digest.ts';
import { DigestLedger } from '../../storage/digest-runs-table.ts';
import { DigestScheduler } from './digest-scheduler.ts';
import { createSiteErrorRates } from '../calibration/site-error-rates-cache.ts';

export interface RunningScheduler {
  stop(): void;
}

export function startDigestScheduler(config: RevisitConfig, clickhouse: ClickHouseClient): RunningScheduler {
  const logger = createLogger('digest-scheduler');
  const errorRatesOf = createSiteErrorRates(clickhouse, config);
  const scheduler = new DigestScheduler({
    config: config.digests,
    sites: config.sites,
    ledger: new DigestLedger(clickhouse),
    render: async (site, period) => {
      const data = await collectDigestData(clickhouse, site, period, config.privacy.minCount, {
        cameraSilentAfterMs: config.coverage.cameraSilentAfterMs,
        errorRates: () => errorRatesOf(site.id),
      });
      return { pdf: await buildDigestPdf(data), summary: summarizeChanges(data) };
    },
    deliver: createDeliver({
      smtp: config.digests.smtp,
      folderRoot: digestFolderRoot(config.dataDir, config.digests.folderRoot),
    }),
    logger,
  });
  let running = false;
  const tick = async () => {
    if (running) return; // a slow render must not overlap the next tick
    running = true;
    try {
      for (const o of await scheduler.tick(Date.now())) {
        digestDeliveriesTotal.inc({ site: o.siteId, status: o.status });
        if (o.status === 'sent') logger.info(o, 'digest delivered');
      }
    } catch (err) {
      logger.error({ err }, 'digest tick failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, config.digests.tickMs);
  return { stop: () => clearInterval(timer) };
}
