/** The BI listener's app: the BI route at the root path, like a ClickHouse server's HTTP port (JDBC drivers cannot add a path). */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiKeyStore } from '../keys/api-key-store.ts';
import type { RequestLimits } from '../auth/limit-requests.ts';
import { createPrincipalResolver } from '../auth/resolve-principal.ts';
import { securityHeaders } from '../security-headers.ts';
import { BiError, clickhouseErrorText } from './bi-error.ts';
import { biRoute } from './bi-route.ts';
import type { BiService } from './open-bi-service.ts';

export function createBiApp(bi: BiService, limits: RequestLimits, keyStore?: ApiKeyStore) {
  const { config } = bi;
  const app = new Hono();
  app.use(securityHeaders());
  app.use(
    bodyLimit({
      maxSize: config.api.maxBodyBytes,
      onError: (c) => {
        const err = new BiError(62, 413, `request body over ${config.api.maxBodyBytes} bytes`);
        c.header('X-ClickHouse-Exception-Code', String(err.code));
        return c.text(clickhouseErrorText(err.code, err.message), err.status);
      },
    }),
  );
  app.route('/', biRoute(bi, createPrincipalResolver(config.api.keys, keyStore), limits));
  return app;
}
