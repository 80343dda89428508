// No data is not zero: a simulated store whose cameras send heartbeats, with an outage of every camera for two hours
// and of one camera for two more. The API must show the outage as no coverage (null), quiet hours as 0, and refuse
// or label comparisons whose periods are not whole.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createApp } from '../../analytics-api/index.ts';
import { metricsRegistry } from '../../common/metrics.ts';
import { FileApiKeyStore } from '../../analytics-api/keys/file-api-key-store.ts';
import { addDays } from '../../simulator/plan-store-days.ts';
import { localDate, localMidnightMs } from '../../storage/visit-model/local-day.ts';
import { KEYS, startSeededDeployment, type SeededDeployment } from '../harness/seeded-store.ts';

const TZ = 'Europe/Berlin';
const HOUR = 3_600_000;
const DAYS = 4;
// seedSimulatedStore plans its days to end the day before yesterday: day(1) … day(4), day(5) is yesterday.
const today = localDate(Date.now(), TZ);
const day = (n: number) => addDays(today, -(DAYS + 2) + n);
const at = (date: string, hour: number) => localMidnightMs(date, TZ) + hour * HOUR;

let store: SeededDeployment;
let app: ReturnType<typeof createApp>;

before(async () => {
  store = await startSeededDeployment(
    {},
    {
      days: DAYS,
      heartbeats: {
        outages: [
          { fromMs: at(day(3), 10), toMs: at(day(3), 12) },
          { cameraIds: ['checkout'], fromMs: at(day(4), 14), toMs: at(day(4), 16) },
        ],
      },
    },
  );
  const keyStore = new FileApiKeyStore(join(store.runtime.config.dataDir, 'api-keys.json'));
  app = createApp({ config: store.runtime.config, clickhouse: store.runtime.clickhouse, keyStore });
});

after(async () => store?.close());

async function get(path: string) {
  const res = await app.request(path, { headers: { authorization: `Bearer ${KEYS.all}` } });
  return { status: res.status, body: await res.json() };
}

test('hours no camera watched are null with coverage 0, quiet watched hours are 0, hidden hours are listed as suppressed', async () => {
  const { status, body } = await get(`/api/v1/sites/s1/reports/footfall?from=${day(3)}&to=${day(4)}&granularity=hour`);
  assert.equal(status, 200);
  const buckets = body.report.buckets as Array<{
    period: string;
    visits: number | null;
    visitors: number | null;
    coverage: number | null;
  }>;
  assert.equal(buckets.length, 24, 'a full day axis: every hour, with data or not');
  const byHour = new Map(buckets.map((b, i) => [b.period, { ...b, i }]));
  for (const period of [`${day(3)} 10:00`, `${day(3)} 11:00`]) {
    const b = byHour.get(period)!;
    assert.equal(b.coverage, 0, `${period}: no camera reported`);
    assert.equal(b.visits, null, `${period}: no data, not zero`);
    assert.equal(b.visitors, null);
    assert.ok(!body.report.suppressed.includes(`/buckets/${b.i}/visits`), `${period}: a gap is not a hidden figure`);
  }
  const night = byHour.get(`${day(3)} 03:00`)!;
  assert.equal(night.coverage, 1, 'every camera reported at night');
  assert.equal(night.visits, 0, 'a closed store watched by every camera is a real zero');
  for (const pointer of (body.report.suppressed as string[]).filter((p) => p.startsWith('/buckets/'))) {
    const i = Number(pointer.split('/')[2]);
    assert.equal(buckets[i].coverage, 1, `a suppressed figure (${pointer}) lies in a watched hour`);
  }
  assert.ok(
    buckets.some((b, i) => (b.visits ?? 0) > 0 || body.report.suppressed.includes(`/buckets/${i}/visits`)),
    'the watched opening hours have visits (shown, or hidden for being few)',
  );
  assert.equal(body.coverage.noData, false);
  assert.ok(
    Math.abs(body.coverage.coverage - 22 / 24) < 0.01,
    `the day's coverage is 22 of 24 hours, got ${body.coverage.coverage}`,
  );
});

test('an hour one camera of five missed keeps its figures, with coverage 0.8', async () => {
  const { body } = await get(`/api/v1/sites/s1/reports/footfall?from=${day(4)}&to=${day(5)}&granularity=hour`);
  for (const period of [`${day(4)} 14:00`, `${day(4)} 15:00`]) {
    const b = body.report.buckets.find((x: { period: string }) => x.period === period);
    assert.equal(b.coverage, 0.8, period);
    assert.notEqual(
      b.visits === null && !body.report.suppressed.includes(`/buckets/${body.report.buckets.indexOf(b)}/visits`),
      true,
      `${period}: counted, not a gap`,
    );
  }
});

test('a day axis lists every day of the range, and days without any heartbeat are no data', async () => {
  const { body } = await get(`/api/v1/sites/s1/reports/footfall?from=${day(1)}&to=${day(6)}&granularity=day`);
  const days = body.report.buckets as Array<{ period: string; visits: number | null; coverage: number | null }>;
  assert.deepEqual(
    days.map((d) => d.period),
    [day(1), day(2), day(3), day(4), day(5)],
  );
  assert.equal(days[0].coverage, 1);
  assert.ok(days[2].coverage! < 1 && days[2].coverage! > 0.9, 'the day of the outage');
  assert.equal(days[4].coverage, 0, 'yesterday: the simulated cameras were off');
  assert.equal(days[4].visits, null);
  assert.equal(body.report.totals.visits !== null, true, 'the range has counted visits');
});

