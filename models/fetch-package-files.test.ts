/** Checks the pinned-package fetcher against the real registry: idempotence and checksum refusals. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ChecksumError, fetchModels, fetchPackageFiles, manifest, modelPath, sha256File } from './index.ts';

const scratch = await mkdtemp(join(tmpdir(), 'revisit-fetch-test-'));
after(() => rm(scratch, { recursive: true, force: true }));

const { package: pkg, version, integrity } = manifest.source;
const landmark = manifest.models.find((m) => m.role === 'landmark')!;

test('fetchModels leaves every model with its manifest sha256, and a second run downloads nothing', async () => {
  await fetchModels();
  const again = await fetchModels();
  assert.equal(again.downloaded, false);
  assert.deepEqual(new Set(again.files.map((f) => f.status)), new Set(['present']));
  for (const m of manifest.models) assert.equal(await sha256File(modelPath(m.role)), m.sha256);
});

test('a file whose sha256 differs from the pin is refused and not left behind', async () => {
  const dest = join(scratch, 'bad-sha');
  const wrong = { path: landmark.path, sha256: '0'.repeat(64) };
  await assert.rejects(fetchPackageFiles({ package: pkg, version, integrity, files: [wrong] }, dest), (err: Error) => {
    return err instanceof ChecksumError && err.message.includes(landmark.path);
  });
  assert.deepEqual(existsSync(dest) ? await readdir(dest) : [], []);
});

test('a tarball whose integrity differs from the pin is refused before extraction', async () => {
  const dest = join(scratch, 'bad-integrity');
  const badIntegrity = `sha512-${Buffer.alloc(64).toString('base64')}`;
  const files = [{ path: landmark.path, sha256: landmark.sha256 }];
  await assert.rejects(
    fetchPackageFiles({ package: pkg, version, integrity: badIntegrity, files }, dest),
    /checksum mismatch for tarball/,
  );
  assert.equal(existsSync(join(dest, landmark.name)), false);
});
