/**
 * `npm run bench`: every benchmark, each printed as a table with its baseline from the same run.
 * `npm run bench -- reid [--json] [--sizes 10000,100000]` runs only the named ones; --json prints
 * the re-id rows as JSON objects, one a line.
 */
import { parseArgs } from 'node:util';
import { benchSkeleton } from './bench-skeleton.ts';
import { benchIngest } from './bench-ingest.ts';
import { benchCapture } from './bench-capture.ts';
import { benchAnalytics } from './bench-analytics.ts';
import { benchReid } from './bench-reid.ts';
import { benchLoad } from './bench-load.ts';
import { benchBi } from './bench-bi.ts';
import { benchFootprint } from './bench-footprint.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean' }, sizes: { type: 'string' } },
});
const sizes = values.sizes?.split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes: "${s}" is not a positive integer`);
  return n;
});
const benches: Record<string, () => Promise<void>> = {
  skeleton: benchSkeleton,
  analytics: benchAnalytics,
  bi: benchBi,
  reid: () => benchReid({ json: values.json, sizes }),
  ingest: benchIngest,
  capture: benchCapture,
  load: benchLoad,
  footprint: benchFootprint,
};
const unknown = positionals.filter((name) => !(name in benches));
if (unknown.length > 0)
  throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
for (const [name, run] of Object.entries(benches))
  if (positionals.length === 0 || positionals.includes(name)) await run();
