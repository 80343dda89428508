/** Runs a private redis-server on a Unix socket: the embedded default's registry, and the tests' real Redis. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makePrivateDir } from '../process/restrict-file-modes.ts';
import { spawnTethered, type TetheredProcess } from '../process/spawn-tethered.ts';

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
/** sockaddr_un.sun_path holds 108 bytes on Linux, the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 107;

export interface LocalRedisOptions {
  /** Data directory (append-only file, log, socket); made 0700. */
  dir: string;
  /** Persist through an append-only file so identities survive a restart. */
  appendOnly?: boolean;
  /** fsync every write instead of every second: survives even a SIGKILL (tests of crashes). */
  fsyncAlways?: boolean;
  /** Remove `dir` on stop and if this process dies (temporary servers). */
  removeDirOnStop?: boolean;
}

export interface LocalRedisServer {
  /**
   * What a client connects to: the absolute path of the server's Unix socket (ioredis and the
   * `redis.url` setting take it as it is). The server listens on no TCP port.
   */
  url: string;
  /**
   * Stops and starts the server on the same socket and data dir. `crash: true` kills it with
   * SIGKILL (a power cut); otherwise it shuts down cleanly. With `appendOnly` the data survives.
   * `downMs`: how long it stays down before starting again (an outage, for fault tests).
   */
  restart(options?: { crash?: boolean; downMs?: number }): Promise<void>;
  /** Shuts down cleanly (an append-only file is flushed). */
  stop(): Promise<void>;
}

/**
 * Starts Debian's redis-server and resolves once it answers PING. Only its own user can reach
 * it: no TCP port, a 0700 socket in a 0700 directory. No RDB snapshots: with `appendOnly` the
 * append-only file is the one copy on disk, so rewriting it removes deleted data (see
 * rewriteRedisPersistence).
 */
export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedisServer> {
  const dir = resolve(options.dir);
  makePrivateDir(dir);
  const socket = join(dir, 'redis.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `redis socket path ${socket} is ${Buffer.byteLength(socket)} bytes, Unix sockets allow ${MAX_SOCKET_PATH_BYTES}: use a shorter data directory path`,
    );
  }
  // redis-server replaces a socket file on start: a live one means another process serves this directory.
  if (existsSync(socket) && (await command(socket, ['PING']).catch(() => '')) === '+PONG') {
    throw new Error(`a redis-server already serves ${dir} (another revisit process on the same data directory?)`);
  }
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--save',
    '',
    '--daemonize',
    'no',
    '--dir',
    dir,
    '--logfile',
    join(dir, 'redis.log'),
  ];
  args.push(
    ...(options.appendOnly
      ? ['--appendonly', 'yes', '--appendfsync', options.fsyncAlways ? 'always' : 'everysec']
      : ['--appendonly', 'no']),
  );
  const cleanupDir = options.removeDirOnStop ? dir : undefined;

  let server: TetheredProcess | undefined;
  // A normal exit without stop(): don't leave a server behind.
  const onExit = () => {
    server?.kill();
    if (cleanupDir) rmSync(cleanupDir, { recursive: true, force: true });
  };
  process.on('exit', onExit);

  const launch = async () => {
    // The tether stops the server if this process dies in any way, even by SIGKILL.
    server = spawnTethered('redis-server', args, { logFd: 'ignore', cleanupDir });
    try {
      await waitForPing(server, socket);
    } catch (error) {
      const log = readTail(join(dir, 'redis.log'));
      await shutdown(true);
      throw new Error(
        `redis-server did not start on ${socket}: ${(error as Error).message} (is redis-server installed? run scripts/setup.sh)\n--- redis log tail ---\n${log}`,
      );
    }
  };
  const shutdown = async (crash: boolean) => {
    const running = server;
    server = undefined;
    if (!running?.running()) return;
    if (crash) {
      running.kill();
      await running.exited;
      return;
    }
    // SHUTDOWN flushes the append-only file; the server closes the connection without a reply.
    await command(socket, ['SHUTDOWN']).catch(() => undefined);
    // Unreferenced: once the server is gone this wait must not keep the process alive its 5 s.
    await Promise.race([running.exited, sleep(STOP_GRACE_MS, undefined, { ref: false })]);
    await running.stop(STOP_GRACE_MS);
  };

  try {
    await launch();
  } catch (error) {
    process.off('exit', onExit);
    if (cleanupDir) rmSync(cleanupDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: socket,
    async restart({ crash = false, downMs = 0 } = {}) {
      await shutdown(crash);
      if (downMs > 0) await sleep(downMs);
      await launch();
    },
    async stop() {
      process.off('exit', onExit);
      await shutdown(false);
      if (cleanupDir) rmSync(cleanupDir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(server: TetheredProcess, socket: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!server.running()) throw new Error(await server.exited);
    // While loading a big AOF the server answers -LOADING: only +PONG means ready.
    if ((await command(socket, ['PING']).catch(() => '')) === '+PONG') return;
    await sleep(20);
  }
  throw new Error(`no PONG within ${START_TIMEOUT_MS} ms`);
}

/** Sends one RESP command and resolves with the first reply line (no client library needed). */
function command(path: string, parts: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      const end = reply.indexOf('\r\n');
      if (end >= 0) {
        socket.end();
        resolve(reply.slice(0, end));
      }
    });
    socket.once('close', () => reject(new Error('connection closed without a reply')));
    socket.write(`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`);
  });
}

function readTail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
