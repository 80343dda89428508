/** reports: analytics as ClickHouse queries, shared by the API, the dashboard, PDF digests and the CLI. */
export { queryFootfallByHour, type FootfallHour, type FootfallQuery, type FootfallReport } from './queries/footfall-by-hour.ts';
