/** Runs a real single-node Apache Kafka broker (KRaft) from the Maven jars for the tests. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { pingKafka } from '../../common/bus/kafka-bus.ts';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { spawnTethered, type TetheredProcess } from '../../common/process/spawn-tethered.ts';

const LIBS = fileURLToPath(new URL('../kafka/libs/', import.meta.url));
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;
const PING_TIMEOUT_MS = 5_000;

export interface KafkaBrokerOptions {
  /** Partitions of auto-created topics (the bus creates its own with an explicit count). */
  numPartitions?: number;
}

export interface KafkaBroker {
  /** `host:port` bootstrap addresses for clients. */
  brokers: string[];
  /** Stops the broker (SIGTERM, SIGKILL after 5 s) and removes its data and logs. */
  stop(): Promise<void>;
  /**
   * Stops the broker and starts it again on the same ports and data dir (topics, messages and
   * committed offsets survive, as after a rolling restart); resolves once it answers again.
   */
  restart(): Promise<void>;
  /** Stops the broker, keeping its data: an outage, until up(). */
  down(): Promise<void>;
  /** Starts a broker stopped by down() on the same ports and data; resolves once it answers. */
  up(): Promise<void>;
}

/**
 * Starts a fresh broker+controller on random ports with data and logs in a temp dir, and
 * resolves once it answers a metadata request. Needs `scripts/fetch-maven-jars.sh kafka` to have run.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  if (!hasKafkaJar()) {
    throw new Error(`Kafka jars missing in ${LIBS}: run scripts/fetch-maven-jars.sh kafka`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      // The free ports are only free when picked: another process may take one meanwhile.
      if (attempt >= 3 || !(error as Error).message.includes('Address already in use')) throw error;
    }
  }
}

async function startOnce(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-kafka-'));
  const [port, controllerPort] = await twoFreePorts();
  const brokers = [`127.0.0.1:${port}`];
  const serverProperties = join(dir, 'server.properties');
  writeFileSync(serverProperties, brokerConfig(dir, port, controllerPort, options.numPartitions ?? 4));
  writeFileSync(join(dir, 'log4j.properties'), log4jConfig(dir));

  const jvm = [
    '-Xms128m',
    '-Xmx512m',
    // A test broker does little work: fast JVM start-up beats peak throughput.
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
    `-Dkafka.logs.dir=${dir}`,
    '-cp',
    join(LIBS, '*'),
  ];
  // Kafka wants 16 random bytes in base64url; clearing the top bit keeps the first character a
  // letter, since one starting with '-' is taken for an option by StorageTool's argument parser.
  const idBytes = randomBytes(16);
  idBytes[0] &= 0x7f;
  const clusterId = idBytes.toString('base64url');
  try {
    await promisify(execFile)('java', [
      ...jvm,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      serverProperties,
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Kafka storage format failed: ${(error as Error).message}`);
  }

  const launch = () => {
    const out = openSync(join(dir, 'stdout.log'), 'a');
    const started = spawnTethered('java', [...jvm, 'kafka.Kafka', serverProperties], { logFd: out, cleanupDir: dir });
    closeSync(out);
    return started;
  };
  let broker = launch();
  // A normal exit without stop() (a test forgot it): don't leave a JVM and its data behind.
  const onExit = () => {
    broker.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);

  const stop = async () => {
    process.off('exit', onExit);
    await broker.stop(STOP_GRACE_MS);
    rmSync(dir, { recursive: true, force: true });
  };
  const answering = async () => {
    try {
      await waitUntilAnswering(broker, brokers);
    } catch (error) {
      const tail = logTail(dir);
      await stop();
      throw new Error(`Kafka broker did not start: ${(error as Error).message}\n--- broker log tail ---\n${tail}`);
    }
  };

  await answering();
  const down = () => broker.stop(STOP_GRACE_MS, { keepDir: true });
  const up = async () => {
    broker = launch();
    await answering();
  };
  return {
    brokers,
    stop,
    down,
    up,
    async restart() {
      await down();
      await up();
    },
  };
}

function hasKafkaJar(): boolean {
  try {
    return readdirSync(LIBS).some((name) => /^kafka_2\.13-.*\.jar$/.test(name));
  } catch {
    return false;
  }
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await findFreePort();
  let second = await findFreePort();
  while (second === first) second = await findFreePort();
  return [first, second];
}

function brokerConfig(dir: string, port: number, controllerPort: number, numPartitions: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    `num.partitions=${numPartitions}`,
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    // 50 partitions (the default) make the first group join noticeably slower.
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'log.segment.bytes=16777216',
    '',
  ].join('\n');
}

function log4jConfig(dir: string): string {
  return [
    'log4j.rootLogger=WARN, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${join(dir, 'broker.log')}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
}

async function waitUntilAnswering(broker: TetheredProcess, brokers: string[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = 'timed out';
  while (Date.now() < deadline) {
    if (!broker.running()) throw new Error(`broker ${await broker.exited}`);
    try {
      // A half-started broker can accept a connection and not answer: bound every attempt.
      await Promise.race([
        pingKafka(brokers),
        sleep(PING_TIMEOUT_MS).then(() => Promise.reject(new Error('ping timed out'))),
      ]);
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`no answer within ${START_TIMEOUT_MS} ms (${lastError})`);
}

function logTail(dir: string, lines = 40): string {
  return ['broker.log', 'stdout.log']
    .map((name) => {
      try {
        return readFileSync(join(dir, name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    })
    .filter(Boolean)
    .join('\n');
}
