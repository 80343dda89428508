/** Split repair (pure): an identity that two faces of one frame both belong to holds two people; its recent members are divided between them. */
import type { Identity } from '../../identity-registry/index.ts';
import { cosine } from '../../ingest/face/measure-eer.ts';
import { observationWeight } from './update-centroid.ts';

/** A recent sighting of an identity, kept in worker memory so a split can say which sightings move. */
export interface Member {
  observationId: string;
  cameraId: string;
  trackId: string;
  embedding: Float32Array;
  quality: number;
  tStartMs: number;
  tEndMs: number;
}

/** `observationIds` (sightings of `from`) now belong to `to`; from and to are certainly two people. */
export interface SplitEvent {
  from: string;
  to: string;
  observationIds: string[];
  /** Start of the earliest moved sighting. */
  firstMovedMs: number;
  /** Cosine between the two halves' centroids. */
  similarity: number;
}

/** k-means rounds: two seeds far apart settle in two or three. */
const ROUNDS = 5;

function meanOf(members: Member[], dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (const m of members) for (let i = 0; i < dim; i++) out[i] += m.embedding[i] * observationWeight(m.quality);
  let n = 0;
  for (const x of out) n += x * x;
  n = Math.sqrt(n);
  return n > 0 ? out.map((x) => x / n) : out;
}

/**
 * Divides `members` (the recent sightings of one identity) between the person of `keep` (a member
 * seen in the same frame as `other`) and the person of `other`, by two-means seeded with the two
 * faces. Returns the members that go with `other` and how similar the two halves are; the caller
 * splits only when the halves are further apart than a merge would join (otherwise `other` was
 * merely someone who looks alike, and the cannot-link alone is the repair).
 */
export function divideMembers(
  members: Member[],
  keep: Member,
  other: Float32Array,
): { moved: Member[]; similarity: number } {
  const dim = other.length;
  let a = keep.embedding;
  let b = other;
  let moved: Member[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const next = members.filter(
      (m) => m.observationId !== keep.observationId && cosine(m.embedding, b) > cosine(m.embedding, a),
    );
    const stay = members.filter((m) => !next.includes(m));
    a = meanOf(stay, dim);
    b = next.length > 0 ? meanOf([...next, { ...keep, embedding: other, quality: 1 }], dim) : other;
    if (next.length === moved.length && next.every((m, i) => m === moved[i])) break;
    moved = next;
  }
  return { moved, similarity: cosine(a, b) };
}

/**
 * The two identities after `moved` leave `from` for `to`. An identity whose every sighting is
 * still a member is recomputed as the quality-weighted mean of its members; an older one (some
 * sightings no member list remembers) adjusts its running mean by the moved embeddings instead.
 */
export function moveMembers(
  from: Identity,
  to: Identity,
  moved: Member[],
  fromMembers: readonly Member[],
  toMembers: readonly Member[],
): { from: Identity; to: Identity } {
  const movedIds = new Set(moved.map((m) => m.observationId));
  const staying = fromMembers.filter((m) => !movedIds.has(m.observationId));
  const movedWeight = moved.reduce((w, m) => w + observationWeight(m.quality), 0);
  const first = Math.min(...moved.map((m) => m.tStartMs));
  const last = Math.max(...moved.map((m) => m.tEndMs));
  return {
    from: {
      ...from,
      ...refold(from, staying, fromMembers.length, moved, -1),
      weight: Math.max(from.weight - movedWeight, observationWeight(0)),
      sightings: Math.max(1, from.sightings - moved.length),
    },
    to: {
      ...to,
      ...refold(to, [...toMembers, ...moved], toMembers.length, moved, 1),
      weight: to.weight + movedWeight,
      sightings: to.sightings + moved.length,
      firstSeenMs: Math.min(to.firstSeenMs, first),
      lastSeenMs: Math.max(to.lastSeenMs, last),
    },
  };
}

/** The centroid from the members when they are every sighting, else the running mean ± the moved embeddings. */
function refold(
  identity: Identity,
  members: Member[],
  remembered: number,
  moved: Member[],
  sign: 1 | -1,
): { centroid: Float32Array } {
  const dim = identity.centroid.length;
  if (remembered >= identity.sightings && members.length > 0) return { centroid: meanOf(members, dim) };
  const sum = identity.centroid.map((x) => x * identity.weight);
  for (const m of moved) for (let i = 0; i < dim; i++) sum[i] += sign * m.embedding[i] * observationWeight(m.quality);
  let n = 0;
  for (const x of sum) n += x * x;
  n = Math.sqrt(n);
  return { centroid: n > 1e-6 ? sum.map((x) => x / n) : identity.centroid };
}
