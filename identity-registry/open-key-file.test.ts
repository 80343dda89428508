import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEncryptionKeys, KeyFileError, openKeyFile } from './open-key-file.ts';
import { loadCentroidCipher } from './load-encryption-keys.ts';

function place() {
  const root = mkdtempSync(join(tmpdir(), 'revisit-keyfile-'));
  return { root, dataDir: join(root, 'data'), keysFile: join(root, 'config', 'revisit', 'keys.json') };
}

const mode = (path: string) => statSync(path).mode & 0o777;

test('a key file is created once, 0600 in a 0700 directory, and read back the same', () => {
  const { dataDir, keysFile } = place();
  const first = openKeyFile(keysFile, dataDir);
  assert.equal(mode(keysFile), 0o600);
  assert.equal(mode(join(keysFile, '..')), 0o700);
  assert.equal(Buffer.from(first.keys[first.activeKeyId], 'base64').length, 32);
  assert.deepEqual(openKeyFile(keysFile, dataDir), first);
  assert.equal(existsSync(dataDir), false, 'nothing is written into the data directory');
});

test('a key file open to group or others is refused, naming the file and the fix', () => {
  const { dataDir, keysFile } = place();
  openKeyFile(keysFile, dataDir);
  chmodSync(keysFile, 0o644);
  assert.throws(
    () => openKeyFile(keysFile, dataDir),
    (err: unknown) =>
      err instanceof KeyFileError &&
      err.message === `key file ${keysFile} is open to group or others (mode 0644): run chmod 600 ${keysFile}`,
  );
  chmodSync(keysFile, 0o620);
  assert.throws(() => openKeyFile(keysFile, dataDir), /mode 0620/);
});

test('a key file inside the data directory is refused, also through a symlink', () => {
  const { root, dataDir } = place();
  assert.throws(
    () => openKeyFile(join(dataDir, 'keys.json'), dataDir),
    (err: unknown) =>
      err instanceof KeyFileError &&
      /is inside the data directory/.test(err.message) &&
      /REVISIT_KEYS_FILE/.test(err.message),
  );
  assert.throws(() => openKeyFile(join(dataDir, 'sub', 'k.json'), dataDir), /inside the data directory/);
  mkdirSync(dataDir);
  symlinkSync(join(dataDir), join(root, 'alias'));
  assert.throws(() => openKeyFile(join(root, 'alias', 'keys.json'), dataDir), /inside the data directory/);
  assert.doesNotThrow(
    () => openKeyFile(join(root, 'data-keys', 'keys.json'), dataDir),
    'a sibling with a common prefix is outside',
  );
});

test("an older version's dataDir/keys.json is moved to the key file, so its data keeps opening", () => {
  const { dataDir, keysFile } = place();
  mkdirSync(dataDir);
  const legacy = generateEncryptionKeys();
  writeFileSync(join(dataDir, 'keys.json'), JSON.stringify(legacy), { mode: 0o644 });
  assert.deepEqual(openKeyFile(keysFile, dataDir), legacy);
  assert.equal(existsSync(join(dataDir, 'keys.json')), false);
  assert.equal(mode(keysFile), 0o600);
  assert.deepEqual(JSON.parse(readFileSync(keysFile, 'utf8')), legacy);
});

test('a legacy key file whose keys the key file already holds is removed; one with other keys stops the start', () => {
  const { dataDir, keysFile } = place();
  mkdirSync(dataDir);
  const current = openKeyFile(keysFile, dataDir);
  writeFileSync(join(dataDir, 'keys.json'), JSON.stringify(current));
  assert.deepEqual(openKeyFile(keysFile, dataDir), current);
  assert.equal(existsSync(join(dataDir, 'keys.json')), false);

  writeFileSync(join(dataDir, 'keys.json'), JSON.stringify(generateEncryptionKeys()));
  assert.throws(
    () => openKeyFile(keysFile, dataDir),
    (err: unknown) =>
      err instanceof KeyFileError &&
      /holds keys that .* does not/.test(err.message) &&
      /a path of its own/.test(err.message),
  );
  assert.ok(existsSync(join(dataDir, 'keys.json')), 'kept: it is the only key to that data');
});

test('a malformed key file gets a clear error', () => {
  const { dataDir, keysFile } = place();
  mkdirSync(join(keysFile, '..'), { recursive: true });
  writeFileSync(keysFile, JSON.stringify({ activeKeyId: 'k9', keys: { k1: 'AAAA' } }), { mode: 0o600 });
  assert.throws(() => openKeyFile(keysFile, dataDir), /is not a key file: .*activeKeyId names no key/);
  writeFileSync(keysFile, '{');
  assert.throws(() => openKeyFile(keysFile, dataDir), /cannot read key file/);
});

test('configured keys need no key file; neither keys nor a key file location is an error', () => {
  const { dataDir, keysFile } = place();
  const keys = generateEncryptionKeys();
  const cipher = loadCentroidCipher({ dataDir, encryption: { ...keys, keysFile } });
  assert.equal(cipher.keyId, 'k1');
  assert.equal(existsSync(keysFile), false);
  assert.throws(
    () => loadCentroidCipher({ dataDir, encryption: {} }),
    /no encryption keys: set REVISIT_ENCRYPTION_KEYS, or REVISIT_KEYS_FILE/,
  );
});
