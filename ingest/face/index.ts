/** Public API of the face pipeline: decode an image, get aligned, embedded faces, measure verification. */
export type {
  DescribedFace,
  EmbeddedFace,
  FaceBox,
  FaceCrops,
  FrameImage,
  QualityParts,
  RgbImage,
  Yuv420Image,
} from './face-types.ts';
export { DETECTOR_INPUT_SIZE, type DetectedFace, type DetectedFaces } from './detect-faces.ts';
export { decodeImage, TooManyPixelsError, type DecodeOptions } from './decode-image.ts';
export { sniffImageFormat, type UploadFormat } from './sniff-image-format.ts';
export { FacePipeline, type EmbedOptions, type PipelineOptions } from './face-pipeline.ts';
export { ShotModelsThread, type ShotModels } from './shot-models.ts';
export { pickPrimaryFace } from './pick-primary-face.ts';
export type { DetectOptions } from './detect-faces.ts';
export { cosine, equalErrorRate, scorePairs, type EerResult, type PairScores } from './measure-eer.ts';
