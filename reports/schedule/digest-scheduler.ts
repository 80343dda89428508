/** Runs due digests on every tick: render once, deliver to each destination, record each outcome. */
import type { Logger } from '../../common/logger.ts';
import type { DigestsConfig } from '../../schemas/digest.schema.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import type { DigestPeriod } from '../digest/digest-period.ts';
import type { DigestLedger } from '../../storage/digest-runs-table.ts';
import { describeDelivery, type Deliver } from './deliver-digest.ts';
import { planDigestRun } from './plan-digest-run.ts';

export interface RenderedDigest {
  pdf: Buffer;
  summary: string[];
}

export interface DigestSchedulerDeps {
  config: DigestsConfig;
  sites: SiteConfig[];
  ledger: DigestLedger;
  render: (site: SiteConfig, period: DigestPeriod) => Promise<RenderedDigest>;
  deliver: Deliver;
  logger: Logger;
}

export interface TickOutcome {
  runKey: string;
  siteId: string;
  status: 'sent' | 'failed' | 'gave_up';
  error?: string;
}

export class DigestScheduler {
  constructor(private readonly deps: DigestSchedulerDeps) {
    const known = new Set(deps.sites.map((s) => s.id));
    const unknown = deps.config.schedules.filter((s) => !known.has(s.site)).map((s) => s.site);
    if (unknown.length) throw new Error(`digest schedules name unknown sites: ${unknown.join(', ')}`);
  }

  /** Delivers whatever is due at `nowMs` and not yet delivered; safe to call as often as wanted. */
  async tick(nowMs: number): Promise<TickOutcome[]> {
    const outcomes: TickOutcome[] = [];
    for (const schedule of this.deps.config.schedules) {
      const site = this.deps.sites.find((s) => s.id === schedule.site)!;
      const plan = planDigestRun(schedule, site.timezone, nowMs);
      if (!plan) continue;
      let rendered: RenderedDigest | null = null;
      for (const [i, delivery] of schedule.deliver.entries()) {
        const runKey = `${plan.key}#${i}`;
        const state = await this.deps.ledger.get(runKey);
        if (state?.status === 'sent' || (state && state.attempts >= this.deps.config.maxAttempts)) continue;
        const attempts = (state?.attempts ?? 0) + 1;
        const record = {
          runKey,
          siteId: site.id,
          periodKind: plan.period.kind,
          periodFrom: plan.period.from,
          destination: describeDelivery(delivery),
          attempts,
        };
        try {
          rendered ??= await this.deps.render(site, plan.period);
          const filename = `digest-${site.id}-${plan.period.kind}-${plan.period.from}.pdf`;
          await this.deps.deliver({ site, period: plan.period, filename, ...rendered }, delivery);
          await this.deps.ledger.record({ ...record, status: 'sent', lastError: '' });
          outcomes.push({ runKey, siteId: site.id, status: 'sent' });
        } catch (err) {
          const error = (err as Error).message;
          await this.deps.ledger.record({ ...record, status: 'failed', lastError: error });
          const gaveUp = attempts >= this.deps.config.maxAttempts;
          // Never silent: every failure is logged; the last one loudly, since nobody will retry it.
          this.deps.logger[gaveUp ? 'error' : 'warn'](
            { runKey, attempts, error },
            gaveUp ? 'digest delivery failed for good' : 'digest delivery failed, will retry',
          );
          outcomes.push({ runKey, siteId: site.id, status: gaveUp ? 'gave_up' : 'failed', error });
        }
      }
    }
    return outcomes;
  }
}
