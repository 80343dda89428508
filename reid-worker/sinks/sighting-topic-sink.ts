/** Publishes sightings to the sightings topic: how recognised anonymous ids flow back to integrating applications. */
import type { Bus } from '../../common/bus/bus.ts';
import { encodeSighting, type Sighting } from '../../schemas/index.ts';

/** Step 3 of a batch (see SightingSteps): every sighting, keyed by site. */
export class SightingTopicSink {
  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
  ) {}

  async write(sightings: Sighting[]): Promise<void> {
    if (sightings.length === 0) return;
    // Redelivered batches publish again: consumers treat the observation id as the key.
    await this.bus.publish(
      this.topic,
      sightings.map((s) => ({ key: s.siteId, value: encodeSighting(s) })),
    );
  }
}
