/** Runs the shared bus contract against the in-process bus. */
import { runBusContract } from './bus-contract.ts';
import { createMemoryBus } from './memory-bus.ts';

runBusContract('memory', ({ numPartitions, retryBackoffMs }) => createMemoryBus({ numPartitions, retryBackoffMs }));
