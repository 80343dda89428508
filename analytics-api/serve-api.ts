/** Serves the app over HTTP with @hono/node-server, and the BI listener beside it unless `bi.port` is off. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from './create-app.ts';
import { createBiApp } from './bi/create-bi-app.ts';
import { openBiService } from './bi/open-bi-service.ts';

export interface RunningApi {
  url: string;
  /** The BI listener (ClickHouse HTTP interface at the root path), when on. */
  biUrl?: string;
  close(): Promise<void>;
}

function listen(fetch: (req: Request) => Response | Promise<Response>, host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({ url: `http://${host}:${info.port}`, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
    server.once('error', reject);
  });
}

/** Opens the BI service itself unless `deps.bi` is given (then the caller closes it). */
export async function serveApi(deps: AppDeps): Promise<RunningApi> {
  const { config } = deps;
  const bi = deps.bi ?? (await openBiService(config, deps.clickhouse));
  const closeBi = deps.bi ? async () => {} : () => bi.close();
  try {
    const api = await listen(createApp({ ...deps, bi }).fetch, config.api.host, config.api.port);
    const port = config.bi.port;
    const biListener = port === 'off' ? undefined : await listen(createBiApp(bi, deps.keyStore).fetch, config.bi.host ?? config.api.host, port).catch(async (err) => {
      await api.close();
      throw err;
    });
    return {
      url: api.url,
      biUrl: biListener?.url,
      close: async () => {
        await api.close();
        await biListener?.close();
        await closeBi();
      },
    };
  } catch (err) {
    await closeBi();
    throw err;
  }
}
