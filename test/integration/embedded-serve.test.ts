// Embedded mode as one process: `revisit serve` owns the data directory and runs two configured
// cameras (video files made at test time) with the worker and the API; while it ingests, the
// dashboard and the API answer, and `revisit report` and `revisit forget` run against it at the
// same time through its socket instead of opening the directory (which would fail on its locks).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey, hashApiKey } from '../../analytics-api/keys/api-key-string.ts';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { makeFaceVideo } from '../fixtures/make-face-video.ts';
import { personImages } from '../harness/faces-dir.ts';
import { startRevisitProcess, type RevisitProcess } from '../harness/start-revisit-process.ts';

const SITE = 'corner-shop';

let dir: string;
let serve: RevisitProcess | undefined;
let env: Record<string, string>;
const { key } = generateApiKey();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-embedded-serve-'));
  // Two cameras, each a different person walking past, twice, with empty stretches between.
  const videos = await Promise.all(
    ['anpage', 'asamma'].map(async (person, i) => {
      const video = join(dir, `camera-${i}.mp4`);
      const face = personImages('faces94_subset', person)[0];
      await makeFaceVideo(video, [
        { images: [face], seconds: 3, motion: 'pan' },
        { images: [], seconds: 1, motion: 'empty' },
        { images: [face], seconds: 3, motion: 'pan' },
      ]);
      return video;
    }),
  );
  const keysFile = join(dir, 'secrets', 'keys.json');
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      sites: [{ id: SITE, name: 'Corner shop', tenant: 'corner' }],
      cameras: videos.map((source, i) => ({ site: SITE, camera: `cam-${i}`, source })),
      api: { port: await findFreePort(), keys: [{ tenant: 'corner', sha256: hashApiKey(key), role: 'viewer' }] },
      bi: { port: 'off' },
      encryption: { keysFile },
    }),
  );
  writeFileSync(join(dir, 'stranger.json'), JSON.stringify(Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0))));
  env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, REVISIT_CONFIG: config, REVISIT_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info', OMP_NUM_THREADS: '1' };
});

after(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('one serve runs two cameras, the worker and the API; report and forget run against it meanwhile', { timeout: 240_000 }, async (t) => {
  serve = startRevisitProcess(['serve'], env);
  const started = await untilOutput(serve, /dashboard and API on (\S+)/, 120_000);
  const apiUrl = /dashboard and API on (\S+)/.exec(started)![1];
  const socket = join(dir, 'data', 'revisit.sock');
  assert.ok(statSync(socket).isSocket(), 'the owner listens on the data directory');
  assert.equal(statSync(socket).mode & 0o777, 0o600, "the socket is its user's alone");

  // While the cameras run: the dashboard and a report answer.
  assert.equal((await fetch(`${apiUrl}/`)).status, 200, 'the dashboard answers');
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const footfall = await fetch(`${apiUrl}/api/v1/sites/${SITE}/reports/footfall?from=${today}&to=${tomorrow}`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(footfall.status, 200, await footfall.clone().text());

  // The cameras' observations become sightings in this process (its log says so at info).
  await untilOutput(serve, /"msg":"camera source ended".*"camera":"cam-0"|"camera":"cam-0".*"msg":"camera source ended"/, 120_000);
  await untilOutput(serve, /"msg":"camera source ended".*"camera":"cam-1"|"camera":"cam-1".*"msg":"camera source ended"/, 120_000);
  const ended = serve.output().split('\n').filter((l) => l.includes('camera source ended'));
  const observations = ended.map((l) => JSON.parse(l).observations as number);
  t.diagnostic(`camera runs: ${ended.map((l) => { const e = JSON.parse(l); return `${e.camera}: ${e.frames} frames, ${e.observations} observations`; }).join('; ')}`);
  assert.ok(observations.every((n) => n > 0), 'both cameras published observations');

  // report and forget at the same time, while serve holds the directory's locks.
  const out = join(dir, 'digest.pdf');
  const report = startRevisitProcess(['report', '--site', SITE, '--date', today, '--out', out], env);
  const forget = startRevisitProcess(['forget', '--site', SITE, '--embedding', join(dir, 'stranger.json'), '--json'], env);
  const [reportCode, forgetCode] = await Promise.all([report.exited, forget.exited]);
  assert.equal(reportCode, 0, report.output());
  assert.equal(readFileSync(out).subarray(0, 5).toString(), '%PDF-', 'the digest came from the running serve');
  assert.equal(forgetCode, 0, forget.output());
  const erased = JSON.parse(forget.output().trim().split('\n').find((l) => l.startsWith('{'))!);
  assert.equal(erased.siteId, SITE);
  assert.equal(erased.disk.complete, true, 'the registry was rewritten on disk');

  // A camera worker started by hand publishes through the owner too.
  const ingest = startRevisitProcess(['ingest', '--site', SITE, '--camera', 'door', '--source', personImages('faces94_subset', 'anpage')[0]], env);
  assert.equal(await ingest.exited, 0, ingest.output());
  assert.match(ingest.output(), /1 observations published/);
  assert.match(ingest.output(), /"via":"embedded owner"/);
  assert.equal(existsSync(join(dir, 'data', 'clickhouse', 'status')), true, 'the one store is the owner’s');
});

async function untilOutput(p: RevisitProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(p.output());
    if (match) return p.output();
    if (p.child.exitCode !== null || Date.now() > deadline) assert.fail(`no ${pattern} from revisit ${p.child.spawnargs.slice(2).join(' ')}:\n${p.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
