/**
 * How BI engine processes are confined: new user, network, mount and pid namespaces (unshare) where
 * the OS allows, with the data and key directories covered and every other mount read-only; else a
 * plain child process. Decided once at start-up.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export type BiIsolation = { kind: 'namespaces'; unshare: string } | { kind: 'process'; missing: string };

/** What a plain child process lacks, for the warning, the metric and /readyz. */
export const PROCESS_ONLY_MISSING =
  'BI engines run as plain child processes: they can reach the network, the data and key directories and every file this service can read; only the SQL check and readonly protect them';

/**
 * The namespace set-up, run by sh as root of a new user namespace. Arguments: the engine directory,
 * paths to hide, `--`, the command. Hidden directories get an empty tmpfs, hidden files /dev/null.
 * Every mount but the engine's own tmpfs is then made read-only: `SELECT … INTO OUTFILE` writes
 * files even under readonly = 1.
 */
export const SANDBOX_SH = `set -e
engine=$1; shift
while [ "$1" != -- ]; do
  if [ -d "$1" ]; then mount -t tmpfs -o size=64k,mode=0700 revisit-hidden "$1"; else mount --bind /dev/null "$1"; fi
  shift
done
shift
mount -t tmpfs -o size=256m,mode=0700 revisit-bi "$engine"
mount -o remount,bind,ro /
for m in $(awk '{print $5}' /proc/self/mountinfo); do
  [ "$m" = "$engine" ] || [ "$m" = / ] || mount -o remount,bind,ro "$m" 2>/dev/null || true
done
exec "$@"`;

const UNSHARE_FLAGS = [
  '--user',
  '--map-root-user',
  '--net',
  '--mount',
  '--pid',
  '--fork',
  '--mount-proc',
  '--kill-child',
];

/** The argv that runs `command` confined: unshare, then SANDBOX_SH. */
export function sandboxArgv(unshare: string, engineDir: string, hidden: string[], command: string[]): string[] {
  return [
    unshare,
    ...UNSHARE_FLAGS,
    '/bin/sh',
    '-c',
    SANDBOX_SH,
    'revisit-bi-sandbox',
    engineDir,
    ...hidden,
    '--',
    ...command,
  ];
}

/** Tries the real set-up once with a trivial command. `mode` from config: `process` skips the test. */
export async function detectBiIsolation(mode: 'auto' | 'namespaces' | 'process'): Promise<BiIsolation> {
  if (mode === 'process') return { kind: 'process', missing: `${PROCESS_ONLY_MISSING} (bi.isolation = process)` };
  const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((p) => existsSync(p));
  let reason = 'unshare (util-linux) is not installed';
  if (unshare) {
    const dir = mkdtempSync(join(tmpdir(), 'revisit-bi-probe-'));
    try {
      const [cmd, ...args] = sandboxArgv(unshare, dir, [], ['/bin/true']);
      await promisify(execFile)(cmd, args, { timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
      return { kind: 'namespaces', unshare };
    } catch (err) {
      reason = `namespaces are not available here (${String(
        (err as { stderr?: string }).stderr ?? (err as Error).message,
      )
        .trim()
        .split('\n')[0]
        .slice(0, 200)})`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (mode === 'namespaces') throw new Error(`bi.isolation is "namespaces" but ${reason}`);
  return { kind: 'process', missing: `${PROCESS_ONLY_MISSING}: ${reason}` };
}
