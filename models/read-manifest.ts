/** Loads and types models/manifest.json, and maps a model role to its file in models/onnx/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a model role is used for in the face pipeline. */
export type ModelRole = 'detect' | 'landmark' | 'feature' | 'liveness';

/** One model: where it comes from, how to check it and how to feed it. */
export interface ModelEntry {
  name: string;
  role: ModelRole;
  /** Path inside the source tarball. */
  path: string;
  sha256: string;
  input: { name: string; shape: number[]; layout: string; normalisation: string; channels: string; notes?: string };
  outputs: Array<{ name: string; shape: number[]; meaning: string }>;
}

/** The whole manifest: one pinned source package and the models taken from it. */
export interface ModelManifest {
  source: { package: string; version: string; license: string; tarball: string; integrity: string };
  models: ModelEntry[];
}

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Where fetched weights live (gitignored); REVISIT_MODELS_DIR overrides it. */
export const MODELS_DIR = process.env.REVISIT_MODELS_DIR ?? join(HERE, 'onnx');

/** The parsed manifest.json. */
export const manifest: ModelManifest = JSON.parse(readFileSync(join(HERE, 'manifest.json'), 'utf8'));

/** Absolute path of the fetched model file for a role. */
export function modelPath(role: ModelRole): string {
  const entry = manifest.models.find((m) => m.role === role);
  if (!entry) throw new Error(`models/manifest.json has no model with role "${role}"`);
  return join(MODELS_DIR, entry.name);
}
