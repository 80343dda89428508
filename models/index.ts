/** Public API of models/: the typed manifest, model paths, and the fetchers. */
export {
  manifest,
  modelPath,
  MODELS_DIR,
  type ModelEntry,
  type ModelManifest,
  type ModelRole,
} from './read-manifest.ts';
export { MODEL_ID, MODEL_VERSION } from './feature-model.ts';
export { fetchModels } from './fetch-models.ts';
export {
  fetchPackageFiles,
  sha256File,
  ChecksumError,
  type FetchReport,
  type PackageFile,
  type PackageFilesSpec,
} from './fetch-package-files.ts';
