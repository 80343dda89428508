// The revisit command as scripts use it: exit codes, --json on every command that reports, --version, clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const CLI = new URL('../../bin/revisit.js', import.meta.url).pathname;

/** Runs the CLI; resolves with its exit code and output whatever the code. */
async function revisit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [CLI, ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function workspace(config: Record<string, unknown>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-cli-'));
  const file = join(dir, 'revisit.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      sites: [{ id: 'shop', name: 'Shop', timezone: 'Europe/Berlin' }],
      ...config,
    }),
  );
  return { REVISIT_CONFIG: file, XDG_CONFIG_HOME: join(dir, 'xdg') };
}

test('--version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const r = await revisit(['--version']);
  assert.deepEqual([r.code, r.stdout.trim()], [0, version]);
});

test('config check: the effective configuration and exit 0, or every mistake and exit 1; --json either way', async () => {
  const good = await revisit(['config', 'check', '--json'], workspace({ metrics: { token: 'a-secret-token-of-16+' } }));
  assert.equal(good.code, 0);
  const body = JSON.parse(good.stdout);
  assert.equal(body.ok, true);
  assert.equal(body.config.sites[0].timezone, 'Europe/Berlin');
  assert.equal(body.config.metrics.token, '***', 'secrets are masked');

  const bad = await revisit(
    ['config', 'check'],
    workspace({
      site: [],
      sites: [{ id: 'shop', name: 'Shop', timezone: 'Europe/Berln' }],
      digests: { schedules: [{ site: 'shop', cron: 'every morning', deliver: [{ kind: 'folder' }] }] },
    }),
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /site: unknown setting \(did you mean "sites"\?\)/);
  assert.match(bad.stderr, /sites\.0\.timezone: unknown IANA time zone "Europe\/Berln"/);
  assert.match(bad.stderr, /digests\.schedules\.0\.cron: not a cron expression/);
  const badJson = JSON.parse((await revisit(['config', 'check', '--json'], workspace({ site: [] }))).stdout);
  assert.deepEqual([badJson.ok, badJson.errors], [false, ['site: unknown setting (did you mean "sites"?)']]);
});

test('ingest: a file that is no image exits 1 and says nothing was ingested; --json gives the outcome', async () => {
  const env = workspace({});
  const dir = mkdtempSync(join(tmpdir(), 'revisit-cli-src-'));
  writeFileSync(join(dir, 'notes.jpg'), 'not an image');
  const r = await revisit(
    ['ingest', '--site', 'shop', '--camera', 'door', '--source', join(dir, 'notes.jpg'), '--json'],
    env,
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr, /revisit: nothing ingested from .*notes\.jpg/);
  const outcome = JSON.parse(r.stdout);
  assert.equal(outcome.published, 0);
  assert.match(outcome.skipped[0].reason, /cannot decode image/);
  assert.match(r.stderr, /ingest .*1\/1 images/, 'progress is printed as lines when stderr is not a terminal');

  writeFileSync(join(dir, 'clip.mp4'), 'not a video');
  const video = await revisit(['ingest', '--site', 'shop', '--camera', 'door', '--source', join(dir, 'clip.mp4')], env);
  assert.equal(video.code, 1);
  assert.match(
    video.stderr,
    /^revisit: .*clip\.mp4.*Invalid data found when processing input/m,
    "ffmpeg's reason in one line",
  );
  assert.doesNotMatch(video.stderr, /\n\s+at /, 'no stack trace');
});

test('report: a future period is refused (exit 1); a period with no data writes a PDF that says so; --json', async () => {
  const env = workspace({});
  const future = await revisit(['report', '--site', 'shop', '--date', '2099-01-01'], env);
  assert.equal(future.code, 1);
  assert.match(future.stderr, /has not begun/);
  const out = join(mkdtempSync(join(tmpdir(), 'revisit-cli-pdf-')), 'd.pdf');
  const r = await revisit(['report', '--site', 'shop', '--date', '2026-01-05', '--out', out, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const body = JSON.parse(r.stdout);
  assert.deepEqual([body.file, body.coverage.noData, body.comparison.complete], [out, true, false]);
  assert.match(r.stderr, /no data for Monday, 5 January 2026/);
  assert.equal(readFileSync(out).subarray(0, 5).toString(), '%PDF-');
});

test('serve on a port in use: one clear line and exit 1, no EADDRINUSE stack', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = await revisit(['serve', '--port', String(port)], {
      ...workspace({ bi: { port: 0 } }),
      REVISIT_METRICS_PORT: '',
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`revisit: 127\\.0\\.0\\.1:${port} is already in use .*--port or REVISIT_API_PORT`),
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    blocker.close();
  }
});
