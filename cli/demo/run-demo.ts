/** `revisit demo`: a two-day store of real photos through the real pipeline, and a simulated chain's weeks of history, on the embedded defaults. */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, placementEnv } from '../../common/config.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import { buildObservation, FacePipeline, ObservationPublisher } from '../../ingest/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { encodeCameraHeartbeat, messageLimits, type SiteConfig } from '../../schemas/index.ts';
import { plannedHeartbeats } from '../../simulator/plan-heartbeats.ts';
import {
  queryDwellDistribution,
  queryFootfall,
  queryReturningVisitors,
  queryTopPaths,
  type DwellDistribution,
  type FootfallByPeriod,
  type ReturningVisitors,
  type TopPaths,
} from '../../reports/index.ts';
import { generateApiKey } from '../../analytics-api/keys/api-key-string.ts';
import { hashApiKey, serveApi } from '../../analytics-api/index.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';
import { untilSignal } from '../until-signal.ts';
import { augmentFace } from './augment-face.ts';
import { fetchDemoPhotos } from './fetch-demo-photos.ts';
import { findDemoPeople } from './find-demo-people.ts';
import { DEMO_CAMERAS, planStoreVisits, type StorePlan } from './plan-store-visits.ts';
import { CHAIN_STORES, HISTORY_DAYS, seedDemoChain } from './seed-demo-chain.ts';
import { type Random, seededRandom } from '../../common/seeded-random.ts';

export interface DemoOptions {
  seed: number;
  serve: boolean;
  /** Unset: REVISIT_API_PORT, else api.port's default. */
  port?: number;
  /** Unset: REVISIT_DATA_DIR, else dataDir's default. The demo keeps its data in `demo/` under it. */
  dataDir?: string;
}

const DAY_MS = 24 * 3600_000;
const DEMO_TENANT = 'demo';
/**
 * The demo store has 18 visitors over two days: at the default privacy.minCount (5) nearly every
 * hour, dwell band and path of its dashboard would be hidden. It runs at the lowest threshold,
 * which still hides every count of one person, so the dashboard shows both numbers and what a
 * hidden figure looks like (docs/privacy.md).
 */
const DEMO_MIN_COUNT = 2;

interface DemoReport {
  hourly: FootfallByPeriod;
  returning: ReturningVisitors;
  dwell: DwellDistribution;
  paths: TopPaths;
}

function printReport(r: DemoReport, plan: StorePlan, people: number): void {
  console.log('\nFootfall per hour (site demo-store, local time)');
  console.log('hour                unique visitors  visits  returning');
  for (const b of r.hourly.buckets) {
    console.log(
      `${b.period.padEnd(19)} ${String(b.visitors).padStart(15)} ${String(b.visits).padStart(7)} ${String(b.returningVisits).padStart(10)}`,
    );
  }
  const row = (name: string, reported: number | string, truth: number | string) =>
    console.log(`${name.padEnd(18)}${String(reported).padStart(9)} ${String(truth).padStart(6)}`);
  console.log('\n                   reported   true');
  row('unique visitors', r.hourly.totals.visitors, people);
  row('visits', r.hourly.totals.visits, plan.visits);
  row('returning visits', r.returning.returningVisits, plan.returning);
  console.log(
    `median dwell ${(r.dwell.medianS / 60).toFixed(1)} min; top path ${r.paths.paths[0]?.path.join(' → ') ?? '–'}; visit rules ${r.hourly.rulesVersions.join(', ')}`,
  );
}

