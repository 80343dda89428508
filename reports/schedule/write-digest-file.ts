/** Folder delivery on disk: inside the configured root only, never through a symlink, and never a half-written PDF. */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, join, sep } from 'node:path';

/**
 * Writes `<root>/<relDir>/<name>`: `relDir` comes from digestFolderPath (never leaves the root).
 * The root itself is the operator's and may be a link; below it, every directory is checked with
 * lstat (and created when missing) and any symlink refuses the write. The file goes to a temporary
 * name opened with O_EXCL|O_NOFOLLOW and is renamed into place, which replaces a link at the
 * final name instead of writing through it. Not covered: a process that can write inside the root
 * swapping a checked directory for a link during the write; keep the root private to Revisit.
 */
export function writeDigestFile(root: string, relDir: string, name: string, bytes: Uint8Array): string {
  if (basename(name) !== name || name.startsWith('.'))
    throw new Error(`not a plain file name: ${JSON.stringify(name)}`);
  mkdirSync(root, { recursive: true, mode: 0o750 });
  let dir = realpathSync(root);
  for (const part of relDir.split(sep).filter((p) => p && p !== '.')) {
    dir = join(dir, part);
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) mkdirSync(dir, { mode: 0o750 });
    else if (stat.isSymbolicLink()) throw new Error(`digest folder refused: ${dir} is a symbolic link`);
    else if (!stat.isDirectory()) throw new Error(`digest folder refused: ${dir} is not a directory`);
  }
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, target);
  return target;
}
