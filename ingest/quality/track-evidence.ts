/** What one open face track has shown so far: its best shots, its best too-small face, and for the frames the gate turned away, why. */
import { UnidentifiedReason } from '../../schemas/index.ts';
import type { QualityRejection } from './gate-face-quality.ts';
import { BestShots } from './keep-best-shots.ts';
import { SmallShot } from './keep-small-shot.ts';

const REASON_OF: Record<QualityRejection, UnidentifiedReason> = {
  too_small: UnidentifiedReason.TOO_SMALL,
  blurred: UnidentifiedReason.BLURRED,
  turned_away: UnidentifiedReason.TURNED_AWAY,
  low_detector_score: UnidentifiedReason.LOW_QUALITY,
  low_quality: UnidentifiedReason.LOW_QUALITY,
};

/** Per track; memory is bounded by its K shots and one small one whatever its length. */
export class TrackEvidence<T> {
  readonly shots: BestShots<T>;
  /** Its best too-small face, for a pairing embedding; null when pairing embeddings are off. */
  readonly small: SmallShot<T> | null;
  private readonly rejections = new Map<QualityRejection, number>();
  /** Highest detector score and quality of any of its faces, passed or not. */
  bestDetectorScore = 0;
  bestQuality = 0;

  /** `smallShotMinSidePx`: the smallest face kept as its small shot; absent, none is kept. */
  constructor(bestShots: number, smallShotMinSidePx?: number) {
    this.shots = new BestShots(bestShots);
    this.small = smallShotMinSidePx === undefined ? null : new SmallShot(smallShotMinSidePx);
  }

  /** Notes one frame's face: its scores, and the gate's reason when it turned the face away. */
  note(face: { detectorScore: number; quality: number }, rejection: QualityRejection | null): void {
    this.bestDetectorScore = Math.max(this.bestDetectorScore, face.detectorScore);
    this.bestQuality = Math.max(this.bestQuality, face.quality);
    if (rejection) this.rejections.set(rejection, (this.rejections.get(rejection) ?? 0) + 1);
  }

  /** Why the track could not be identified: the gate's most frequent reason over its frames (ties: the first met). */
  unidentifiedReason(): UnidentifiedReason {
    let best: QualityRejection = 'low_quality';
    let most = 0;
    for (const [reason, count] of this.rejections) {
      if (count > most) [best, most] = [reason, count];
    }
    return REASON_OF[best];
  }

  /**
   * The small shot to embed for pairing, only when the track ends unidentified as TOO_SMALL (the
   * contract allows a pairing embedding on no other observation) and has no shot that passed.
   */
  pairingShot(): T | undefined {
    if (this.shots.kept.length > 0 || this.unidentifiedReason() !== UnidentifiedReason.TOO_SMALL) return undefined;
    return this.small?.kept;
  }
}
