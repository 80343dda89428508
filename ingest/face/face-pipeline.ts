/** The face pipeline: detect → 68 landmarks → 5-point alignment → embedding (+ quality, liveness). */
import { fetchModels, modelPath, type ModelRole } from '../../models/index.ts';
import { alignmentMap, fivePoints, warpAlignedGrey } from './align-face.ts';
import { assessQuality, sharpnessWindow } from './assess-quality.ts';
import { detectFaces, type DetectedFace, type DetectedFaces, type DetectOptions } from './detect-faces.ts';
import { embedFace } from './embed-face.ts';
import { estimateLandmarks } from './estimate-landmarks.ts';
import { livenessMap, scoreLiveness } from './estimate-liveness.ts';
import { faceCrops, keepFaceCrops } from './face-crops.ts';
import type { DescribedFace, EmbeddedFace, FrameImage, RgbImage } from './face-types.ts';
import { createSession, timeRuns, type InferenceSession } from './onnx-session.ts';
import { padImage } from './pad-image.ts';
import { ShotModelsThread } from './shot-models.ts';
import { pickPrimaryFace } from './pick-primary-face.ts';

/** Options for FacePipeline.load. */
export interface PipelineOptions {
  /** Model file per role; defaults to models/onnx/ from the manifest. */
  modelFiles?: Partial<Record<ModelRole, string>>;
  /** Fetch missing models first (needs the npm registry). Default false: fail with a clear message. */
  fetch?: boolean;
  /** Load the liveness model now rather than on first use. */
  liveness?: boolean;
  /** Intra-op threads per model session (default 1: see createSession). */
  intraOpThreads?: number;
  /** Called after every model run with its wall time, e.g. for latency histograms. */
  onModelRun?: (role: ModelRole, seconds: number) => void;
}

/** Options for one image. */
export interface EmbedOptions extends DetectOptions {
  /** Also compute `liveness` (one more model run per face). */
  liveness?: boolean;
  /** Keep only the largest N faces (after sorting by size). */
  maxFaces?: number;
  /** Faces the detector already found elsewhere (the video decoder thread): detection is skipped. */
  detected?: DetectedFaces;
}

/**
 * Border added on every side of a tight crop, as a fraction of its long side. The detector was
 * trained on scenes, not on frames filled by a face: on ORL's 92×112 shots it misses 15 of 400
 * faces unpadded, and the faces it finds give 1.9 % EER; padded by 0.25 (or 0.5) it finds all
 * 400 and the EER drops to 0.5 %.
 */
const TIGHT_CROP_PAD = 0.25;

/** Loads the four ONNX models once and turns images into embedded faces. */
export class FacePipeline {
  private livenessSession: InferenceSession | null = null;

  private constructor(
    private readonly detect: InferenceSession,
    private readonly landmark: InferenceSession,
    private readonly feature: InferenceSession,
    private readonly options: PipelineOptions,
  ) {}

  /** Opens the model sessions (one thread each). */
  static async load(opts: PipelineOptions = {}): Promise<FacePipeline> {
    if (opts.fetch) await fetchModels();
    const open = (role: ModelRole) => openTimedSession(role, opts);
    const [detect, landmark, feature] = await Promise.all([open('detect'), open('landmark'), open('feature')]);
    const pipeline = new FacePipeline(detect, landmark, feature, opts);
    if (opts.liveness) await pipeline.livenessModel();
    return pipeline;
  }

  /** Every face in the image, largest first. Pixels stay in memory; nothing is logged. */
  async embedFaces(image: FrameImage, opts: EmbedOptions = {}): Promise<EmbeddedFace[]> {
    const faces: EmbeddedFace[] = [];
    for (const described of await this.describeFaces(image, opts)) {
      const { box, detectorScore, landmarks5, quality, crops } = described;
      const face: EmbeddedFace = {
        box,
        detectorScore,
        landmarks5,
        embedding: await this.embedAligned(crops.aligned()),
        quality,
      };
      if (opts.liveness) face.liveness = await this.scoreLiveness(crops.liveness());
      faces.push(face);
    }
    return faces;
  }

  /**
   * Every face in the image, largest first, detected, landmarked, aligned and scored but not yet
   * embedded: a video worker embeds only the best frames of each track.
   */
  async describeFaces(image: FrameImage, opts: EmbedOptions = {}): Promise<DescribedFace[]> {
    const detections = opts.detected ? [...opts.detected.faces] : await detectFaces(this.detect, image, opts);
    if (opts.detected) {
      // Tiles run the detector several times per frame: each run is reported at their mean time.
      const runs = opts.detected.runs ?? 1;
      for (let i = 0; i < runs; i++) this.options.onModelRun?.('detect', opts.detected.seconds / runs);
    }
    detections.sort((a, b) => area(b) - area(a));
    const kept = opts.maxFaces === undefined ? detections : detections.slice(0, opts.maxFaces);
    const faces: DescribedFace[] = [];
    for (const d of kept) {
      const landmarks5 = fivePoints(await estimateLandmarks(this.landmark, image, d));
      const maps = { aligned: alignmentMap(landmarks5), liveness: livenessMap(image, d) };
      const window = sharpnessWindow(maps.aligned);
      const { quality, parts } = assessQuality(
        warpAlignedGrey(image, maps.aligned, window),
        window.size,
        Math.sqrt(area(d)),
        d.score,
      );
      const face = { box: clipBox(d, image), detectorScore: d.score, landmarks5, quality, qualityParts: parts };
      faces.push({ ...face, crops: faceCrops(image, maps), keep: () => keepFaceCrops(image, maps) });
    }
    return faces;
  }

