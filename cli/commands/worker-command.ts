/** `revisit worker`: runs the re-id worker until interrupted. */
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { untilSignal } from '../until-signal.ts';

export function workerCommand(): Command {
  return new Command('worker')
    .description('Consume face observations, assign anonymous identities, write sightings (needs Kafka: REVISIT_KAFKA_BROKERS)')
    .action(async () => {
      const config = loadConfig();
      if (!config.kafka) throw new Error('the worker needs Kafka as a separate service: set REVISIT_KAFKA_BROKERS (embedded mode runs it inside `revisit ingest`/`demo`)');
      const runtime = await openRuntime(config);
      const subscription = await startReidWorker(runtime);
      await untilSignal();
      await subscription.stop();
      await runtime.close();
    });
}
