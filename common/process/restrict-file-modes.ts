/** Files Revisit writes belong to its user alone: new files 0600, directories 0700, the data directory locked down. */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * From now on this process, and every child it spawns (the private redis-server), creates files
 * 0600 and directories 0700: the data directory holds sealed biometric data, API key hashes and
 * the registry's append-only file, which no other user of the machine has any business reading.
 */
export function restrictNewFileModes(): void {
  // The mask is process-wide; worker threads may not set it and need not.
  if (isMainThread) process.umask(0o077);
}

/**
 * Creates `dir` if needed and makes it 0700, also when an older version or a copy left it open.
 * A shared directory (sticky bit: /tmp) is refused rather than closed to every other user.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (statSync(dir).mode & 0o1000)
    throw new Error(`${dir} is a shared directory (sticky bit, like /tmp): give Revisit a directory of its own`);
  chmodSync(dir, 0o700);
}
