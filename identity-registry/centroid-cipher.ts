/** AES-256-GCM sealing of centroids and templates with per-site keys: plaintext vectors exist only in worker memory. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { centroidDimOf, decodeCentroid, encodeCentroid } from './centroid-code.ts';
import { deriveSiteKey } from './derive-site-key.ts';

/**
 * v1: float32 vector sealed with the master key itself (before per-site keys); v2: float32 vector
 * sealed with the site's derived key; v3: a centroid code (int8 + scale, centroid-code.ts) sealed
 * with the site's key — a quarter of v2's size. All three open.
 */
const LEGACY_VERSION = 1;
const SITE_KEY_VERSION = 2;
const CODE_VERSION = 3;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a blob names a key id the configuration no longer holds: crypto-shredded data. */
export class UnknownKeyError extends Error {
  override name = 'UnknownKeyError';
}

/**
 * Master keys by key id; the active one seals, any known one opens, so keys can rotate. Each
 * site seals with HKDF(master, site id), and the blob records the master's key id. Removing a
 * key id from the configuration makes every blob sealed under it unreadable (crypto-shredding):
 * after a rotation has re-sealed live identities with the new key, dropping the old one destroys
 * whatever was left behind, including copies in Redis backups.
 */
export class CentroidCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly siteKeys = new Map<string, Buffer>();

  constructor(
    keys: Record<string, Buffer>,
    private readonly activeKeyId: string,
  ) {
    this.keys = new Map(Object.entries(keys));
    for (const [kid, key] of this.keys) {
      if (key.length !== 32) throw new Error(`encryption key "${kid}" must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!this.keys.has(activeKeyId)) throw new Error(`active encryption key id "${activeKeyId}" has no key`);
  }

  /**
   * Layout: version(1) kidLength(1) kid iv(12) tag(16) ciphertext. `context` (site and identity)
   * is bound as associated data, so a blob copied onto another identity fails to open. Seals
   * the float32 vector (v2): exclusion templates, which are few.
   */
  seal(vector: Float32Array, siteId: string, context: string): Buffer {
    return this.sealBytes(
      SITE_KEY_VERSION,
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
      siteId,
      context,
    );
  }

  /** Seals a centroid code (v3): how identities are stored. */
  sealCode(code: Uint8Array, siteId: string, context: string): Buffer {
    return this.sealBytes(CODE_VERSION, code, siteId, context);
  }

  /** Opens a blob of `siteId` as a vector; throws UnknownKeyError for a shredded key, Error for a tampered or misplaced blob. */
  open(blob: Buffer, siteId: string, context: string): Float32Array {
    const { version, plain } = this.openBytes(blob, siteId, context);
    if (version === CODE_VERSION) return decodeCentroid(plain, centroidDimOf(plain.length));
    // Copy into an aligned buffer: Float32Array needs a 4-byte aligned offset.
    return new Float32Array(plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength));
  }

  /** Opens a blob of any version as a centroid code (v1 and v2 vectors are encoded on the way). */
  openCode(blob: Buffer, siteId: string, context: string): Uint8Array {
    const { version, plain } = this.openBytes(blob, siteId, context);
    if (version === CODE_VERSION) return plain;
    return encodeCentroid(new Float32Array(plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength)));
  }

  private sealBytes(version: number, payload: Uint8Array, siteId: string, context: string): Buffer {
    const kid = Buffer.from(this.activeKeyId, 'utf8');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.siteKey(this.activeKeyId, siteId), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(payload), cipher.final()]);
    return Buffer.concat([Buffer.from([version, kid.length]), kid, iv, cipher.getAuthTag(), body]);
  }

  private openBytes(blob: Buffer, siteId: string, context: string): { version: number; plain: Buffer } {
    const version = blob[0];
    if (version !== SITE_KEY_VERSION && version !== LEGACY_VERSION && version !== CODE_VERSION)
      throw new Error(`unknown centroid blob version ${version}`);
    const kidEnd = 2 + blob[1];
    const kid = blob.subarray(2, kidEnd).toString('utf8');
    if (!this.keys.has(kid)) throw new UnknownKeyError(`centroid sealed with unknown key id "${kid}"`);
    const key = version === LEGACY_VERSION ? this.keys.get(kid)! : this.siteKey(kid, siteId);
    const iv = blob.subarray(kidEnd, kidEnd + IV_BYTES);
    const tag = blob.subarray(kidEnd + IV_BYTES, kidEnd + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return {
      version,
      plain: Buffer.concat([decipher.update(blob.subarray(kidEnd + IV_BYTES + TAG_BYTES)), decipher.final()]),
    };
  }

  /** The master key id blobs are sealed with now. */
  get keyId(): string {
    return this.activeKeyId;
  }

  private siteKey(kid: string, siteId: string): Buffer {
    const cacheKey = `${kid}\u0000${siteId}`;
    let key = this.siteKeys.get(cacheKey);
    if (!key) {
      key = deriveSiteKey(this.keys.get(kid)!, siteId);
      this.siteKeys.set(cacheKey, key);
    }
    return key;
  }
}
