/**
 * What an attack must never reach, planted where a leak would show: files holding a random token
 * (in the data directory, beside the key file, world-readable in /tmp) and a TCP listener on this
 * machine that counts connections.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CanaryFile {
  path: string;
  token: string;
}

export interface CanaryListener {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** A random token that cannot occur by chance. */
export const canaryToken = (kind: string) => `${kind}${randomBytes(16).toString('hex')}`;

/** One file per directory, each with its own token; the one in /tmp is 0644 like any user's file. */
export function plantCanaryFiles(dataDir: string, keysDir: string): CanaryFile[] {
  const files = [
    { path: join(dataDir, 'canary.txt'), token: canaryToken('cfdata'), mode: 0o600 },
    { path: join(keysDir, 'canary.txt'), token: canaryToken('cfkeys'), mode: 0o600 },
    {
      path: join(tmpdir(), `revisit-canary-${randomBytes(6).toString('hex')}.txt`),
      token: canaryToken('cftmp'),
      mode: 0o644,
    },
  ];
  for (const f of files) writeFileSync(f.path, `${f.token}\n`, { mode: f.mode });
  return files.map(({ path, token }) => ({ path, token }));
}

export function removeCanaryFiles(files: CanaryFile[]): void {
  for (const f of files) rmSync(f.path, { force: true });
}

/** Listens on every local address (IPv6 and IPv4 where the host has both), so any spelling of "this machine" reaches it. */
export async function startCanaryListener(): Promise<CanaryListener> {
  let connections = 0;
  const listen = (host: string) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      server.once('error', reject);
      server.listen(0, host, () => resolve(server));
    });
  const server = await listen('::').catch(() => listen('0.0.0.0'));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