  /** The L2-normalised embedding of an aligned crop from describeFaces. */
  embedAligned(aligned: Float32Array): Promise<Float32Array> {
    return embedFace(this.feature, aligned);
  }

  /** p(live) of a face's liveness crop (loads the liveness model on first use). */
  async scoreLiveness(input: Float32Array): Promise<number> {
    return scoreLiveness(await this.livenessModel(), input);
  }

  /** The one face a single-subject photo is about (see pickPrimaryFace), or null when none is found. */
  async embedPrimaryFace(image: FrameImage, opts: EmbedOptions = {}): Promise<EmbeddedFace | null> {
    return pickPrimaryFace(await this.embedFaces(image, opts), image) ?? null;
  }

  /**
   * For images that are already a tight face crop (a face filling the frame, like ORL's 92×112
   * shots, or crops posted by an integrating application): detects on the image padded with a
   * replicated border (TIGHT_CROP_PAD), and falls back to the unpadded image if that finds
   * nothing. Coordinates are returned in the original image's frame. Returns the primary face or null.
   */
  async embedTightCrop(image: RgbImage, opts: EmbedOptions = {}): Promise<EmbeddedFace | null> {
    return (await this.embedTightCropFaces(image, opts))[0] ?? null;
  }

  /** Every face embedTightCrop sees in the crop, the one it picks first (the other faces: bystanders, for calibration). */
  async embedTightCropFaces(image: RgbImage, opts: EmbedOptions = {}): Promise<EmbeddedFace[]> {
    const pad = Math.round(TIGHT_CROP_PAD * Math.max(image.width, image.height));
    const padded = padImage(image, pad);
    const found = await this.embedFaces(padded, opts);
    const [faces, frame] = found.length > 0 ? [found, padded] : [await this.embedFaces(image, opts), image];
    const primary = pickPrimaryFace(faces, frame);
    const ordered = primary ? [primary, ...faces.filter((f) => f !== primary)] : [];
    return found.length > 0 ? ordered.map((f) => unpad(f, pad, image)) : ordered;
  }

  /** The model file this pipeline runs for `role` (for a detector on another thread). */
  modelFile(role: ModelRole): string {
    return modelFileOf(role, this.options);
  }

  /**
   * This pipeline's liveness and embedding models on a thread of their own, reporting their runs
   * as the pipeline does: a video worker concludes ended tracks there while it analyses frames.
   */
  startShotModelsThread(): ShotModelsThread {
    return ShotModelsThread.start(
      { feature: this.modelFile('feature'), liveness: this.modelFile('liveness') },
      this.options.onModelRun,
    );
  }

  /** Releases the ONNX sessions. */
  async close(): Promise<void> {
    const sessions = [this.detect, this.landmark, this.feature, this.livenessSession];
    await Promise.all(sessions.map((s) => s?.release()));
    this.livenessSession = null;
  }

  private async livenessModel(): Promise<InferenceSession> {
    this.livenessSession ??= await openTimedSession('liveness', this.options);
    return this.livenessSession;
  }
}

/** Opens one model's session; with `onModelRun`, every run reports its wall time. */
async function openTimedSession(role: ModelRole, opts: PipelineOptions): Promise<InferenceSession> {
  const session = await createSession(modelFileOf(role, opts), opts.intraOpThreads);
  const report = opts.onModelRun;
  return report ? timeRuns(session, (seconds) => report(role, seconds)) : session;
}

function modelFileOf(role: ModelRole, opts: PipelineOptions): string {
  return opts.modelFiles?.[role] ?? modelPath(role);
}

function area(d: DetectedFace): number {
  return (d.x2 - d.x1) * (d.y2 - d.y1);
}

function clipBox(d: DetectedFace, image: FrameImage): EmbeddedFace['box'] {
  const x = Math.max(0, d.x1);
  const y = Math.max(0, d.y1);
  return { x, y, width: Math.min(image.width, d.x2) - x, height: Math.min(image.height, d.y2) - y };
}

/** Moves a face found on the padded image back into the original image's frame. */
function unpad(face: EmbeddedFace, pad: number, image: RgbImage): EmbeddedFace {
  const { x, y, width, height } = face.box;
  const shifted = { x1: x - pad, y1: y - pad, x2: x + width - pad, y2: y + height - pad, score: face.detectorScore };
  return {
    ...face,
    box: clipBox(shifted, image),
    landmarks5: face.landmarks5.map(([lx, ly]) => [lx - pad, ly - pad] as [number, number]),
  };
}
