/** The per-frame quality gate of the video worker: which faces are good enough to represent a track, and how good. */
import type { DescribedFace } from '../face/index.ts';
import { estimatePose } from './estimate-pose.ts';

/** Minimums a frame's face must reach to be a candidate best shot. */
export interface QualityGateOptions {
  minFaceSidePx: number;
  /** Sharpness part of the quality score (Laplacian variance v/(v+100)), 0..1. */
  minSharpness: number;
  minDetectorScore: number;
  /** |yaw| proxy, inter-ocular distances (0.5 ≈ profile). */
  maxYaw: number;
  /** |pitch| proxy, eye-to-mouth distances. */
  maxPitch: number;
  /** Overall quality score (geometric mean of size, sharpness, detector), 0..1. */
  minQuality: number;
}

/** Why a frame's face was not a candidate: the first minimum it missed. */
export type QualityRejection = 'too_small' | 'blurred' | 'low_detector_score' | 'turned_away' | 'low_quality';

export type GateResult = { pass: true; score: number } | { pass: false; reason: QualityRejection };

/**
 * Passes or rejects one face. A passing face's score ranks it among its track's frames: the
 * quality score scaled down for pose (a frontal face scores its full quality), so the best
 * shots are sharp, large and frontal.
 */
export function gateFaceQuality(face: DescribedFace, opts: QualityGateOptions): GateResult {
  if (faceSide(face) < opts.minFaceSidePx) return { pass: false, reason: 'too_small' };
  if (face.qualityParts.sharpness < opts.minSharpness) return { pass: false, reason: 'blurred' };
  if (face.detectorScore < opts.minDetectorScore) return { pass: false, reason: 'low_detector_score' };
  const pose = estimatePose(face.landmarks5);
  if (Math.abs(pose.yaw) > opts.maxYaw || Math.abs(pose.pitch) > opts.maxPitch)
    return { pass: false, reason: 'turned_away' };
  if (face.quality < opts.minQuality) return { pass: false, reason: 'low_quality' };
  const frontal = (1 - Math.abs(pose.yaw) / (2 * opts.maxYaw)) * (1 - Math.abs(pose.pitch) / (2 * opts.maxPitch));
  return { pass: true, score: face.quality * frontal };
}

/** The side of the square with the area of the face's box: the size `minFaceSidePx` bounds. */
export function faceSide(face: Pick<DescribedFace, 'box'>): number {
  return Math.sqrt(face.box.width * face.box.height);
}
