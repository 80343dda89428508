/** SORT-like face tracking within one camera: associates each frame's face boxes with the open tracks by predicted overlap. */
import type { FaceBox } from '../face/index.ts';

export interface TrackerOptions {
  /** Predicted-box IoU at or above which a detection continues a track. */
  minIou: number;
  /**
   * A detection whose centre lies within this many face sides of a track's predicted centre (and
   * whose size is within a factor of 2) also continues it: at a 5 fps analysis rate a walking
   * face can move further than its own overlap allows.
   */
  maxCentreShiftSides: number;
  /** Frames a track may go unseen before it is closed (occlusion, a missed detection). */
  maxMissedFrames: number;
  /** At most this many open tracks; beyond it the least recently seen is closed (bounds memory). */
  maxOpenTracks: number;
}

/** One face track as the tracker sees it: geometry and timing, no pixels. */
export interface Track {
  id: string;
  box: FaceBox;
  /** Per-frame motion of the box centre and size, smoothed, for the next prediction. */
  velocity: { x: number; y: number; side: number };
  firstSeenMs: number;
  lastSeenMs: number;
  /** Frames with a detection. */
  hits: number;
  missed: number;
  /** Largest distance of the box centre from where the track started, in face sides. */
  maxTravelSides: number;
  /** Tracks seen in the same frame as this one at least once: different people. */
  concurrent: Set<string>;
  start: { x: number; y: number };
}

export interface TrackUpdate {
  /** Track id of each detection, in the order given. */
  trackIds: string[];
  /** Tracks closed by this frame (unseen for too long, or evicted). */
  closed: Track[];
}

/** Cannot-link ids kept per track (the observation carries at most 256): bounds a long track in a crowd. */
const MAX_CONCURRENT = 256;
/** Motion smoothing: how much of the newest frame-to-frame shift goes into the velocity. */
const VELOCITY_GAIN = 0.5;

export class FaceTracker {
  private readonly open = new Map<string, Track>();
  private seq = 0;

  constructor(
    private readonly opts: TrackerOptions,
    /** Prefix of track ids; make it unique per worker run so ids never repeat across restarts. */
    private readonly idPrefix: string,
  ) {}

  /** Number of tracks currently open. */
  get openCount(): number {
    return this.open.size;
  }

  /** Feeds one frame's detections (time `tMs`) and returns their track ids and the tracks it closed. */
  update(boxes: FaceBox[], tMs: number): TrackUpdate {
    const tracks = [...this.open.values()];
    const pairs: Array<{ score: number; t: number; d: number }> = [];
    tracks.forEach((track, t) => {
      const predicted = predict(track);
      boxes.forEach((box, d) => {
        const score = this.matchScore(predicted, box);
        if (score > 0) pairs.push({ score, t, d });
      });
    });
    // Greedy best-first assignment: with the few faces of a shop camera it equals Hungarian almost always.
    pairs.sort((a, b) => b.score - a.score);
    const trackIds = new Array<string>(boxes.length);
    const usedTracks = new Set<number>();
    for (const { t, d } of pairs) {
      if (usedTracks.has(t) || trackIds[d] !== undefined) continue;
      usedTracks.add(t);
      trackIds[d] = tracks[t].id;
      continueTrack(tracks[t], boxes[d], tMs);
    }
    boxes.forEach((box, d) => {
      if (trackIds[d] !== undefined) return;
      const track = newTrack(`${this.idPrefix}-${++this.seq}`, box, tMs);
      this.open.set(track.id, track);
      trackIds[d] = track.id;
    });
    for (const id of trackIds) {
      const concurrent = this.open.get(id)!.concurrent;
      for (const other of trackIds) if (other !== id && concurrent.size < MAX_CONCURRENT) concurrent.add(other);
    }

    const seen = new Set(trackIds);
    const closed: Track[] = [];
    for (const track of this.open.values()) {
      if (seen.has(track.id)) continue;
      track.missed++;
      if (track.missed > this.opts.maxMissedFrames) closed.push(track);
    }
    for (const track of closed) this.open.delete(track.id);
    if (this.open.size > this.opts.maxOpenTracks) {
      const stalest = [...this.open.values()].sort((a, b) => a.lastSeenMs - b.lastSeenMs);
      for (const track of stalest.slice(0, this.open.size - this.opts.maxOpenTracks)) {
        this.open.delete(track.id);
        closed.push(track);
      }
    }
    return { trackIds, closed };
  }

  /** Closes every open track (end of a file, a stream that ended). */
  closeAll(): Track[] {
    const all = [...this.open.values()];
    this.open.clear();
    return all;
  }

  private matchScore(predicted: FaceBox, box: FaceBox): number {
    const overlap = iou(predicted, box);
    if (overlap >= this.opts.minIou) return 1 + overlap;
    const side = Math.sqrt(predicted.width * predicted.height);
    const ratio = Math.sqrt(box.width * box.height) / side;
    if (ratio < 0.5 || ratio > 2) return 0;
    const shift = Math.hypot(centreX(box) - centreX(predicted), centreY(box) - centreY(predicted)) / side;
    return shift <= this.opts.maxCentreShiftSides ? 1 - shift / (this.opts.maxCentreShiftSides + 1e-9) + 1e-6 : 0;
  }
}

/** Intersection over union of two boxes. */
export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

function centreX(b: FaceBox): number {
  return b.x + b.width / 2;
}

function centreY(b: FaceBox): number {
  return b.y + b.height / 2;
}

/** Constant-velocity prediction of the box one frame (plus missed frames) ahead. */
function predict(track: Track): FaceBox {
  const steps = track.missed + 1;
  const side = Math.max(1, Math.sqrt(track.box.width * track.box.height) + track.velocity.side * steps);
  const aspect = track.box.height / track.box.width;
  const cx = centreX(track.box) + track.velocity.x * steps;
  const cy = centreY(track.box) + track.velocity.y * steps;
  const width = side / Math.sqrt(aspect);
  const height = side * Math.sqrt(aspect);
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}

function newTrack(id: string, box: FaceBox, tMs: number): Track {
  return {
    id,
    box,
    velocity: { x: 0, y: 0, side: 0 },
    firstSeenMs: tMs,
    lastSeenMs: tMs,
    hits: 1,
    missed: 0,
    maxTravelSides: 0,
    concurrent: new Set(),
    start: { x: centreX(box), y: centreY(box) },
  };
}

function continueTrack(track: Track, box: FaceBox, tMs: number): void {
  const steps = track.missed + 1;
  const side = Math.sqrt(box.width * box.height);
  const v = track.velocity;
  v.x += VELOCITY_GAIN * ((centreX(box) - centreX(track.box)) / steps - v.x);
  v.y += VELOCITY_GAIN * ((centreY(box) - centreY(track.box)) / steps - v.y);
  v.side += VELOCITY_GAIN * ((side - Math.sqrt(track.box.width * track.box.height)) / steps - v.side);
  track.box = box;
  track.lastSeenMs = tMs;
  track.hits++;
  track.missed = 0;
  track.maxTravelSides = Math.max(
    track.maxTravelSides,
    Math.hypot(centreX(box) - track.start.x, centreY(box) - track.start.y) / side,
  );
}
