// `revisit scheduler` as an operator runs it in a distributed deployment: its own process, only
// its own environment, the shared ClickHouse (chdb behind the test HTTP front). It catches up the
// day's digest at start and writes the PDF; its probes answer, and /readyz turns 503 naming
// clickhouse when the store goes away. (distributed-deployment.test.ts covers the other services.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { startChdbHttpServer, type ChdbHttpServer } from '../harness/chdb-http-server.ts';
import {
  isolatedEnv,
  startRevisitProcess,
  untilAnswer,
  type RevisitProcess,
} from '../harness/start-revisit-process.ts';

let dir: string;
let clickhouse: ChdbHttpServer | undefined;
let scheduler: RevisitProcess | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-scheduler-'));
  clickhouse = await startChdbHttpServer();
});

after(async () => {
  await scheduler?.stop();
  await clickhouse?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the PDFs under `folder` once there is one; rejects after `timeoutMs`. */
async function untilPdf(folder: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pdfs = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.pdf')) : [];
    if (pdfs.length) return pdfs.map((f) => join(folder, f));
    if (Date.now() > deadline)
      throw new Error(`no digest in ${folder} within ${timeoutMs} ms:\n${scheduler?.output()}`);
    await sleep(500);
  }
}

test('the scheduler process delivers the due digest from the shared ClickHouse, and its probes follow the store', async () => {
  const config = join(dir, 'revisit.json');
  writeFileSync(
    config,
    JSON.stringify({
      sites: [{ id: 'store-a', name: 'Store A', timezone: 'Europe/Berlin' }],
      clickhouse: { url: clickhouse!.url },
      // A daily digest at local midnight: whatever time the test runs, today's run is due at start.
      digests: {
        schedules: [{ site: 'store-a', period: 'day', cron: '0 0 * * *', deliver: [{ kind: 'folder', dir: 'inbox' }] }],
      },
    }),
  );
  const home = join(dir, 'home');
  const port = await findFreePort();
  scheduler = startRevisitProcess(['scheduler'], isolatedEnv(home, config, { REVISIT_METRICS_PORT: String(port) }));
  const probes = `http://127.0.0.1:${port}`;

  const [pdf] = await untilPdf(join(home, 'data', 'digests', 'inbox', 'store-a'), 120_000);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString('latin1'), '%PDF-', `${pdf} is a PDF`);
  assert.match(pdf, /digest-store-a-day-\d{4}-\d{2}-\d{2}\.pdf$/);

  await untilAnswer(`${probes}/healthz`, (status) => status === 200, 30_000);
  const ready = JSON.parse(await untilAnswer(`${probes}/readyz`, (status) => status === 200, 30_000));
  assert.deepEqual(ready.checks, { clickhouse: 'ok' });
  const metrics = await untilAnswer(`${probes}/metrics`, (status) => status === 200, 5000);
  assert.match(metrics, /^revisit_digest_deliveries_total\{site="store-a",status="sent"\} 1$/m);

  await clickhouse!.stop();
  clickhouse = undefined;
  const notReady = await untilAnswer(`${probes}/readyz`, (status) => status === 503, 30_000);
  assert.deepEqual(JSON.parse(notReady).checks, { clickhouse: 'unavailable' });
  assert.equal(scheduler.child.exitCode, null, 'the scheduler keeps running while the store is away');
});
