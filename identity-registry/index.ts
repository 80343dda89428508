/** identity-registry: anonymous identities and exclusion templates in Redis, sealed with per-site AES-256-GCM keys. */
export type {
  ExclusionTemplate,
  Identity,
  IdentityMerge,
  IdentitySnapshot,
  IdentitySplit,
  ProcessedObservation,
  RegistryRepairs,
} from './identity.ts';
export { centroidCodeBytes, decodeCentroid, encodeCentroid } from './centroid-code.ts';
export type { IdentityStore } from './identity-store.ts';
export { CentroidCipher, UnknownKeyError } from './centroid-cipher.ts';
export { deriveSiteKey } from './derive-site-key.ts';
export { loadCentroidCipher } from './load-encryption-keys.ts';
export { generateEncryptionKeys, KeyFileError, openKeyFile } from './open-key-file.ts';
export { RedisIdentityStore, type RedisIdentityStoreOptions } from './redis-identity-store.ts';
export { rewriteRedisPersistence, type DiskPurge } from './rewrite-redis-persistence.ts';
