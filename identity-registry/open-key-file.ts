/** The key file: created once outside the data directory, private to its user, moved out of the data directory by older versions. */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { createLogger } from '../common/logger.ts';
import { keyFileSchema, type KeyFile } from '../schemas/key-file.schema.ts';

const logger = createLogger('key-file');

/** Where versions before the key file setting kept the generated key. */
const LEGACY_NAME = 'keys.json';

/** Raised when the key file cannot be used as it is; the message names the file and the fix. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/** One random AES-256 master key, active: a new key file's content, or the keys of a throwaway run (demo, simulation, tests). */
export function generateEncryptionKeys(): KeyFile {
  return { activeKeyId: 'k1', keys: { k1: randomBytes(32).toString('base64') } };
}

/**
 * Reads the key file at `path`, creating it (0600, in a 0700 directory) on first use. Refuses a
 * path inside `dataDir` and a file that group or others may read. A `keys.json` that an older
 * version generated inside `dataDir` is moved to `path` first, so its data keeps opening.
 */
export function openKeyFile(path: string, dataDir: string): KeyFile {
  const file = resolve(path);
  if (isInside(file, dataDir)) {
    throw new KeyFileError(
      `key file ${file} is inside the data directory ${resolve(dataDir)}: a copy or backup of the data would carry the key that opens it. ` +
        'Set REVISIT_KEYS_FILE (encryption.keysFile) to a path outside it',
    );
  }
  moveLegacyKeyFile(join(dataDir, LEGACY_NAME), file);
  if (!existsSync(file)) createKeyFile(file, generateEncryptionKeys());
  return readKeyFile(file);
}

function readKeyFile(file: string): KeyFile {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077)
    throw new KeyFileError(
      `key file ${file} is open to group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${file}`,
    );
  return parseKeyFile(file);
}

function parseKeyFile(file: string): KeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KeyFileError(`cannot read key file ${file}: ${(err as Error).message}`);
  }
  const parsed = keyFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new KeyFileError(
      `key file ${file} is not a key file: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * Creates `file` with `keys` unless it exists. Written whole to a temporary file, then linked
 * into place: a concurrent first start finds either no file or a complete one, and a link
 * never replaces a file another process created meanwhile (its keys may already seal data).
 */
function createKeyFile(file: string, keys: KeyFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(keys, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Moves an older version's `dataDir/keys.json` to the key file, or removes it when the key file already holds its keys. */
function moveLegacyKeyFile(legacy: string, file: string): void {
  if (!existsSync(legacy)) return;
  const old = parseKeyFile(legacy);
  if (!existsSync(file)) createKeyFile(file, old);
  const current = readKeyFile(file);
  const kept = Object.entries(old.keys).every(([kid, key]) => current.keys[kid] === key);
  if (!kept) {
    throw new KeyFileError(
      `${legacy} (written by an older version) holds keys that ${file} does not: the data of ${dirname(legacy)} is sealed with them. ` +
        `Set REVISIT_KEYS_FILE (encryption.keysFile) to a path of its own for this data directory; the file is moved there on the next start`,
    );
  }
  unlinkSync(legacy);
  logger.warn(
    { from: legacy, to: file },
    'moved the encryption key file out of the data directory: back it up apart from the data',
  );
}

/** With keys configured no key file is read; one left in the data directory by an older version is flagged, not used. */
export function warnOfLegacyKeyFile(dataDir: string): void {
  const legacy = join(dataDir, LEGACY_NAME);
  if (existsSync(legacy))
    logger.warn(
      { file: legacy },
      'an unused key file sits in the data directory (encryption.keys is set): move it away from the data or delete it',
    );
}

/** Whether `file` lies under `dir`, symlinks resolved as far as the paths exist. */
function isInside(file: string, dir: string): boolean {
  const rel = relative(canonical(dir), join(canonical(dirname(file)), basename(file)));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function canonical(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(canonical(parent), basename(absolute));
}
