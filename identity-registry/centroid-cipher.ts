/** AES-256-GCM sealing of centroids: plaintext vectors exist only in worker memory. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Keys by key id; the active one seals, any known one opens, so keys can rotate. */
export class CentroidCipher {
  private readonly keys: Map<string, Buffer>;

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
   * is bound as associated data, so a blob copied onto another identity fails to open.
   */
  seal(vector: Float32Array, context: string): Buffer {
    const kid = Buffer.from(this.activeKeyId, 'utf8');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION, kid.length]), kid, iv, cipher.getAuthTag(), body]);
  }

  open(blob: Buffer, context: string): Float32Array {
    if (blob[0] !== FORMAT_VERSION) throw new Error(`unknown centroid blob version ${blob[0]}`);
    const kidEnd = 2 + blob[1];
    const kid = blob.subarray(2, kidEnd).toString('utf8');
    const key = this.keys.get(kid);
    if (!key) throw new Error(`centroid sealed with unknown key id "${kid}"`);
    const iv = blob.subarray(kidEnd, kidEnd + IV_BYTES);
    const tag = blob.subarray(kidEnd + IV_BYTES, kidEnd + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(blob.subarray(kidEnd + IV_BYTES + TAG_BYTES)), decipher.final()]);
    // Copy into an aligned buffer: Float32Array needs a 4-byte aligned offset.
    return new Float32Array(plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength));
  }

  /** The key id blobs are sealed with now. */
  get keyId(): string {
    return this.activeKeyId;
  }
}
