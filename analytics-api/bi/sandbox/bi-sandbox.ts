/**
 * The API's handle on one BI engine process: starts it (confined as bi-isolation.ts decided, with an
 * empty environment), sends it requests over the IPC channel, and kills it when a query overruns.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../common/logger.ts';
import type { BiLimits } from '../../../schemas/bi-config.schema.ts';
import {
  biSandboxReplySchema,
  type BiSandboxReply,
  type BiSandboxRequest,
} from '../../../schemas/bi-sandbox.schema.ts';
import { BiError, engineError, killedForTime, redactLiterals } from '../bi-error.ts';
import { sandboxArgv, type BiIsolation } from './bi-isolation.ts';

const CHILD = fileURLToPath(new URL('./bi-sandbox-process.ts', import.meta.url));
/** Start-up (node, tsx, chdb) takes 1–3 s; loads and reads are local copies. */
const START_TIMEOUT_MS = 60_000;
const IO_TIMEOUT_MS = 60_000;

export interface BiSandboxOptions {
  isolation: BiIsolation;
  /** Directories and files the engine must not see (namespaces only). */
  hidden: string[];
  limits: BiLimits;
  logger: Logger;
}

export interface BiQueryResult {
  id: number;
  bytes: number;
  rowsRead: number;
  elapsedS: number;
}

type Waiter = { resolve: (r: BiSandboxReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

const lost = (why: string) => new BiError(1002, 500, `the BI engine stopped (${why})`, true);

export class BiSandbox {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private ready!: Waiter;
  private alive = true;
  private stderrTail = '';
  /** Resolves once the process is gone and its directory removed. */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly opts: BiSandboxOptions,
  ) {
    child.stderr?.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString()).slice(-2000)));
    child.on('message', (raw) => this.onMessage(raw));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.alive = false;
        rmSync(dir, { recursive: true, force: true });
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        if (code !== 0 && signal !== 'SIGKILL')
          opts.logger.warn({ why, stderr: redactLiterals(this.stderrTail) }, 'BI engine exited');
        for (const w of [this.ready, ...this.waiting.values()]) {
          clearTimeout(w?.timer);
          w?.reject(lost(why));
        }
        this.waiting.clear();
        resolve();
      });
    });
  }

  /** Starts an engine with an empty 0700 directory of its own; resolves once its chdb is open. */
  static async start(opts: BiSandboxOptions): Promise<BiSandbox> {
    const dir = mkdtempSync(join(tmpdir(), 'revisit-bi-engine-'));
    const node = [process.execPath, '--import', import.meta.resolve('tsx'), CHILD, dir, JSON.stringify(opts.limits)];
    const [cmd, ...args] =
      opts.isolation.kind === 'namespaces' ? sandboxArgv(opts.isolation.unshare, dir, opts.hidden, node) : node;
    // No inherited environment: secrets (REVISIT_*) stay in this process. TMPDIR: the engine's own directory.
    const child = spawn(cmd, args, {
      cwd: '/',
      env: { PATH: '/usr/bin:/bin', TMPDIR: dir },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Its own process group, so a kill reaches unshare, sh and node alike.
      detached: true,
    });
    const sandbox = new BiSandbox(child, dir, opts);
    await new Promise<BiSandboxReply>((resolve, reject) => {
      sandbox.ready = {
        resolve,
        reject,
        timer: setTimeout(() => (sandbox.kill(), reject(lost('no start-up'))), START_TIMEOUT_MS),
      };
    });
    return sandbox;
  }

  get running(): boolean {
    return this.alive;
  }

  /** Replaces the engine's tables with these exports (TabSeparatedWithNamesAndTypes). */
  async load(tables: Array<{ name: string; tsv: Uint8Array }>): Promise<number> {
    const reply = await this.request(
      { kind: 'load', id: this.nextId++, tables },
      IO_TIMEOUT_MS,
      lost('load timed out'),
    );
    return reply.kind === 'loaded' ? reply.rows : 0;
  }

  /** Runs a read; the engine is killed if it is still busy past max_execution_time plus the margin. */
  async query(sql: string, format: string, compress: boolean): Promise<BiQueryResult> {
    const { maxExecutionSeconds, killMarginSeconds } = this.opts.limits;
    const reply = await this.request(
      { kind: 'query', id: this.nextId++, sql, format, compress },
      (maxExecutionSeconds + killMarginSeconds) * 1000,
      killedForTime(),
    );
    if (reply.kind !== 'result') throw engineError(1002);
    return { id: reply.id, bytes: reply.bytes, rowsRead: reply.rowsRead, elapsedS: reply.elapsedS };
  }

  /** The next piece of result `id`, or null once it was all read. */
  async read(id: number): Promise<Uint8Array | null> {
    const reply = await this.request({ kind: 'read', id }, IO_TIMEOUT_MS, lost('read timed out'));
    return reply.kind === 'chunk' ? reply.data : null;
  }

  /** Frees result `id` in the engine. */
  discard(id: number): void {
    if (this.alive) this.child.send({ kind: 'discard', id } satisfies BiSandboxRequest, () => undefined);
  }

  kill(): void {
    if (!this.alive || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** Closes the channel (the engine exits by itself), killing it if it lingers. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.disconnect();
    const timer = setTimeout(() => this.kill(), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private request(msg: BiSandboxRequest, timeoutMs: number, onTimeout: BiError): Promise<BiSandboxReply> {
    if (!this.alive) return Promise.reject(lost('not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(msg.id);
        this.kill();
        reject(onTimeout);
      }, timeoutMs);
      this.waiting.set(msg.id, { resolve, reject, timer });
      // The channel can close before 'exit' is seen: a failed send is a lost engine.
      this.child.send(msg, (err) => err && this.kill());
    });
  }

  private onMessage(raw: unknown): void {
    const parsed = biSandboxReplySchema.safeParse(raw);
    if (!parsed.success) {
      this.opts.logger.warn('BI engine sent a malformed message: killed');
      this.kill();
      return;
    }
    const reply = parsed.data;
    if (reply.kind === 'ready') {
      clearTimeout(this.ready.timer);
      this.ready.resolve(reply);
      return;
    }
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    clearTimeout(waiter.timer);
    if (reply.kind !== 'failed') return waiter.resolve(reply);
    this.opts.logger.debug({ code: reply.code, detail: redactLiterals(reply.detail) }, 'BI engine error');
    waiter.reject(engineError(reply.code));
  }
}
