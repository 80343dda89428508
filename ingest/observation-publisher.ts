/** The camera worker's producer: validates and encodes observations, publishes them keyed by site, rides out a bus outage. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, OutgoingMessage } from '../common/bus/bus.ts';
import { createLogger } from '../common/logger.ts';
import { encodeFaceObservation, isUnidentified, type FaceObservation, type MessageLimits } from '../schemas/index.ts';
import type { IngestConfig } from '../schemas/ingest.schema.ts';
import {
  busDownObservationsTotal,
  cameraLabel,
  bufferedObservations,
  trackObservationsTotal,
} from './ingest-metrics.ts';

/** What to do while the bus is unreachable (config `ingest.whenBusDown` and friends). */
export type BusDownPolicy = Pick<IngestConfig, 'whenBusDown' | 'busDownBufferMax' | 'busDownAfterMs'>;

/** First pause between re-sends of the buffer; doubles up to the cap while the bus stays down. */
const RESEND_BACKOFF_MS = 250;
const RESEND_BACKOFF_MAX_MS = 30_000;
/** Buffered messages sent per attempt once the bus answers again. */
const RESEND_CHUNK = 500;

/**
 * Without a `busDown` policy, `publish` resolves once the bus has the observations and rejects
 * if it fails (the caller decides). With one, a camera never stalls on Kafka: a publish that
 * fails, or is unanswered after `busDownAfterMs`, marks the bus down; until it is back, new
 * observations are kept in memory (`buffer`, at most `busDownBufferMax`, the oldest dropped
 * beyond) or dropped (`drop`), both counted in `revisit_ingest_bus_down_observations_total`.
 * An unanswered publish is never abandoned (the Kafka producer retries it, idempotently), so
 * nothing is sent twice; the buffer follows it in order once it lands.
 */
export class ObservationPublisher {
  private readonly logger = createLogger('observation-publisher');
  private readonly buffer: OutgoingMessage[] = [];
  /** True from the first failure or stall until the bus has taken everything held back. */
  private down = false;
  private recovering: Promise<void> | null = null;
  private droppedThisOutage = 0;

  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
    private readonly limits: MessageLimits,
    private readonly busDown?: BusDownPolicy,
  ) {}

  /** Throws ContractError before anything is sent if any observation is invalid. */
  async publish(observations: FaceObservation[]): Promise<void> {
    if (observations.length === 0) return;
    // The key is the site: all cameras of a site meet in one partition, owned by one worker.
    const messages = observations.map((o) => ({ key: o.siteId, value: encodeFaceObservation(o, this.limits) }));
    // Counted here, where every source's observations pass, once they are valid (outages count apart).
    for (const o of observations)
      trackObservationsTotal.inc({ camera: cameraLabel(o.siteId, o.cameraId), identified: String(!isUnidentified(o)) });
    if (!this.busDown) {
      await this.send(messages);
      return;
    }
    if (this.down) {
      this.holdBack(messages);
      return;
    }
    const sent = this.send(messages).then(
      () => 'sent' as const,
      (error: unknown) => error,
    );
    const outcome = await Promise.race([sent, sleep(this.busDown.busDownAfterMs, 'stalled' as const)]);
    if (outcome === 'sent') return;
    this.markDown(outcome === 'stalled' ? 'unanswered' : outcome);
    if (outcome !== 'stalled') this.holdBack(messages);
    // A stalled send is still the producer's: its fate decides when the buffer may follow.
    this.recover(
      outcome === 'stalled'
        ? sent.then((late) => (late === 'sent' ? undefined : this.holdBack(messages, true)))
        : Promise.resolve(),
    );
  }

  /** Observations held back while the bus is down. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Resolves once the bus has everything held back (shutdown; tests). */
  async flush(): Promise<void> {
    while (this.recovering) await this.recovering;
  }

  private async send(messages: OutgoingMessage[]): Promise<void> {
    await this.bus.publish(this.topic, messages);
  }

  private markDown(reason: unknown): void {
    if (this.down) return;
    this.down = true;
    this.droppedThisOutage = 0;
    const action = this.busDown?.whenBusDown === 'drop' ? 'dropping' : 'buffering';
    this.logger.warn({ err: reason, topic: this.topic }, `bus unreachable: ${action} observations until it answers`);
  }

  /** Buffers (or drops, per policy) `messages`; `first`: they were sent before anything buffered. */
  private holdBack(messages: OutgoingMessage[], first = false): void {
    const policy = this.busDown!;
    if (policy.whenBusDown === 'drop') return this.drop(messages.length);
    if (first) this.buffer.unshift(...messages);
    else this.buffer.push(...messages);
    busDownObservationsTotal.inc({ outcome: 'buffered' }, messages.length);
    const overflow = this.buffer.length - policy.busDownBufferMax;
    if (overflow > 0) this.drop(this.buffer.splice(0, overflow).length);
    bufferedObservations.set(this.buffer.length);
  }

  private drop(count: number): void {
    this.droppedThisOutage += count;
    busDownObservationsTotal.inc({ outcome: 'dropped' }, count);
  }

  /** After `settled`, re-sends the buffer with a doubling pause until the bus takes it all. */
  private recover(settled: Promise<void>): void {
    if (this.recovering) return;
    this.recovering = (async () => {
      await settled;
      let pauseMs = RESEND_BACKOFF_MS;
      while (this.buffer.length > 0) {
        const chunk = this.buffer.slice(0, RESEND_CHUNK);
        try {
          await this.send(chunk);
          this.buffer.splice(0, chunk.length);
          bufferedObservations.set(this.buffer.length);
          pauseMs = RESEND_BACKOFF_MS;
        } catch {
          await sleep(pauseMs);
          pauseMs = Math.min(RESEND_BACKOFF_MAX_MS, pauseMs * 2);
        }
      }
      this.down = false;
      this.recovering = null;
      this.logger.info(
        { topic: this.topic, dropped: this.droppedThisOutage },
        'bus answering again: held-back observations sent',
      );
    })();
  }
}
