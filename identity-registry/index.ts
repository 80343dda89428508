/** identity-registry: anonymous identities in Redis, centroids sealed with AES-256-GCM. */
export type { Identity, ProcessedObservation } from './identity.ts';
export type { IdentityStore } from './identity-store.ts';
export { CentroidCipher } from './centroid-cipher.ts';
export { loadCentroidCipher } from './load-encryption-keys.ts';
export { RedisIdentityStore, type RedisIdentityStoreOptions } from './redis-identity-store.ts';
