/** Serves the app over HTTP with @hono/node-server, and /metrics on a listener of its own when metrics.port is set. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from './create-app.ts';
import { metricsRoute } from './metrics/metrics-route.ts';
import { securityHeaders } from './security-headers.ts';

export interface RunningApi {
  url: string;
  /** Where /metrics is served when it has its own listener (metrics.port). */
  metricsUrl?: string;
  close(): Promise<void>;
}

interface Listener {
  url: string;
  close(): Promise<void>;
}

function listen(fetch: Hono['fetch'], host: string, port: number): Promise<Listener> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

export async function serveApi(deps: AppDeps): Promise<RunningApi> {
  const { api, metrics } = deps.config;
  const main = await listen(createApp(deps).fetch, api.host, api.port);
  if (metrics.port === undefined) return main;
  const metricsApp = new Hono();
  metricsApp.use(securityHeaders());
  metricsApp.route('/', metricsRoute(metrics, metrics.host));
  const side = await listen(metricsApp.fetch, metrics.host, metrics.port);
  return {
    url: main.url,
    metricsUrl: side.url,
    close: async () => {
      await Promise.all([main.close(), side.close()]);
    },
  };
}
