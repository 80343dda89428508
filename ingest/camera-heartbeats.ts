/** The camera worker's heartbeat: every interval, how many frames it analysed, so reports know which hours are covered. */
import type { Bus } from '../common/bus/bus.ts';
import { createLogger } from '../common/logger.ts';
import { encodeCameraHeartbeat, type MessageLimits } from '../schemas/index.ts';

export interface CameraHeartbeatOptions {
  siteId: string;
  cameraId: string;
  /** config `ingest.heartbeatEveryMs`. */
  everyMs: number;
  now?: () => number;
}

/**
 * Counts analysed frames and publishes one heartbeat per interval (keyed by site, like the
 * observations). A heartbeat that cannot be sent is logged and skipped: its hours then read
 * "no data", which is what the reports can vouch for.
 */
export class CameraHeartbeats {
  private readonly logger = createLogger('camera-heartbeats');
  private readonly now: () => number;
  private frames = 0;
  private since: number;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
    private readonly limits: Pick<MessageLimits, 'isKnownSite' | 'times'>,
    private readonly o: CameraHeartbeatOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.since = this.now();
  }

  /** Starts the interval timer (unref'd: it never keeps a process alive). */
  start(): this {
    this.timer = setInterval(() => void this.beat(), this.o.everyMs);
    this.timer.unref();
    return this;
  }

  countFrame(): void {
    this.frames++;
  }

  /** Sends the interval since the last heartbeat (also on stop, so a short run is covered). */
  beat(): Promise<void> {
    const tEndMs = this.now();
    const heartbeat = {
      siteId: this.o.siteId,
      cameraId: this.o.cameraId,
      tStartMs: this.since,
      tEndMs,
      framesAnalysed: this.frames,
    };
    this.since = tEndMs;
    this.frames = 0;
    this.sending = this.sending.then(async () => {
      try {
        await this.bus.publish(this.topic, [
          { key: heartbeat.siteId, value: encodeCameraHeartbeat(heartbeat, this.limits) },
        ]);
      } catch (err) {
        this.logger.warn({ err, camera: heartbeat.cameraId }, 'heartbeat not sent: its interval will read as no data');
      }
    });
    return this.sending;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beat();
  }
}
