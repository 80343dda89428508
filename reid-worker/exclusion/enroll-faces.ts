/** Enrolment of an exclusion group member (staff): photos → one averaged, encrypted template in the registry. */
import { randomUUID } from 'node:crypto';
import { decodeImage, type FacePipeline } from '../../ingest/index.ts';
import type { ExclusionTemplate, IdentityStore } from '../../identity-registry/index.ts';
import { buildTemplate, EnrolmentError } from './build-template.ts';

/** Labels are stored in ClickHouse and shown in reports: short, lower-case words. */
const LABEL = /^[a-z][a-z0-9_-]{0,31}$/;

export interface EnrollRequest {
  siteId: string;
  /** The exclusion group, e.g. `staff`. */
  label: string;
  /** Photos of one person; each should show that person's face (the largest face is taken). */
  files: string[];
}

export interface EnrollDeps {
  pipeline: FacePipeline;
  store: IdentityStore;
  /** Each photo must reach this cosine against the others (the match threshold is a good value). */
  minAgreementCosine: number;
  onProgress?: (done: number) => void;
  now?: () => number;
}

export interface EnrollResult {
  template: Omit<ExclusionTemplate, 'embedding'>;
  /** Photos that could not be used, with the reason; they did not enter the template. */
  skipped: Array<{ file: string; reason: string }>;
}

/** Embeds each photo's primary face, averages them, and saves the template sealed with the site's key. */
export async function enrollFaces(req: EnrollRequest, deps: EnrollDeps): Promise<EnrollResult> {
  if (!LABEL.test(req.label))
    throw new EnrolmentError(`label "${req.label}" must be a lower-case word (a-z, 0-9, _ or -, at most 32)`);
  const embeddings: Float32Array[] = [];
  const skipped: EnrollResult['skipped'] = [];
  for (const [i, file] of req.files.entries()) {
    try {
      const face = await deps.pipeline.embedPrimaryFace(await decodeImage(file));
      if (face) embeddings.push(face.embedding);
      else skipped.push({ file, reason: 'no face found' });
    } catch (err) {
      skipped.push({ file, reason: (err as Error).message });
    }
    deps.onProgress?.(i + 1);
  }
  if (embeddings.length === 0) throw new EnrolmentError(`no usable face in ${req.files.length} photo(s)`);
  const template: ExclusionTemplate = {
    siteId: req.siteId,
    templateId: randomUUID(),
    label: req.label,
    embedding: buildTemplate(embeddings, deps.minAgreementCosine),
    images: embeddings.length,
    enrolledMs: (deps.now ?? Date.now)(),
  };
  await deps.store.saveTemplate(template);
  const { embedding: _, ...summary } = template;
  return { template: summary, skipped };
}
