/** Serves the manager dashboard, the API docs page and the chart libraries from this app: no CDN, works offline. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const STATIC = new URL('./static/', import.meta.url);
const NODE_MODULES = new URL('../../node_modules/', import.meta.url);
const JS = 'text/javascript; charset=utf-8';

/** Path → [file, content type]. Read once at start: these files never change while running. */
const FILES: Record<string, [URL, string]> = {
  '/': [new URL('index.html', STATIC), 'text/html; charset=utf-8'],
  '/dashboard.js': [new URL('dashboard.js', STATIC), JS],
  '/dashboard.css': [new URL('dashboard.css', STATIC), 'text/css; charset=utf-8'],
  '/api-client.js': [new URL('api-client.js', STATIC), JS],
  '/chart-card.js': [new URL('chart-card.js', STATIC), JS],
  '/chain-view.js': [new URL('chain-view.js', STATIC), JS],
  '/vega-util-from-vega.js': [new URL('vega-util-from-vega.js', STATIC), JS],
  '/api/docs': [new URL('api-docs.html', STATIC), 'text/html; charset=utf-8'],
  '/api-docs.js': [new URL('api-docs.js', STATIC), JS],
  '/api-docs.css': [new URL('api-docs.css', STATIC), 'text/css; charset=utf-8'],
  '/assets/swagger-ui-bundle.js': [new URL('swagger-ui-dist/swagger-ui-bundle.js', NODE_MODULES), JS],
  '/assets/swagger-ui.css': [new URL('swagger-ui-dist/swagger-ui.css', NODE_MODULES), 'text/css; charset=utf-8'],
  '/assets/vega.min.js': [new URL('vega/build/vega.min.js', NODE_MODULES), JS],
  '/assets/vega-lite.min.js': [new URL('vega-lite/build/vega-lite.min.js', NODE_MODULES), JS],
  '/assets/vega-embed.min.js': [new URL('vega-embed/build/vega-embed.min.js', NODE_MODULES), JS],
  '/assets/vega-interpreter.js': [new URL('vega-interpreter/build/vega-interpreter.js', NODE_MODULES), JS],
};

/** The page's one inline script, its import map, allowed by the hash of its exact text. */
function importMapSource(html: string): string {
  const open = '<script type="importmap">';
  const start = html.indexOf(open);
  const end = html.indexOf('</script>', start);
  if (start < 0 || end < 0) throw new Error('dashboard index.html has lost its import map');
  const text = html.slice(start + open.length, end);
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/**
 * The pages run only this origin's scripts and talk only to it. No 'unsafe-eval': vega evaluates
 * its expressions with vega-interpreter. Styles stay 'unsafe-inline' because vega-embed injects a
 * <style> and vega's SVG carries style attributes; no script can come in that way.
 */
function pageCsp(): string {
  const scripts = importMapSource(readFileSync(fileURLToPath(FILES['/'][0]), 'utf8'));
  return [
    "default-src 'self'",
    `script-src 'self' ${scripts}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function dashboardRoutes() {
  const app = new Hono();
  const cache = new Map<string, Buffer>();
  const csp = pageCsp();
  for (const [path, [file, type]] of Object.entries(FILES)) {
    app.get(path, (c) => {
      let body = cache.get(path);
      if (!body) cache.set(path, (body = readFileSync(fileURLToPath(file))));
      return c.body(new Uint8Array(body), 200, {
        'content-type': type,
        'cache-control': path.startsWith('/assets/') ? 'public, max-age=86400' : 'no-cache',
        'content-security-policy': csp,
      });
    });
  }
  return app;
}
