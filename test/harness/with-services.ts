/** Wraps a test command: starts one Kafka broker and one redis-server for the run, stops them after. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';
import { KAFKA_BROKERS_ENV, REDIS_URL_ENV } from './services.ts';

// Usage: node --import tsx test/harness/with-services.ts <cmd> <args...>
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: with-services.ts <command> [args...]');
  process.exit(2);
}

let interrupted: NodeJS.Signals | undefined;
let forward: (signal: NodeJS.Signals) => void = () => undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Never die on a signal with services still up: 'exit' hooks don't run on signal deaths.
  process.on(signal, () => {
    interrupted = signal;
    forward(signal);
  });
}

const started = Date.now();
const [kafka, redis] = await Promise.allSettled([startKafkaBroker(), startRedisServer()]);
const services = [kafka, redis].flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
const stopServices = () => Promise.all(services.map((s) => s.stop()));

if (kafka.status === 'rejected' || redis.status === 'rejected') {
  for (const s of [kafka, redis]) if (s.status === 'rejected') console.error(String(s.reason?.message ?? s.reason));
  await stopServices();
  process.exit(1);
}
if (interrupted) {
  await stopServices();
  process.exit(128 + constants.signals[interrupted]);
}

const broker: KafkaBroker = kafka.value;
const redisServer: RedisServer = redis.value;
console.error(
  `services: kafka ${broker.brokers.join(',')}, redis ${redisServer.url} (up in ${Date.now() - started} ms)`,
);

// Tests never write into the real home: a CLI started without REVISIT_KEYS_FILE puts its
// default key file into this run's own configuration directory.
const configHome = mkdtempSync(join(tmpdir(), 'revisit-test-config-'));
const child = spawn(cmd, args, {
  stdio: 'inherit',
  env: {
    ...process.env,
    XDG_CONFIG_HOME: configHome,
    [KAFKA_BROKERS_ENV]: broker.brokers.join(','),
    [REDIS_URL_ENV]: redisServer.url,
  },
});
let signalsSeen = 0;
forward = (signal) => {
  // A terminal's Ctrl-C reaches the child too; a second signal means "stop now".
  signalsSeen += 1;
  child.kill(signalsSeen > 1 ? 'SIGKILL' : signal);
};

const exitCode = await new Promise<number>((resolve) => {
  child.once('error', (error) => {
    console.error(`with-services: cannot run ${cmd}: ${error.message}`);
    resolve(127);
  });
  child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
});
await stopServices();
rmSync(configHome, { recursive: true, force: true });
process.exit(exitCode);
