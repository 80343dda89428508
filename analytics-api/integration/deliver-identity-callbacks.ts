/** Reads the sightings topic and POSTs each awaited anonymous id to the integrator's callback URL. */
import type { Bus, Subscription } from '../../common/bus/bus.ts';
import type { IdentityCallbacks } from '../../ingest/upload/index.ts';
import { decodeSighting } from '../../schemas/index.ts';

/**
 * Every API process reads every sighting with a group of its own (`groupId`, configured per
 * replica): the callback was registered in whichever process took the upload, and only that one
 * finds it pending. The group is stable, so a restart resumes from its committed offset instead
 * of creating a group that reads the topic again; a new group starts at the end, since callbacks
 * pending before it existed died with the process that held them.
 */
export function deliverIdentityCallbacks(
  bus: Bus,
  topic: string,
  groupId: string,
  callbacks: IdentityCallbacks,
): Promise<Subscription> {
  return bus.subscribe({ topic, groupId, startAt: 'latest' }, async (batch) => {
    if (callbacks.size === 0) return;
    await Promise.all(batch.messages.map((m) => callbacks.deliver(decodeSighting(m.value))));
  });
}
