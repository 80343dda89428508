// What BI engines hide: the data directory, the key file's folder and the configuration file, each once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../common/config.ts';
import { hiddenPaths } from './open-bi-service.ts';

function layout() {
  const root = mkdtempSync(join(tmpdir(), 'revisit-hidden-'));
  const dataDir = join(root, 'data');
  const etc = join(root, 'etc');
  mkdirSync(dataDir);
  mkdirSync(etc);
  return { root, dataDir, etc };
}

test('the configuration file beside the key file is hidden with its folder, not on its own (a mount inside a covered folder fails)', () => {
  const { root, dataDir, etc } = layout();
  try {
    writeFileSync(join(etc, 'keys.json'), '{}');
    writeFileSync(join(etc, 'revisit.json'), '{}');
    const config = loadConfig({ dataDir, encryption: { keysFile: join(etc, 'keys.json') } }, {});
    assert.deepEqual(hiddenPaths(config, join(etc, 'revisit.json')), [dataDir, etc]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a configuration file of its own is hidden as a file, and one inside the data directory with it', () => {
  const { root, dataDir, etc } = layout();
  try {
    writeFileSync(join(root, 'revisit.json'), '{}');
    writeFileSync(join(dataDir, 'revisit.json'), '{}');
    const config = loadConfig({ dataDir, encryption: { keysFile: join(etc, 'keys.json') } }, {});
    assert.deepEqual(hiddenPaths(config, join(root, 'revisit.json')), [dataDir, etc, join(root, 'revisit.json')]);
    assert.deepEqual(hiddenPaths(config, join(dataDir, 'revisit.json')), [dataDir, etc]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
