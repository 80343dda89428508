/** Gives one observation an anonymous identity within its site's state, updating that state. */
import { randomUUID } from 'node:crypto';
import type { FaceObservation } from '../../schemas/index.ts';
import type { SiteState } from '../site-state.ts';
import { BatchAssigner, type Assignment } from './batch-assigner.ts';
import type { MatchPolicy } from './match-policy.ts';

export type { Assignment } from './batch-assigner.ts';
export { toSighting } from './to-sighting.ts';

/** Assigns one observation: a batch of one (see BatchAssigner), its change already in the index. */
export function assignIdentity(
  state: SiteState,
  obs: FaceObservation,
  policy: MatchPolicy,
  mintId: () => string = randomUUID,
): Assignment {
  const batch = new BatchAssigner(state, [obs], policy, mintId);
  const assignment = batch.assign(obs);
  batch.finish();
  return assignment;
}