test('comparisons: refused against no data, against a period the cameras did not cover whole, and for a period not over', async () => {
  const noEarlier = await get(`/api/v1/sites/s1/reports/footfall?from=${day(1)}&to=${day(3)}&compare=previous`);
  assert.deepEqual([noEarlier.body.previous.complete, noEarlier.body.previous.reason], [false, 'previous_no_data']);
  assert.equal(noEarlier.body.previous.report.totals.visits, null, 'before the first data: no data, not 0');

  const whole = await get(`/api/v1/sites/s1/reports/returning?from=${day(3)}&to=${day(5)}&compare=previous`);
  assert.deepEqual(
    [whole.body.previous.from, whole.body.previous.to, whole.body.previous.complete, whole.body.previous.reason],
    [day(1), day(3), true, undefined],
    'two whole days before',
  );

  const overOutage = await get(`/api/v1/sites/s1/reports/returning?from=${day(4)}&to=${day(6)}&compare=previous`);
  assert.deepEqual([overOutage.body.previous.from, overOutage.body.previous.complete], [day(2), false]);
  assert.equal(
    overOutage.body.previous.reason,
    'previous_incomplete',
    'the outage of day 3 lies in the previous period',
  );

  const oneDay = await get(`/api/v1/sites/s1/reports/dwell?from=${day(3)}&to=${day(4)}&compare=previous`);
  assert.deepEqual(
    [oneDay.body.previous.from, oneDay.body.previous.to],
    [addDays(day(3), -7), addDays(day(4), -7)],
    'one day is compared with the same weekday last week',
  );
  assert.equal(oneDay.body.previous.reason, 'previous_no_data');

  const current = await get(`/api/v1/sites/s1/reports/footfall?from=${today}&to=${addDays(today, 1)}&compare=previous`);
  assert.equal(current.status, 200);
  assert.equal(current.body.coverage.partial, true, 'today is not over');
  assert.deepEqual([current.body.previous.complete, current.body.previous.reason], [false, 'current_partial']);
});

test('a period that has not begun is refused, not answered with zeros', async () => {
  const tomorrow = addDays(today, 1);
  const { status, body } = await get(`/api/v1/sites/s1/reports/footfall?from=${tomorrow}&to=${addDays(tomorrow, 1)}`);
  assert.equal(status, 400);
  assert.equal(body.error.code, 'future_period');
  assert.match(body.error.message, /has not begun/);
});

test('cameras silent longer than configured are flagged', async () => {
  const { status, body } = await get('/api/v1/sites/s1/cameras');
  assert.equal(status, 200);
  assert.deepEqual(body.cameras.map((c: { cameraId: string }) => c.cameraId).sort(), [
    'checkout',
    'entrance',
    'zone-a',
    'zone-b',
    'zone-c',
  ]);
  assert.ok(
    body.cameras.every(
      (c: { silent: boolean; lastHeartbeatMs: number }) => c.silent && c.lastHeartbeatMs === at(day(DAYS + 1), 0),
    ),
    'the simulated cameras stopped two days ago',
  );
  assert.equal(
    (await get('/api/v1/sites/s2/cameras')).body.cameras.length,
    0,
    'a site without heartbeats lists no camera',
  );
  // /metrics says the same, read from storage at scrape time.
  const metrics = await metricsRegistry.metrics();
  for (const camera of ['entrance', 'checkout'])
    assert.match(metrics, new RegExp(`^revisit_camera_silent\\{site="s1",camera="${camera}"\\} 1$`, 'm'));
  const seconds = /^revisit_camera_seconds_since_heartbeat\{site="s1",camera="entrance"\} (\S+)$/m.exec(metrics);
  assert.ok(seconds && Number(seconds[1]) > 24 * 3600, `seconds since the heartbeat of two days ago: ${seconds?.[1]}`);
});

test('the footfall chart draws the outage as a labelled gap', async () => {
  const { body } = await get(`/api/v1/sites/s1/charts/footfall?from=${day(3)}&to=${day(4)}&granularity=hour`);
  const gaps = body.layer[1].data.values as Array<{ period: string; note: string }>;
  assert.deepEqual(
    gaps.map((g) => g.period),
    ['10:00', '11:00'],
  );
  assert.ok(
    body.layer[0].data.values.every((v: { period: string }) => !['10:00', '11:00'].includes(v.period)),
    'no bar, not even a zero one, in the gap',
  );
  assert.match(JSON.stringify(body.title.subtitle), /no data: no camera was analysing then/);
  assert.match(body.description, /Footfall by hour/);
});

test('the digest PDF over the API: a covered day, a period not begun refused, another tenant answered as an unknown site', async () => {
  const pdf = await app.request(`/api/v1/sites/s1/digest?period=day&date=${day(3)}`, {
    headers: { authorization: `Bearer ${KEYS.all}` },
  });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.headers.get('content-disposition') ?? '', new RegExp(`digest-s1-day-${day(3)}\\.pdf`));
  assert.equal(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );

  const future = await get(`/api/v1/sites/s1/digest?period=week&date=${addDays(today, 8)}`);
  assert.deepEqual([future.status, future.body.error.code], [400, 'future_period']);

  const other = await app.request(`/api/v1/sites/s1/digest?period=day&date=${day(3)}`, {
    headers: { authorization: `Bearer ${KEYS.other}` },
  });
  assert.equal(other.status, 404);
});
