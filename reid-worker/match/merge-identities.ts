/** Folds one identity into another: weighted centroid, summed counts, widened time span. */
import type { Identity } from '../../identity-registry/index.ts';
import { normalise } from './update-centroid.ts';

/** The identity `into` becomes after absorbing `from` (which keeps nothing of its own). */
export function mergeIdentities(into: Identity, from: Identity): Identity {
  const centroid = new Float32Array(into.centroid.length);
  for (let i = 0; i < centroid.length; i++)
    centroid[i] = into.centroid[i] * into.weight + from.centroid[i] * from.weight;
  normalise(centroid);
  return {
    ...into,
    centroid,
    weight: into.weight + from.weight,
    sightings: into.sightings + from.sightings,
    firstSeenMs: Math.min(into.firstSeenMs, from.firstSeenMs),
    lastSeenMs: Math.max(into.lastSeenMs, from.lastSeenMs),
  };
}
