/** Digests: a period's reports as a PDF a manager reads in two minutes. */
export { digestPeriod, type DigestPeriod, type DigestPeriodKind } from './digest-period.ts';
export { collectDigestData, type DigestData, type Metric } from './collect-digest-data.ts';
export { summarizeChanges, changePct } from './summarize-changes.ts';
export { buildDigestPdf } from './build-digest-pdf.ts';
export { renderDigestPdf, type RenderedDigest } from './render-digest-pdf.ts';
