/** Structured JSON logs on stderr, quiet by default (warn); LOG_LEVEL raises or lowers it. */
import { pino, type Logger } from 'pino';
import { logLevelFromEnv } from './config.ts';

export type { Logger };

// stderr, as documented: stdout carries what commands print for people and scripts (tables, JSON, a key).
// Synchronous, so the last lines before an exit are not lost.
const root = pino(
  {
    level: logLevelFromEnv(),
    base: { service: 'revisit' },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination({ dest: 2, sync: true }),
);

/** A child logger named for the component that owns it; it follows the process's level. */
export function createLogger(component: string): Logger {
  return root.child({ component });
}

/** The process's log level (what kafkajs is told to log at, too). */
export function logLevel(): string {
  return root.level;
}
