/** Spawns a service process (broker, redis-server) that cannot outlive the Node process that started it. */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

// Node has no parent-death signal, and a test process killed by a signal runs no 'exit' hooks.
// So a small sh runs the service and watches its own stdin, a pipe from us: when the pipe
// closes (stop(), or this process dying in any way) it stops the service and, if asked,
// removes its temp dir once the service is gone. sh exits with the service, so the child's
// 'exit' is the service's.
const TETHER = `
exec 3<&0
"$@" <&- 3<&- &
svc=$!
{ read -r line <&3; kill -TERM "$svc" 2>/dev/null; [ "$line" != keep ]; } &
dog=$!
wait "$svc"; code=$?
# The watchdog exits 0 only if it saw the pipe close (not a "keep" line before a restart): the
# service was stopped for good.
kill "$dog" 2>/dev/null; wait "$dog" && [ -n "$TETHER_CLEANUP" ] && rm -rf "$TETHER_CLEANUP"
exit "$code"
`;

export interface TetheredProcess {
  /** Resolves when the service has exited, with how it ended. */
  exited: Promise<string>;
  /** False once the service has exited. */
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. `keepDir`: leave `cleanupDir` for a restart. */
  stop(graceMs: number, options?: { keepDir?: boolean }): Promise<void>;
  /** SIGKILL at once (a crash, or an exiting parent): synchronous, safe in an 'exit' hook. */
  kill(): void;
}

/**
 * Runs `command args` with its stdout and stderr going to `logFd`. If this process dies, the
 * service gets SIGTERM and `cleanupDir` (if given) is removed once the service is gone.
 */
export function spawnTethered(
  command: string,
  args: string[],
  options: { logFd: number | 'ignore'; cleanupDir?: string },
): TetheredProcess {
  const child = spawn('sh', ['-c', TETHER, 'tether', command, ...args], {
    stdio: ['pipe', options.logFd, options.logFd],
    // Its own process group, so kill() reaches the service and the watchdog, not just sh.
    detached: true,
    env: { ...process.env, TETHER_CLEANUP: options.cleanupDir ?? '' },
  });
  let alive = true;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => {
      alive = false;
      resolve(`spawn failed: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });
  const kill = () => {
    if (!alive || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return {
    exited,
    running: () => alive,
    kill,
    async stop(graceMs: number, { keepDir = false } = {}) {
      if (!alive) return;
      child.stdin?.end(keepDir ? 'keep\n' : undefined);
      if ((await Promise.race([exited, sleep(graceMs, 'timeout')])) === 'timeout') {
        kill();
        await exited;
      }
    },
  };
}
