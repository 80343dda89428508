// Embedded mode as one process: `revisit serve` owns the data directory and runs two configured
// cameras (a video file, and a live stream that runs as long as serve does) with the worker and
// the API; while it ingests, the dashboard and the API answer, and `revisit report` and
// `revisit forget` run against it at the same time through its socket instead of opening the
// directory (which would fail on its locks).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey, hashApiKey } from '../../analytics-api/keys/api-key-string.ts';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { makeFaceVideo } from '../fixtures/make-face-video.ts';
import { personImages } from '../harness/faces-dir.ts';
import { serveLiveStream, type LiveStream } from '../harness/serve-live-stream.ts';
import { isolatedEnv, metricSum, startRevisitProcess, untilAnswer } from '../harness/start-revisit-process.ts';
import { startServeProcess, type ServeProcess } from '../harness/start-serve-process.ts';

const SITE = 'corner-shop';
const ended = (camera: string) =>
  new RegExp(
    `"camera":"${camera}"[^\\n]*"msg":"camera source ended"|"msg":"camera source ended"[^\\n]*"camera":"${camera}"`,
  );

let dir: string;
let serve: ServeProcess | undefined;
let live: LiveStream | undefined;
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
  live = await serveLiveStream(videos[1]);
  const keysFile = join(dir, 'secrets', 'keys.json');
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      sites: [{ id: SITE, name: 'Corner shop', tenant: 'corner' }],
      cameras: [
        { site: SITE, camera: 'cam-0', source: videos[0] },
        { site: SITE, camera: 'cam-1', source: live.url },
      ],
      api: { port: await findFreePort(), keys: [{ tenant: 'corner', sha256: hashApiKey(key), role: 'viewer' }] },
      bi: { port: 'off' },
      encryption: { keysFile },
    }),
  );
  writeFileSync(join(dir, 'stranger.json'), JSON.stringify(Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0))));
  env = isolatedEnv(dir, config);
});

after(async () => {
  await serve?.stop();
  live?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('one serve runs two cameras, the worker and the API; report and forget run against it while it ingests', {
  timeout: 240_000,
}, async (t) => {
  serve = await startServeProcess(env);
  const { apiUrl } = serve;
  const socket = join(dir, 'data', 'revisit.sock');
  assert.ok(statSync(socket).isSocket(), 'the owner listens on the data directory');
  assert.equal(statSync(socket).mode & 0o777, 0o600, "the socket is its user's alone");

  // While the cameras run: the dashboard and a report answer.
  assert.equal((await fetch(`${apiUrl}/`)).status, 200, 'the dashboard answers');
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const footfall = await fetch(`${apiUrl}/api/v1/sites/${SITE}/reports/footfall?from=${today}&to=${tomorrow}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(footfall.status, 200, await footfall.clone().text());

  // Both cameras publish: the file to its end, the live stream for as long as serve runs.
  await serve.waitForOutput(ended('cam-0'), 120_000);
  const cam0 = JSON.parse(
    serve
      .output()
      .split('\n')
      .find((l) => ended('cam-0').test(l))!,
  );
  assert.ok(cam0.observations > 0, `the file camera published observations (${cam0.frames} frames)`);
  const observed = (status: number, body: string) =>
    status === 200 && metricSum(body, 'revisit_ingest_observations_total', 'camera="cam-1"') > 0;
  const before = await untilAnswer(`${apiUrl}/metrics`, observed, 120_000);
  const framesBefore = metricSum(before, 'revisit_ingest_frames_total', 'camera="cam-1"');
  // The file camera vouched for the frames it analysed (its last heartbeat goes at its end): stored, not silent.
  const vouched = new RegExp(`^revisit_camera_silent\\{site="${SITE}",camera="cam-0"\\} 0$`, 'm');
  await untilAnswer(`${apiUrl}/metrics`, (status, body) => status === 200 && vouched.test(body), 60_000);

  // report and forget at the same time, while serve ingests and holds the directory's locks.
  const out = join(dir, 'digest.pdf');
  const report = startRevisitProcess(['report', '--site', SITE, '--date', today, '--out', out, '--json'], env);
  const forget = startRevisitProcess(
    ['forget', '--site', SITE, '--embedding', join(dir, 'stranger.json'), '--json'],
    env,
  );
  const [reportCode, forgetCode] = await Promise.all([report.exited, forget.exited]);
  assert.equal(reportCode, 0, report.output());
  assert.equal(readFileSync(out).subarray(0, 5).toString(), '%PDF-', 'the digest came from the running serve');
  const digest = JSON.parse(
    report
      .output()
      .split('\n')
      .find((l) => l.startsWith('{"file"'))!,
  );
  assert.deepEqual([digest.file, digest.coverage.partial], [out, true], 'today is not over: the digest says partial');
  assert.equal(forgetCode, 0, forget.output());
  const erased = JSON.parse(
    forget
      .output()
      .trim()
      .split('\n')
      .find((l) => l.startsWith('{'))!,
  );
  assert.equal(erased.siteId, SITE);
  assert.equal(erased.disk.complete, true, 'the registry was rewritten on disk');
  assert.doesNotMatch(serve.output(), ended('cam-1'), 'the live camera was still running');
  const after = await untilAnswer(
    `${apiUrl}/metrics`,
    (status, body) => status === 200 && metricSum(body, 'revisit_ingest_frames_total', 'camera="cam-1"') > framesBefore,
    60_000,
  );
  t.diagnostic(
    `cam-0: ${cam0.frames} frames, ${cam0.observations} observations; cam-1 (live): ${metricSum(after, 'revisit_ingest_frames_total', 'camera="cam-1"')} frames, ${metricSum(after, 'revisit_ingest_observations_total', 'camera="cam-1"')} observations so far`,
  );

  // A camera worker started by hand publishes through the owner too.
  const face = personImages('faces94_subset', 'anpage')[0];
  const ingest = startRevisitProcess(['ingest', '--site', SITE, '--camera', 'door', '--source', face], env);
  assert.equal(await ingest.exited, 0, ingest.output());
  assert.match(ingest.output(), /1 observations published/);
  assert.match(ingest.output(), /"via":"embedded owner"/);
  assert.equal(existsSync(join(dir, 'data', 'clickhouse', 'status')), true, 'the one store is the owner’s');
});
