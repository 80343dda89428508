/** API key strings: `rv_<id>_<secret>`. Only the sha256 of a key is ever stored. */
import { createHash, randomBytes } from 'node:crypto';

const KEY_PATTERN = /^rv_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: its public id (for listing and revoking) and the secret string shown once. */
export function generateApiKey(): { id: string; key: string } {
  const id = randomBytes(4).toString('hex');
  return { id, key: `rv_${id}_${randomBytes(32).toString('base64url')}` };
}

/** The id inside a well-formed key, or null: malformed keys are rejected before any lookup. */
export function apiKeyId(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}
