/** Per-site keys: each site's vectors are sealed with a key derived from a master key and the site id. */
import { hkdfSync } from 'node:crypto';

/** Versioned so a future change of derivation cannot silently open old blobs with the wrong key. */
const SALT = Buffer.from('revisit/site-key/v1', 'utf8');

/**
 * HKDF-SHA256(master, salt, info = site id) → 32 bytes. A leaked site key exposes that site only,
 * and a blob copied to another site's keyspace does not open there.
 */
export function deriveSiteKey(masterKey: Buffer, siteId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, SALT, Buffer.from(siteId, 'utf8'), 32));
}
