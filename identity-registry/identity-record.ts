/** One identity's Redis value: its counters and its sealed centroid code in a single binary string. */

/** The first byte of a record: bump it if the layout changes (readers refuse what they do not know). */
const RECORD_FORMAT = 1;
/** format(1) weight(f64) sightings(u32) firstSeenMs(f64) lastSeenMs(f64), little-endian. */
const HEADER_BYTES = 29;

export interface IdentityCounters {
  weight: number;
  sightings: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/**
 * One string per identity instead of a hash of six fields: a hash whose centroid field is
 * longer than 64 bytes leaves Redis's compact encoding and costs ~70 bytes of overhead per field,
 * while a string costs one key. Counters are not secret; the centroid is sealed (AAD binds site
 * and identity), so a record copied onto another identity does not open.
 */
export function packIdentityRecord(counters: IdentityCounters, sealedCentroid: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + sealedCentroid.length);
  out.writeUInt8(RECORD_FORMAT, 0);
  out.writeDoubleLE(counters.weight, 1);
  out.writeUInt32LE(counters.sightings, 9);
  out.writeDoubleLE(counters.firstSeenMs, 13);
  out.writeDoubleLE(counters.lastSeenMs, 21);
  sealedCentroid.copy(out, HEADER_BYTES);
  return out;
}

export function unpackIdentityRecord(record: Buffer): IdentityCounters & { sealedCentroid: Buffer } {
  if (record.length <= HEADER_BYTES || record[0] !== RECORD_FORMAT)
    throw new Error(`unknown identity record format ${record[0]}`);
  return {
    weight: record.readDoubleLE(1),
    sightings: record.readUInt32LE(9),
    firstSeenMs: record.readDoubleLE(13),
    lastSeenMs: record.readDoubleLE(21),
    sealedCentroid: record.subarray(HEADER_BYTES),
  };
}
