/** Serves the app over HTTP with @hono/node-server. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from './create-app.ts';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function serveApi(deps: AppDeps): Promise<RunningApi> {
  const app = createApp(deps);
  const { host, port } = deps.config.api;
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        url: `http://${host}:${info.port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
