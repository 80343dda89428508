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
