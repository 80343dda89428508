/** Which feature model an embedding comes from: observations carry it, the worker compares only embeddings of its own model. */
import { manifest } from './read-manifest.ts';

const featureModel = manifest.models.find((m) => m.role === 'feature')!;
/** Embeddings of different models never match: the worker can tell them apart by these. */
export const MODEL_ID = featureModel.name.replace(/\.onnx$/, '');
/** The package and version the model files came from. */
export const MODEL_VERSION = `${manifest.source.package}@${manifest.source.version}`;
