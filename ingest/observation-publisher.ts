/** The camera worker's producer: validates and encodes observations, publishes them keyed by site. */
import type { Bus } from '../common/bus/bus.ts';
import { facesEmbeddedTotal } from '../common/metrics.ts';
import { encodeFaceObservation, type FaceObservation, type MessageLimits } from '../schemas/index.ts';

export class ObservationPublisher {
  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
    private readonly limits: MessageLimits,
  ) {}

  /** Throws ContractError before anything is sent if any observation is invalid. */
  async publish(observations: FaceObservation[]): Promise<void> {
    if (observations.length === 0) return;
    // The key is the site: all cameras of a site meet in one partition, owned by one worker.
    const messages = observations.map((o) => ({ key: o.siteId, value: encodeFaceObservation(o, this.limits) }));
    await this.bus.publish(this.topic, messages);
    facesEmbeddedTotal.inc(observations.length);
  }
}
