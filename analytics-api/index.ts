/** analytics-api: the hono HTTP API (auth, reports, BI access, OpenAPI, dashboard, health, metrics). */
export { createApp, type AppDeps } from './create-app.ts';
export { serveApi, type RunningApi } from './serve-api.ts';
export { hashApiKey } from './keys/api-key-string.ts';
export { openApiKeyStore } from './keys/open-api-key-store.ts';
export type { ApiKeyStore } from './keys/api-key-store.ts';
