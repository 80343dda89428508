/**
 * Talking to the process that owns an embedded data directory (`revisit serve`): a Unix socket
 * in the directory, so only its user reaches it (the directory is 0700) and no key is needed.
 * Commands that would open the directory (report, forget, enroll, ingest) ask it instead.
 */
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import type { Bus } from '../../common/bus/bus.ts';
import type { RevisitConfig } from '../../common/config.ts';

/** The owner's socket: `<dataDir>/revisit.sock`. */
export function ownerSocketPath(dataDir: string): string {
  return resolve(join(dataDir, 'revisit.sock'));
}

export interface OwnerAnswer {
  status: number;
  body: Buffer;
}

export interface OwnerClient {
  /** POSTs `body` as JSON (GET without one); rejects when the owner is gone. */
  request(path: string, body?: unknown): Promise<OwnerAnswer>;
}

/** Raised when the owner answered with an error: its message is the owner's. */
export class OwnerError extends Error {
  override name = 'OwnerError';
}

function call(socketPath: string, path: string, body?: unknown): Promise<OwnerAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((done, fail) => {
    const req = request(
      {
        socketPath,
        path,
        method: payload ? 'POST' : 'GET',
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

/** The owner's answer's bytes, or an OwnerError with the owner's message. */
export async function ownerBytes(owner: OwnerClient, path: string, body?: unknown): Promise<Buffer> {
  const answer = await owner.request(path, body);
  if (answer.status < 400) return answer.body;
  let message = `the running revisit serve answered ${answer.status}`;
  try {
    message = (JSON.parse(answer.body.toString('utf8')) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    // not JSON: keep the status
  }
  throw new OwnerError(message);
}

/** The owner's JSON answer, or an OwnerError with its message. */
export async function ownerJson<T>(owner: OwnerClient, path: string, body?: unknown): Promise<T> {
  return JSON.parse((await ownerBytes(owner, path, body)).toString('utf8')) as T;
}

/**
 * The running owner of the embedded data directory, or null when none answers (no socket, or a
 * socket left by a process that died: the next owner replaces it). Distributed mode has no owner.
 */
export async function findOwner(config: Pick<RevisitConfig, 'kafka' | 'dataDir'>): Promise<OwnerClient | null> {
  if (config.kafka) return null;
  const socketPath = ownerSocketPath(config.dataDir);
  try {
    const answer = await call(socketPath, '/v1/status');
    if (answer.status !== 200) return null;
  } catch {
    return null;
  }
  return { request: (path, body) => call(socketPath, path, body) };
}

/** A bus that publishes into the owner's in-process bus (observations only); nothing is consumed through it. */
export function ownerBus(owner: OwnerClient): Bus {
  return {
    async publish(topic, messages) {
      if (messages.length === 0) return;
      await ownerJson(owner, '/v1/publish', {
        topic,
        messages: messages.map((m) => ({ key: m.key, value: Buffer.from(m.value).toString('base64') })),
      });
    },
    ping: async () => void (await ownerJson(owner, '/v1/status')),
    subscribe: () =>
      Promise.reject(new Error('the embedded owner only takes observations; its own worker consumes them')),
    close: async () => undefined,
  };
}
