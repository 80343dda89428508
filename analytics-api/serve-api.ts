/**
 * Serves the app over HTTP with @hono/node-server, the BI listener beside it unless `bi.port` is
 * off, and /metrics (with /healthz and /readyz) on a listener of its own when metrics.port is set.
 */
import { createRequestLimits } from './auth/limit-requests.ts';
import { appReadiness, createApp, type AppDeps } from './create-app.ts';
import { createBiApp } from './bi/create-bi-app.ts';
import { openBiService } from './bi/open-bi-service.ts';
import { listenHttp as listen, type Listener } from './listen-http.ts';
import { probeApp } from './probes/serve-probes.ts';

export interface RunningApi {
  url: string;
  /** The BI listener (ClickHouse HTTP interface at the root path), when on. */
  biUrl?: string;
  /** Where /metrics is served when it has its own listener (metrics.port). */
  metricsUrl?: string;
  close(): Promise<void>;
}

/** Opens the BI service itself unless `deps.bi` is given (then the caller closes it). */
export async function serveApi(deps: AppDeps): Promise<RunningApi> {
  const { config } = deps;
  const bi = deps.bi ?? (await openBiService(config, deps.clickhouse));
  const listeners: Listener[] = [];
  const close = async () => {
    for (const l of listeners.splice(0)) await l.close();
    if (!deps.bi) await bi.close();
  };
  try {
    // One set of request limits for both listeners: a client's failed logins count once, wherever it tries.
    const limits = deps.limits ?? createRequestLimits(config.api, deps.now);
    const api = await listen(createApp({ ...deps, bi, limits }).fetch, config.api.host, config.api.port);
    listeners.push(api);
    const biPort = config.bi.port;
    const biListener =
      biPort === 'off'
        ? undefined
        : await listen(createBiApp(bi, limits, deps.keyStore).fetch, config.bi.host ?? config.api.host, biPort);
    if (biListener) listeners.push(biListener);
    const metricsListener =
      config.metrics.port === undefined
        ? undefined
        : await listen(probeApp(config.metrics, appReadiness(deps)).fetch, config.metrics.host, config.metrics.port);
    if (metricsListener) listeners.push(metricsListener);
    return { url: api.url, biUrl: biListener?.url, metricsUrl: metricsListener?.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
