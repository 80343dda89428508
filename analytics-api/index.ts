/** analytics-api: the hono HTTP API (auth, footfall, health, metrics). */
export { createApp, type AppDeps } from './create-app.ts';
export { serveApi, type RunningApi } from './serve-api.ts';
export { hashApiKey } from './middleware/require-api-key.ts';
