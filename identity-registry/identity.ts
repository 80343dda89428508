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

/** What the worker remembers of an observation it already handled, so a redelivery is a no-op. */
export interface ProcessedObservation {
  observationId: string;
  identityId: string;
  similarity: number;
  isNewIdentity: boolean;
}
