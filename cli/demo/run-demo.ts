/** `revisit demo`: a simulated two-day store through the real pipeline, on the embedded defaults. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../common/config.ts';
import { openRuntime } from '../../common/open-runtime.ts';
import { buildObservation, FacePipeline, ObservationPublisher } from '../../ingest/index.ts';
import { messageLimits, startReidWorker } from '../../reid-worker/index.ts';
import { queryFootfallByHour, type FootfallReport } from '../../reports/index.ts';
import { hashApiKey, serveApi } from '../../analytics-api/index.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';
import { untilSignal } from '../until-signal.ts';
import { augmentFace } from './augment-face.ts';
import { fetchDemoPhotos } from './fetch-demo-photos.ts';
import { findDemoPeople } from './find-demo-people.ts';
import { planStoreVisits, type StorePlan } from './plan-store-visits.ts';
import { seededRandom } from './seeded-random.ts';

export interface DemoOptions {
  seed: number;
  serve: boolean;
  port: number;
  dataDir: string;
}

const DAY_MS = 24 * 3600_000;
const DEMO_TENANT = 'demo';

function printReport(report: FootfallReport, plan: StorePlan, people: number): void {
  console.log('\nFootfall per hour (site demo-store)');
  console.log('hour (UTC)             unique visitors  visits');
  for (const h of report.hours) console.log(`${h.hour.padEnd(22)} ${String(h.uniqueVisitors).padStart(15)} ${String(h.visits).padStart(7)}`);
  console.log('\n                  reported   true');
  console.log(`unique visitors   ${String(report.uniqueVisitors).padStart(8)} ${String(people).padStart(6)}`);
  console.log(`visits            ${String(report.visits).padStart(8)} ${String(plan.visits).padStart(6)}`);
}

export async function runDemo(opts: DemoOptions): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  rmSync(dataDir, { recursive: true, force: true }); // a demo starts from an empty store
  const apiKey = `rv_demo_${randomBytes(12).toString('hex')}`;
  // The embedded defaults whatever the environment says: the demo needs no services.
  const config = loadConfig({ dataDir, api: { port: opts.port, keys: [{ tenant: DEMO_TENANT, sha256: hashApiKey(apiKey) }] } }, {});
  const site = config.sites[0];
  const random = seededRandom(opts.seed);

  const runtime = await openRuntime(config);
  const worker = await startReidWorker(runtime);
  const pipeline = await FacePipeline.load();
  try {
    console.log('finding the demo visitors in the sample photos...');
    const people = await findDemoPeople(pipeline, await fetchDemoPhotos());
    const firstDayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
    const plan = planStoreVisits(people.length, 2, firstDayMs, random);
    console.log(`${people.length} visitors, ${plan.visits} visits (${plan.returning} returning on day 2), ${plan.sightings.length} camera sightings`);

    const publisher = new ObservationPublisher(runtime.bus, config.topics.observations, messageLimits(config));
    const bar = createProgressBar('sightings', 'sightings');
    const started = Date.now();
    let faces = 0;
    bar.start(plan.sightings.length, 0, { faces, rate: '0' });
    for (const [i, s] of plan.sightings.entries()) {
      const person = people[s.person];
      const face = await pipeline.embedPrimaryFace(await augmentFace(person.photo, person.box, random));
      if (face) {
        faces++;
        const trackId = `${s.cameraId}-${i}`;
        await publisher.publish([buildObservation(face, { siteId: site.id, cameraId: s.cameraId, trackId, tStartMs: s.tMs, tEndMs: s.tMs + 4000 })]);
      }
      bar.update(i + 1, { faces, rate: ratePerSecond(i + 1, started) });
    }
    bar.stop();
    await worker.drain();

    const report = await queryFootfallByHour(runtime.clickhouse, {
      siteId: site.id,
      fromMs: firstDayMs,
      toMs: firstDayMs + 2 * DAY_MS,
      visitGapMs: config.visits.visitGapMs,
    });
    printReport(report, plan, people.length);

    if (opts.serve) {
      const api = await serveApi({ config, clickhouse: runtime.clickhouse });
      const from = new Date(firstDayMs).toISOString().slice(0, 10);
      const to = new Date(firstDayMs + 2 * DAY_MS).toISOString().slice(0, 10);
      console.log(`\nAPI: ${api.url}  (the dashboard will be served here; Ctrl-C to stop)`);
      console.log(`  curl -H 'Authorization: Bearer ${apiKey}' '${api.url}/api/v1/sites/${site.id}/footfall?from=${from}&to=${to}'`);
      await untilSignal();
      await api.close();
    }
  } finally {
    await worker.stop();
    await pipeline.close();
    await runtime.close();
  }
}
