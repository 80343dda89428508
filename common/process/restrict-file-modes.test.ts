import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateDir } from './restrict-file-modes.ts';

const mode = (path: string) => statSync(path).mode & 0o7777;

test('a data directory is created 0700, and one left open is closed', () => {
  const root = mkdtempSync(join(tmpdir(), 'revisit-private-'));
  makePrivateDir(join(root, 'new', 'data'));
  assert.equal(mode(join(root, 'new', 'data')), 0o700);
  mkdirSync(join(root, 'open'), { mode: 0o755 });
  chmodSync(join(root, 'open'), 0o755);
  makePrivateDir(join(root, 'open'));
  assert.equal(mode(join(root, 'open')), 0o700);
});

test('a shared directory like /tmp is refused, not closed to everyone', () => {
  const shared = join(mkdtempSync(join(tmpdir(), 'revisit-private-')), 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  assert.throws(
    () => makePrivateDir(shared),
    /is a shared directory \(sticky bit, like \/tmp\): give Revisit a directory of its own/,
  );
  assert.equal(mode(shared), 0o1777);
});
