/** kafkajs's logging routed into Revisit's logger, at the process's level. */
import { logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../logger.ts';

export const LOG_LEVELS = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
} as const;

/** kafkajs's level for the process's pino level: kafkajs logs through our logger, so it need not say more than that logs. */
export function kafkaLevelOf(level: string): keyof typeof LOG_LEVELS {
  if (level === 'silent') return 'nothing';
  if (level === 'fatal' || level === 'error') return 'error';
  if (level === 'trace') return 'debug';
  return level in LOG_LEVELS ? (level as keyof typeof LOG_LEVELS) : 'warn';
}

/** A kafkajs log creator that writes into `logger`. */
export function logEntryTo(logger: Logger) {
  return ({ namespace, level, log }: LogEntry): void => {
    const { message, timestamp: _timestamp, ...fields } = log;
    const entry = { kafkajs: namespace, ...fields };
    // kafkajs logs every error response of a broker at ERROR, even the ones it retries (a fresh
    // coordinator "loading", a leader election): a real failure reaches the caller as a rejection.
    if (namespace === 'Connection' && message.startsWith('Response ')) logger.debug(entry, message);
    else if (level === KafkaLogLevel.ERROR) logger.error(entry, message);
    else if (level === KafkaLogLevel.WARN) logger.warn(entry, message);
    else if (level === KafkaLogLevel.INFO) logger.info(entry, message);
    else logger.debug(entry, message);
  };
}
