/** A track's evidence: best scores over every frame, and the gate's most frequent reason as why it was not identified. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnidentifiedReason } from '../../schemas/index.ts';
import { TrackEvidence } from './track-evidence.ts';

test('the most frequent rejection names the reason; scores keep their best', () => {
  const e = new TrackEvidence<string>(2);
  e.note({ detectorScore: 0.7, quality: 0.3 }, 'too_small');
  e.note({ detectorScore: 0.95, quality: 0.4 }, 'blurred');
  e.note({ detectorScore: 0.9, quality: 0.35 }, 'too_small');
  assert.equal(e.unidentifiedReason(), UnidentifiedReason.TOO_SMALL);
  assert.equal(e.bestDetectorScore, 0.95);
  assert.equal(e.bestQuality, 0.4);
});

test('low detector scores and low quality are both LOW_QUALITY; a track with no rejection at all says LOW_QUALITY', () => {
  const e = new TrackEvidence<string>(1);
  e.note({ detectorScore: 0.7, quality: 0.3 }, 'low_detector_score');
  assert.equal(e.unidentifiedReason(), UnidentifiedReason.LOW_QUALITY);
  assert.equal(new TrackEvidence<string>(1).unidentifiedReason(), UnidentifiedReason.LOW_QUALITY);
});

test('the small shot is offered for pairing only when the track ends TOO_SMALL with no shot that passed', () => {
  const small = new TrackEvidence<string>(2, 16);
  small.note({ detectorScore: 0.95, quality: 0.4 }, 'too_small');
  small.small?.offer(30, 0.4, () => 'small');
  assert.equal(small.pairingShot(), 'small');

  const blurred = new TrackEvidence<string>(2, 16);
  blurred.small?.offer(30, 0.4, () => 'small');
  for (const reason of ['too_small', 'blurred', 'blurred'] as const)
    blurred.note({ detectorScore: 0.95, quality: 0.4 }, reason);
  assert.equal(blurred.pairingShot(), undefined, 'a BLURRED observation may not carry one');

  const identified = new TrackEvidence<string>(2, 16);
  identified.note({ detectorScore: 0.95, quality: 0.4 }, 'too_small');
  identified.small?.offer(30, 0.4, () => 'small');
  identified.shots.offer(0.8, 0.8, () => 'real');
  assert.equal(identified.pairingShot(), undefined, 'an identified track is never embedded for pairing');

  const off = new TrackEvidence<string>(2);
  off.note({ detectorScore: 0.95, quality: 0.4 }, 'too_small');
  assert.equal(off.small, null);
  assert.equal(off.pairingShot(), undefined);
});
