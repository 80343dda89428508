/** Exclusion groups (staff): enrolment into averaged templates and the per-sighting check. */
export { matchExclusion, type ExclusionMatch } from './match-exclusion.ts';
export { averageEmbeddings, buildTemplate, EnrolmentError } from './build-template.ts';
export { enrollFaces, type EnrollDeps, type EnrollRequest, type EnrollResult } from './enroll-faces.ts';
export { ExclusionTemplateCache } from './exclusion-template-cache.ts';
