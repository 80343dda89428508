/** Serves the manager dashboard, the API docs page and the chart libraries from this app: no CDN, works offline. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const STATIC = new URL('./static/', import.meta.url);
const NODE_MODULES = new URL('../../node_modules/', import.meta.url);

/** Path → [file, content type]. Read once at start: these files never change while running. */
const FILES: Record<string, [URL, string]> = {
  '/': [new URL('index.html', STATIC), 'text/html; charset=utf-8'],
  '/dashboard.js': [new URL('dashboard.js', STATIC), 'text/javascript; charset=utf-8'],
  '/dashboard.css': [new URL('dashboard.css', STATIC), 'text/css; charset=utf-8'],
  '/api/docs': [new URL('api-docs.html', STATIC), 'text/html; charset=utf-8'],
  '/api-docs.js': [new URL('api-docs.js', STATIC), 'text/javascript; charset=utf-8'],
  '/assets/vega.min.js': [new URL('vega/build/vega.min.js', NODE_MODULES), 'text/javascript; charset=utf-8'],
  '/assets/vega-lite.min.js': [new URL('vega-lite/build/vega-lite.min.js', NODE_MODULES), 'text/javascript; charset=utf-8'],
  '/assets/vega-embed.min.js': [new URL('vega-embed/build/vega-embed.min.js', NODE_MODULES), 'text/javascript; charset=utf-8'],
};

export function dashboardRoutes() {
  const app = new Hono();
  const cache = new Map<string, Buffer>();
  for (const [path, [file, type]] of Object.entries(FILES)) {
    app.get(path, (c) => {
      let body = cache.get(path);
      if (!body) cache.set(path, (body = readFileSync(fileURLToPath(file))));
      return c.body(new Uint8Array(body), 200, {
        'content-type': type,
        'cache-control': path.startsWith('/assets/') ? 'public, max-age=86400' : 'no-cache',
        // The page only talks to this origin and runs only its own scripts; vega compiles its
        // expressions with Function(), hence 'unsafe-eval'.
        'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
      });
    });
  }
  return app;
}
