/** Head pose proxies from the five alignment points: how far a face is turned, tilted or nodding. */

/** Pose proxies; 0 is a frontal, upright face. */
export interface PoseProxies {
  /** Nose offset from the eye midpoint along the eye line, in inter-ocular distances: ~±0.5 at a profile. */
  yaw: number;
  /** Angle of the eye line, radians. */
  roll: number;
  /**
   * Where the nose sits between the eye line and the mouth line, minus the frontal ~0.45, in
   * eye-to-mouth distances: positive looking down, negative looking up.
   */
  pitch: number;
}

/** The frontal nose position between eyes (0) and mouth (1) on the ArcFace template: (71.7−51.6)/(92.3−51.6). */
const FRONTAL_NOSE_DEPTH = 0.49;

/** Pose proxies from [left eye, right eye, nose, left mouth corner, right mouth corner] in pixels. */
export function estimatePose(points5: ReadonlyArray<readonly [number, number]>): PoseProxies {
  const [le, re, nose, lm, rm] = points5;
  const ex = (le[0] + re[0]) / 2;
  const ey = (le[1] + re[1]) / 2;
  const dx = re[0] - le[0];
  const dy = re[1] - le[1];
  const eyeDist = Math.hypot(dx, dy) || 1;
  // Nose offset projected on the eye line (yaw) and on its normal (towards the mouth).
  const ux = dx / eyeDist;
  const uy = dy / eyeDist;
  const nx = nose[0] - ex;
  const ny = nose[1] - ey;
  const mouthDepth = ((lm[0] + rm[0]) / 2 - ex) * -uy + ((lm[1] + rm[1]) / 2 - ey) * ux;
  const noseDepth = nx * -uy + ny * ux;
  return {
    yaw: (nx * ux + ny * uy) / eyeDist,
    roll: Math.atan2(dy, dx),
    pitch: mouthDepth > 0 ? noseDepth / mouthDepth - FRONTAL_NOSE_DEPTH : 1,
  };
}
