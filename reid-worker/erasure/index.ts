/** Forgetting: erasure of a face on request, retention sweeps, and keeping workers' copies of a site current. */
export { eraseFace, type EraseFaceDeps, type EraseFaceRequest, type ErasureResult } from './erase-face.ts';
export {
  findMatchingIdentities,
  normaliseErasureEmbedding,
  ErasureRequestError,
  type IdentityMatch,
} from './find-matching-identities.ts';
export { SiteRefresher, type SiteRefresherOptions } from './refresh-site-state.ts';
export { RegistryLock } from './registry-lock.ts';
