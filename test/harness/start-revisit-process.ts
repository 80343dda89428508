/** A `revisit` command as a child process with exactly the given environment: its output kept, its exit awaited, its operator port probed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/revisit.js', import.meta.url));
const STOP_TIMEOUT_MS = 30_000;

export interface RevisitProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, SIGKILL after 30 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Exactly what a revisit process gets, nothing inherited: PATH, its own home (created) with the
 * XDG config directory and the data directory inside, the configuration file, logs at info.
 */
export function isolatedEnv(home: string, config: string, extra: Record<string, string> = {}): Record<string, string> {
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    REVISIT_CONFIG: config,
    REVISIT_DATA_DIR: join(home, 'data'),
    LOG_LEVEL: 'info',
    OMP_NUM_THREADS: '1',
    ...extra,
  };
}

export function startRevisitProcess(args: string[], env: Record<string, string>): RevisitProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `url` until `accept` says yes about its answer; rejects after `timeoutMs` with the last status. */
export async function untilAnswer(
  url: string,
  accept: (status: number, body: string) => boolean,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
      const body = await res.text();
      if (accept(res.status, body)) return body;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url}: not as expected within ${timeoutMs} ms (last: ${last})`);
    await sleep(250);
  }
}

/** The sum of a metric's samples in a Prometheus text answer whose labels contain `labels` (e.g. `group="g"`). */
export function metricSum(text: string, name: string, labels = ''): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
