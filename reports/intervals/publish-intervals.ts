/** The error bars published next to unique visitors, visits and the returning rate: from shown figures only, with how they were obtained. */
import { estimateCountIntervals } from './estimate-count-intervals.ts';
import { splitPerReturningVisit, type ErrorRateSource, type SiteErrorRates } from './site-error-rates.ts';

export interface PublishedIntervals {
  confidence: number;
  visitors: { low: number; high: number };
  visits: { low: number; high: number };
  returningRate: { low: number; high: number };
  source: ErrorRateSource;
  method: string;
}

/** The shown figures an interval is built from (null: hidden). */
export interface ShownFigures {
  visitors: number | null;
  visits: number | null;
  returningVisits: number | null;
}

/**
 * The 90 % intervals of a period's figures (estimateCountIntervals), or null when any of them is
 * hidden: an interval is a function of shown figures and the site's rates only, so it tells
 * nothing the suppression hides. Unique visitors of a period stand in for its new visitors (the
 * same relative merge and split errors apply to both).
 */
export function publishIntervals(f: ShownFigures, e: SiteErrorRates): PublishedIntervals | null {
  if (f.visitors === null || f.visits === null || f.returningVisits === null) return null;
  const rates = e.splitOfNew
    ? { ...e.rates, split: splitPerReturningVisit(e.splitOfNew, f.visitors, f.returningVisits) }
    : e.rates;
  const i = estimateCountIntervals(
    { visitors: f.visitors, visits: f.visits, returningVisits: f.returningVisits },
    rates,
  );
  const count = (r: { low: number; high: number }) => ({ low: Math.floor(r.low), high: Math.ceil(r.high) });
  const rate = (r: { low: number; high: number }) => ({
    low: Math.floor(r.low * 1e4) / 1e4,
    high: Math.ceil(r.high * 1e4) / 1e4,
  });
  return {
    confidence: i.confidence,
    visitors: count(i.visitors),
    visits: count(i.visits),
    returningRate: rate(i.returningRate),
    source: e.source,
    method: e.method,
  };
}
