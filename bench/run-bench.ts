/** `npm run bench`: every benchmark, each printed as a table with its baseline from the same run. */
import { benchSkeleton } from './bench-skeleton.ts';
import { benchIngest } from './bench-ingest.ts';
import { benchCapture } from './bench-capture.ts';
import { benchAnalytics } from './bench-analytics.ts';
import { benchReid } from './bench-reid.ts';
import { benchLoad } from './bench-load.ts';
import { benchBi } from './bench-bi.ts';

await benchSkeleton();
await benchAnalytics();
await benchBi();
await benchReid();
await benchIngest();
await benchCapture();
await benchLoad();
