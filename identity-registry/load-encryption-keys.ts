/** Where the centroid keys come from: config, or a key file generated once for the embedded default. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { RevisitConfig } from '../common/config.ts';
import { CentroidCipher } from './centroid-cipher.ts';

interface KeyFile {
  activeKeyId: string;
  keys: Record<string, string>;
}

function readOrCreateKeyFile(path: string): KeyFile {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const file: KeyFile = { activeKeyId: 'k1', keys: { k1: randomBytes(32).toString('base64') } };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600 });
  return file;
}

/** Builds the cipher from `encryption.keys`, or from `dataDir/keys.json` (created on first use). */
export function loadCentroidCipher(config: Pick<RevisitConfig, 'encryption' | 'dataDir'>): CentroidCipher {
  const source: KeyFile = config.encryption.keys
    ? { keys: config.encryption.keys, activeKeyId: config.encryption.activeKeyId ?? Object.keys(config.encryption.keys)[0] }
    : readOrCreateKeyFile(join(config.dataDir, 'keys.json'));
  const keys = Object.fromEntries(Object.entries(source.keys).map(([kid, b64]) => [kid, Buffer.from(b64, 'base64')]));
  return new CentroidCipher(keys, source.activeKeyId);
}
