/** Runs a private redis-server for the embedded default (and for tests): loopback, free port, own data dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface LocalRedisServer {
  url: string;
  port: number;
  dir: string;
  /** Stops the server; with `save`, persists first (append-only file). */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and data dir (what a Redis restart looks like to clients). */
  restart(): Promise<void>;
}

export interface LocalRedisOptions {
  dir: string;
  /** Persist through an append-only file, so identities survive a restart. */
  appendOnly?: boolean;
  port?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: ${log()}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused connections are expected until the server is up
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server did not answer within 10 s: ${log()}`);
}

/** Starts redis-server (Debian's binary on PATH). Throws with its output if it cannot start. */
export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedisServer> {
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  let output = '';

  const start = async () => {
    output = '';
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', options.dir, '--save', '', '--daemonize', 'no'];
    args.push('--appendonly', options.appendOnly ? 'yes' : 'no');
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', (err) => (output += `\n${err.message}`));
    child.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
    child.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
    await waitForPing(url, child, () => output || '(no output; is redis-server installed? run npm run setup)');
  };

  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // redis-server saves the AOF and exits cleanly on SIGTERM
    await exited;
  };

  await start();
  return { url, port, dir: options.dir, stop, restart: async () => (await stop(), await start()) };
}
