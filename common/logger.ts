/** Structured JSON logs, quiet by default (warn); LOG_LEVEL raises or lowers it. */
import { pino, type Logger } from 'pino';

export type { Logger };

const root = pino({
  level: process.env.LOG_LEVEL ?? 'warn',
  base: { service: 'revisit' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** A child logger named for the component that owns it. */
export function createLogger(component: string): Logger {
  return root.child({ component });
}