export async function runDemo(opts: DemoOptions): Promise<void> {
  // The embedded defaults whatever the environment says (the demo needs no services), in the data
  // folder and on the port other commands use. It wipes only its own sub-folder: a demo starts
  // from an empty store, and REVISIT_DATA_DIR may hold a real one.
  const env = placementEnv();
  const dataDir = resolve(loadConfig({ dataDir: opts.dataDir }, env).dataDir, 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  const { key: apiKey } = generateApiKey();
  // Its data go with its next run, so it seals them with a key of its own, never the user's key file.
  const config = loadConfig(
    {
      dataDir,
      encryption: generateEncryptionKeys(),
      privacy: { minCount: DEMO_MIN_COUNT },
      sites: [
        { id: 'demo-store', name: 'Demo store', tenant: DEMO_TENANT, timezone: 'UTC', simulated: true },
        ...CHAIN_STORES.map((c) => c.site),
      ],
      api: { port: opts.port, keys: [{ tenant: DEMO_TENANT, sha256: hashApiKey(apiKey) }] },
    },
    env,
  );
  const site = config.sites[0];
  const random = seededRandom(opts.seed);

  const runtime = await openRuntime(config);
  try {
    console.log(`simulating ${HISTORY_DAYS} days of ${CHAIN_STORES.map((c) => c.site.name).join(' and ')}...`);
    const history = createProgressBar('history', 'sightings', '{store}');
    let current = '';
    await seedDemoChain(runtime, opts.seed, (store, done, total) => {
      if (store !== current) {
        if (current) history.stop();
        history.start(total, 0, { store });
        current = store;
      }
      history.update(done, { store });
    });
    history.stop();
    await runRealPhotoDays(runtime, site, random, opts, apiKey);
  } finally {
    await runtime.close();
  }
}

/** The demo store: two days of visits by the people in the sample photos, each sighting a real face through the face pipeline. */
async function runRealPhotoDays(
  runtime: Runtime,
  site: SiteConfig,
  random: Random,
  opts: DemoOptions,
  apiKey: string,
): Promise<void> {
  const { config } = runtime;
  const worker = await startReidWorker(runtime);
  const pipeline = await FacePipeline.load();
  try {
    console.log('finding the demo visitors in the sample photos...');
    const people = await findDemoPeople(pipeline, await fetchDemoPhotos());
    const firstDayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
    const plan = planStoreVisits(people.length, 2, firstDayMs, random);
    console.log(
      `${people.length} visitors, ${plan.visits} visits (${plan.returning} returning on day 2), ${plan.sightings.length} camera sightings`,
    );

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
        await publisher.publish([
          buildObservation(face, {
            siteId: site.id,
            cameraId: s.cameraId,
            trackId,
            tStartMs: s.tMs,
            tEndMs: s.tMs + 4000,
          }),
        ]);
      }
      bar.update(i + 1, { faces, rate: ratePerSecond(i + 1, started) });
    }
    bar.stop();
    // The demo's cameras vouch for both days: their quiet hours are real zeros, not gaps.
    const beats = plannedHeartbeats({
      siteId: site.id,
      fromMs: firstDayMs,
      toMs: firstDayMs + 2 * DAY_MS,
      cameras: DEMO_CAMERAS,
    });
    await runtime.bus.publish(
      config.topics.heartbeats,
      beats.map((h) => ({ key: h.siteId, value: encodeCameraHeartbeat(h, messageLimits(config)) })),
    );
    await worker.drain();

    const from = new Date(firstDayMs).toISOString().slice(0, 10);
    const lastDay = new Date(firstDayMs + DAY_MS).toISOString().slice(0, 10);
    const to = new Date(firstDayMs + 2 * DAY_MS).toISOString().slice(0, 10);
    const range = { siteId: site.id, timeZone: site.timezone, from, to, entranceCameras: site.entranceCameras };
    const [hourly, returning, dwell, paths] = await Promise.all([
      queryFootfall(runtime.clickhouse, range, 'hour'),
      queryReturningVisitors(runtime.clickhouse, range),
      queryDwellDistribution(runtime.clickhouse, range),
      queryTopPaths(runtime.clickhouse, range, 1),
    ]);
    printReport({ hourly, returning, dwell, paths }, plan, people.length);

    if (opts.serve) {
      const api = await serveApi({ config, clickhouse: runtime.clickhouse });
      console.log(`\nDashboard: ${api.url}/?site=${site.id}&from=${from}&to=${lastDay}`);
      console.log(
        `All stores: ${api.url}/?view=chain (the chain's ${HISTORY_DAYS} days are simulated, and labelled so)`,
      );
      console.log(
        `  (the figures above are the operator's; the dashboard hides counts under ${DEMO_MIN_COUNT}, privacy.minCount of this demo, default 5)`,
      );
      console.log(`API key (this demo only): ${apiKey}`);
      console.log(
        `  curl -H 'Authorization: Bearer ${apiKey}' '${api.url}/api/v1/sites/${site.id}/reports/footfall?from=${from}&to=${to}&granularity=hour'`,
      );
      console.log('Ctrl-C stops the demo.');
      await untilSignal();
      await api.close();
    }
  } finally {
    await worker.stop();
    await pipeline.close();
  }
}
