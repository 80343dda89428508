/**
 * At most `maxEngines` BI engines, one per key scope, handed out one query at a time: a scope
 * without an engine takes a free slot or the least recently used idle engine's; when every engine
 * is busy the query waits in a bounded queue. A tenant holds at most `maxEnginesPerTenant` engines
 * and `maxQueuedPerTenant` waiters, so one tenant's keys cannot take every engine or the whole
 * queue from the others. An engine older than `refreshMs` reloads its scope first; one idle for
 * `idleMs` is stopped.
 */
import { BiError } from '../bi-error.ts';
import type { BiScope, BiTableExport } from '../../../storage/bi-views.ts';

/** What the pool needs of an engine (BiSandbox; a fake in unit tests). */
export interface PooledEngine {
  readonly running: boolean;
  load(tables: BiTableExport[]): Promise<number>;
  stop(): Promise<void>;
}

export interface BiEnginePoolOptions<E extends PooledEngine> {
  maxEngines: number;
  maxQueued: number;
  /** Engines one tenant's scopes may hold at once (at most maxEngines). */
  maxEnginesPerTenant: number;
  /** Waiters one tenant may have queued (at most maxQueued). */
  maxQueuedPerTenant: number;
  queueWaitMs: number;
  refreshMs: number;
  idleMs: number;
  start(): Promise<E>;
  snapshot(scope: BiScope): Promise<BiTableExport[]>;
  now?: () => number;
}

export interface BiLease<E> {
  engine: E;
  /** Hands the engine back; `broken`: it must not serve again (it is stopped). Idempotent. */
  release(broken?: boolean): void;
}

interface Entry<E> {
  key: string;
  tenant: string;
  engine?: E;
  busy: boolean;
  loadedAtMs: number;
  lastUsedMs: number;
  idleTimer?: NodeJS.Timeout;
}

interface Waiter<E> {
  key: string;
  scope: BiScope;
  resolve(lease: BiLease<E>): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const busyError = () => new BiError(202, 503, 'too many BI queries are waiting for an engine; retry later');

/** The least recently used of the entries that is not serving a query, if any. */
function leastRecentlyUsedIdle<E>(entries: Iterable<Entry<E>>): Entry<E> | undefined {
  return [...entries].filter((e) => !e.busy).sort((a, b) => a.lastUsedMs - b.lastUsedMs)[0];
}

export class BiEnginePool<E extends PooledEngine> {
  private readonly entries = new Map<string, Entry<E>>();
  private queue: Waiter<E>[] = [];
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly opts: BiEnginePoolOptions<E>) {
    this.now = opts.now ?? Date.now;
  }

  /** An engine loaded with `scope`'s rows, fresh within refreshMs, for one query. */
  acquire(scope: BiScope): Promise<BiLease<E>> {
    if (this.closed) return Promise.reject(busyError());
    return new Promise((resolve, reject) => {
      const waiter: Waiter<E> = {
        key: JSON.stringify([scope.tenant, scope.sites]),
        scope,
        resolve,
        reject,
        timer: undefined as unknown as NodeJS.Timeout,
      };
      waiter.timer = setTimeout(() => this.dropWaiter(waiter), this.opts.queueWaitMs);
      this.queue.push(waiter);
      this.pump();
      // Still queued after a pump: it waits, if the queue and its tenant's share of it have room.
      const others = this.queue.filter((w) => w !== waiter);
      const full =
        others.length >= this.opts.maxQueued ||
        others.filter((w) => w.scope.tenant === scope.tenant).length >= this.opts.maxQueuedPerTenant;
      if (full && this.queue.includes(waiter)) this.dropWaiter(waiter);
    });
  }

  /** Engines alive, busy, and queries waiting: for /readyz and metrics. */
  stats(): { engines: number; busy: number; queued: number } {
    return {
      engines: this.entries.size,
      busy: [...this.entries.values()].filter((e) => e.busy).length,
      queued: this.queue.length,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) {
      clearTimeout(w.timer);
      w.reject(busyError());
    }
    await Promise.all([...this.entries.values()].map((e) => this.remove(e)));
  }

  private dropWaiter(waiter: Waiter<E>): void {
    if (!this.queue.includes(waiter)) return;
    this.queue = this.queue.filter((w) => w !== waiter);
    clearTimeout(waiter.timer);
    waiter.reject(busyError());
  }

  private pump(): void {
    for (const waiter of [...this.queue]) {
      let entry = this.entries.get(waiter.key);
      if (entry?.busy) continue;
      if (!entry) {
        const tenant = waiter.scope.tenant;
        const own = [...this.entries.values()].filter((e) => e.tenant === tenant);
        // A tenant at its share makes room among its own engines only; others' stay untouched.
        const full = own.length >= this.opts.maxEnginesPerTenant || this.entries.size >= this.opts.maxEngines;
        if (full) {
          const idle = leastRecentlyUsedIdle(own.length >= this.opts.maxEnginesPerTenant ? own : this.entries.values());
          if (!idle) continue;
          void this.remove(idle);
        }
        entry = { key: waiter.key, tenant, busy: false, loadedAtMs: -Infinity, lastUsedMs: this.now() };
        this.entries.set(waiter.key, entry);
      }
      this.queue = this.queue.filter((w) => w !== waiter);
      clearTimeout(waiter.timer);
      entry.busy = true;
      clearTimeout(entry.idleTimer);
      this.prepare(entry, waiter.scope).then(waiter.resolve, (err: Error) => {
        this.release(entry, true);
        waiter.reject(err);
      });
    }
  }

  private async prepare(entry: Entry<E>, scope: BiScope): Promise<BiLease<E>> {
    if (!entry.engine?.running) entry.engine = await this.opts.start();
    const engine = entry.engine;
    if (this.now() - entry.loadedAtMs >= this.opts.refreshMs) {
      const takenAtMs = this.now();
      await engine.load(await this.opts.snapshot(scope));
      entry.loadedAtMs = takenAtMs;
    }
    let released = false;
    return {
      engine,
      release: (broken = false) => {
        if (released) return;
        released = true;
        this.release(entry, broken);
      },
    };
  }

  private release(entry: Entry<E>, broken: boolean): void {
    entry.busy = false;
    entry.lastUsedMs = this.now();
    if (broken || !entry.engine?.running) void this.remove(entry);
    else {
      entry.idleTimer = setTimeout(() => !entry.busy && void this.remove(entry), this.opts.idleMs);
      entry.idleTimer.unref();
    }
    this.pump();
  }

  private async remove(entry: Entry<E>): Promise<void> {
    clearTimeout(entry.idleTimer);
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    await entry.engine?.stop();
  }
}
