/** Reads the sightings topic and POSTs each awaited anonymous id to the integrator's callback URL. */
import { randomUUID } from 'node:crypto';
import type { Bus, Subscription } from '../../common/bus/bus.ts';
import type { IdentityCallbacks } from '../../ingest/upload/index.ts';
import { decodeSighting } from '../../schemas/index.ts';

/**
 * Every API process reads every sighting (a group of its own): the callback was registered in
 * whichever process took the upload, and only that one finds it pending.
 */
export function deliverIdentityCallbacks(bus: Bus, topic: string, callbacks: IdentityCallbacks): Promise<Subscription> {
  return bus.subscribe({ topic, groupId: `api-callbacks-${randomUUID()}` }, async (batch) => {
    if (callbacks.size === 0) return;
    await Promise.all(batch.messages.map((m) => callbacks.deliver(decodeSighting(m.value))));
  });
}
