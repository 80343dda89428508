/** Makes deletions reach Redis's disk: its append-only file, and its snapshot if it takes any, rewritten from what is left. */
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';

/** How removals reached the disk; never claims more than Redis confirmed. */
export interface DiskPurge {
  /** True when every file this Redis persists to was rewritten after the removals (or it persists nothing). */
  complete: boolean;
  /** What was rewritten, or what is missing and why. */
  detail: string;
}

const POLL_MS = 50;
/** A rewrite copies the whole dataset (~2.1 KB per identity): seconds for a million identities. */
const TIMEOUT_MS = 300_000;

type Info = Record<string, string>;

/**
 * Rewrites the append-only file (BGREWRITEAOF) and, when snapshots are configured, the RDB
 * file (BGSAVE), each started after this call and awaited until Redis reports it done and ok.
 * A rewrite replaces the old files: Redis 7 deletes the previous base and incremental files of
 * its multi-part AOF once the new manifest is written, and a snapshot replaces dump.rdb.
 * Replicas and copies elsewhere are out of reach (docs/operations.md).
 */
export async function rewriteRedisPersistence(redis: Redis, timeoutMs = TIMEOUT_MS): Promise<DiskPurge> {
  const deadline = Date.now() + timeoutMs;
  const done: string[] = [];
  if ((await persistenceInfo(redis)).aof_enabled === '1') {
    const failure = await runChildJob(redis, 'BGREWRITEAOF', 'aof_last_bgrewrite_status', deadline);
    if (failure) return { complete: false, detail: `append-only file not rewritten: ${failure}` };
    done.push('append-only file rewritten');
  }
  let savePoints: string;
  try {
    savePoints = ((await redis.config('GET', 'save')) as string[])[1] ?? '';
  } catch (err) {
    return {
      complete: false,
      detail: [
        ...done,
        `cannot tell whether Redis also writes snapshots (CONFIG GET save: ${(err as Error).message})`,
      ].join('; '),
    };
  }
  if (savePoints.trim() !== '') {
    const failure = await runChildJob(redis, 'BGSAVE', 'rdb_last_bgsave_status', deadline);
    if (failure) return { complete: false, detail: [...done, `snapshot not rewritten: ${failure}`].join('; ') };
    done.push('snapshot rewritten');
  }
  return { complete: true, detail: done.join('; ') || 'Redis keeps nothing on disk' };
}

/**
 * Runs one background job of Redis's fork child and waits for it. A job already running may
 * have forked before the removals (its file would keep them): it is waited out, then ours starts.
 * Returns null on success, else why not.
 */
async function runChildJob(
  redis: Redis,
  command: 'BGREWRITEAOF' | 'BGSAVE',
  statusField: string,
  deadline: number,
): Promise<string | null> {
  for (;;) {
    if (!(await idleChild(redis, deadline))) return 'Redis was still busy with another rewrite at the deadline';
    try {
      await redis.call(command);
      break;
    } catch (err) {
      const message = (err as Error).message;
      // Another process started a rewrite in between: wait for it and start ours after.
      if (!/in progress/i.test(message)) return `${command} refused: ${message}`;
      if (Date.now() >= deadline) return `${command} refused until the deadline: ${message}`;
      await sleep(POLL_MS);
    }
  }
  const info = await idleChild(redis, deadline);
  if (!info) return `${command} still running at the deadline`;
  return info[statusField] === 'ok'
    ? null
    : `${command} failed (${statusField}:${info[statusField]}; see the Redis log)`;
}

/** Polls until no fork child runs or is scheduled; the last INFO, or null at the deadline. */
async function idleChild(redis: Redis, deadline: number): Promise<Info | null> {
  for (;;) {
    const info = await persistenceInfo(redis);
    if (
      info.aof_rewrite_in_progress === '0' &&
      info.aof_rewrite_scheduled === '0' &&
      info.rdb_bgsave_in_progress === '0'
    )
      return info;
    if (Date.now() >= deadline) return null;
    await sleep(POLL_MS);
  }
}

async function persistenceInfo(redis: Redis): Promise<Info> {
  const text = await redis.info('persistence');
  return Object.fromEntries(
    text.split('\r\n').flatMap((line) => (line.includes(':') ? [line.split(':', 2) as [string, string]] : [])),
  );
}
