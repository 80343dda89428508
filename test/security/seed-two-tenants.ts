/**
 * Writes the attack suite's data through the product's own runtime and sinks (sightings, then
 * sessionised visits and their aggregates), before `revisit serve` opens the same data directory.
 * Run as a child process with the deployment's environment:
 * node --import tsx seed-two-tenants.ts <runId> <nowMs> <canaryA> <canaryB> (the parent's clock: both must plan the same days).
 */
import { loadConfig } from '../../common/config.ts';
import { VisitMaintainer } from '../../reid-worker/visits/visit-maintainer.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { insertSightings } from '../../storage/sightings-table.ts';
import { planTwoTenantSeed } from './plan-two-tenant-seed.ts';

const [runId, nowMs, canaryA, canaryB] = process.argv.slice(2);
const runtime = await openRuntime(loadConfig());
try {
  const { sightings } = planTwoTenantSeed(runId, [canaryA, canaryB], Number(nowMs));
  const visits = new VisitMaintainer(runtime.clickhouse, runtime.config);
  await insertSightings(runtime.clickhouse, sightings);
  await visits.update(sightings);
  await visits.sweep();
} finally {
  await runtime.close();
}
