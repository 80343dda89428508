/** Runs the shared bus contract against the Kafka adapter on a real broker. */
import { after, before } from 'node:test';
import { runBusContract } from '../contracts/bus-contract.ts';
import { createKafkaBus } from '../../common/bus/kafka-bus.ts';
import { uniqueName, useKafka, type KafkaService } from '../harness/services.ts';

let kafka: KafkaService;
before(async () => {
  kafka = await useKafka();
});
after(async () => {
  await kafka.release();
});

runBusContract('kafka', ({ numPartitions, retryBackoffMs, retryBackoffMaxMs }) =>
  createKafkaBus({
    brokers: kafka.brokers,
    clientId: uniqueName('bus-contract'),
    numPartitions,
    retryBackoffMs,
    retryBackoffMaxMs,
  }),
);
