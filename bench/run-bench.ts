/** `npm run bench`: every benchmark, each printed as a table with its baseline from the same run. */
import { benchSkeleton } from './bench-skeleton.ts';

await benchSkeleton();
