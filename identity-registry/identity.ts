/** An anonymous identity of one site, as the re-id worker holds it in memory. */

export interface Identity {
  siteId: string;
  /** Random and meaningless: never derived from the face. */
  identityId: string;
  /** L2-normalised quality-weighted mean of the identity's observations. */
  centroid: Float32Array;
  /** Sum of the quality weights folded into the centroid. */
  weight: number;
  sightings: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/**
 * A site's identities in columns, as a worker loads them in bulk to rebuild its index: centroids
 * stay in their stored form (identity-registry/centroid-code.ts), packed, never one float array
 * per identity.
 */
export interface IdentitySnapshot {
  siteId: string;
  dim: number;
  identityIds: string[];
  /** identityIds.length × centroidCodeBytes(dim) bytes, in the order of identityIds. */
  codes: Uint8Array;
  weight: Float64Array;
  sightings: Float64Array;
  firstSeenMs: Float64Array;
  lastSeenMs: Float64Array;
}

/** What the worker remembers of an observation it already handled, so a redelivery is a no-op. */
export interface ProcessedObservation {
  observationId: string;
  identityId: string;
  similarity: number;
  isNewIdentity: boolean;
  /** Set when the observation matched an exclusion template (e.g. `staff`); identityId is then the template's. */
  label?: string;
}

/** A re-clustering merge as the registry records it: `from` was folded into `to`. */
export interface IdentityMerge {
  from: string;
  to: string;
  similarity: number;
  mergedAtMs: number;
}

/**
 * A split repair as the registry records it until the ClickHouse side follows: two faces of one
 * frame showed that `from` held two people, and `observationIds` (sightings of `from`) now belong
 * to `to`. The two are cannot-linked from then on.
 */
export interface IdentitySplit {
  from: string;
  to: string;
  observationIds: string[];
  /** Start of the earliest moved sighting: both identities' visits are cut again from there. */
  firstMovedMs: number;
  /** Cosine between the two halves' centroids when they were divided. */
  similarity: number;
  /** Stream time of the frame that revealed it. */
  splitAtMs: number;
}

/** Cannot-links and splits that a batch adds to the registry together with its identities. */
export interface RegistryRepairs {
  /** Pairs of identities seen in one frame: never one person, never merged. */
  cannotLinks?: Array<[string, string]>;
  splits?: IdentitySplit[];
}

/** An enrolled face of an exclusion group (staff): its sightings are labelled and never counted as footfall. */
export interface ExclusionTemplate {
  siteId: string;
  /** Random; labelled sightings carry it as their identity id. */
  templateId: string;
  /** The exclusion group, e.g. `staff`. */
  label: string;
  /** L2-normalised mean of the enrolment photos' embeddings. */
  embedding: Float32Array;
  /** How many photos were averaged. */
  images: number;
  enrolledMs: number;
}
