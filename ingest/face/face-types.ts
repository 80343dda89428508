/** Types at the boundary of the face pipeline: decoded pixels in, embeddings out. */

/** Decoded pixels, RGB interleaved, 8 bits per channel. Lives only in camera-worker memory. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A video frame as the decoder gives it: 8-bit planar YUV 4:2:0 (BT.601, limited range), chroma
 * planes at half width and height (rounded up). Half the bytes of RGB and no colour conversion
 * of the whole frame: only the few face crops read from it are converted (see sample-pixels.ts).
 */
export interface Yuv420Image {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

/** Any image the face crops read from: a decoded photo or a video frame. */
export type FrameImage = RgbImage | Yuv420Image;

export function isYuv420(image: FrameImage): image is Yuv420Image {
  return 'y' in image;
}

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face found in one image, reduced to what may leave the pipeline. */
export interface EmbeddedFace {
  box: FaceBox;
  /** Detector confidence, 0..1. */
  detectorScore: number;
  /** Eye centres, nose tip, mouth corners in image pixels. */
  landmarks5: Array<[number, number]>;
  /** L2-normalised embedding (512-d for the default model). */
  embedding: Float32Array;
  /** 0..1, higher is better: face size, sharpness and detector score combined. */
  quality: number;
  /** p(live) from the liveness model, 0..1; present only when asked for (uncalibrated). */
  liveness?: number;
}

/** The crops a face's shot models read (pixels, never to leave the worker). */
export interface FaceCrops {
  /** The 112×112 aligned crop, RGB interleaved 0..255, for the embedding. */
  aligned(): Float32Array;
  /** The liveness model's input. */
  liveness(): Float32Array;
}

/** The three ingredients of the quality score (see assess-quality.ts), each 0..1. */
export interface QualityParts {
  size: number;
  sharpness: number;
  detector: number;
}

/** A face found, landmarked and aligned but not yet embedded (see FacePipeline.describeFaces). */
export interface DescribedFace {
  box: FaceBox;
  detectorScore: number;
  landmarks5: Array<[number, number]>;
  /**
   * The shot models' crops, read from the image: call them while the image is valid. Made on
   * demand because a video worker embeds only a track's best few frames (the quality checks use
   * the grey crop alone).
   */
  crops: FaceCrops;
  /** The same crops from a copy of the pixels they read: usable after the frame's buffer is reused. */
  keep(): FaceCrops;
  quality: number;
  qualityParts: QualityParts;
}
