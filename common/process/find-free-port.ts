/** Picks free TCP ports on 127.0.0.1 for the services Revisit starts itself (local Redis, test brokers). */
import { createServer } from 'node:net';

/**
 * A port the OS just reported free. It is released before returning, so a race with
 * another process is possible but rare; callers surface a clear error if the bind fails.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
