/** Field checks shared by every message contract, and the error they raise. */
import { fromBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { ID_PATTERN } from './id.schema.ts';

/** Why a message was rejected: a stable code for dead letters and metrics, and a readable message. */
export class ContractError extends Error {
  /** Bad data never becomes good by retrying. */
  readonly retriable = false;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/**
 * The message's fields from protobuf bytes, without the generated type's bookkeeping
 * ($typeName, $unknown); bytes that are not the message raise ContractError 'malformed'.
 */
export function parseMessage<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
): Omit<MessageShape<Desc>, '$typeName' | '$unknown'> {
  let msg: MessageShape<Desc>;
  try {
    msg = fromBinary(schema, bytes);
  } catch (err) {
    const name = schema.name;
    throw new ContractError('malformed', `not a${/^[AEIOU]/.test(name) ? 'n' : ''} ${name}: ${(err as Error).message}`);
  }
  const { $typeName: _t, $unknown: _u, ...fields } = msg as MessageShape<Desc> & { $unknown?: unknown };
  return fields;
}

export interface MessageLimits {
  embeddingDim: number;
  maxMessageBytes: number;
  isKnownSite: (siteId: string) => boolean;
  times: TimeWindow;
}

/**
 * Where observation times may lie: from `maxPastMsOf(site)` before `now()` to `maxFutureSkewMs`
 * after it. `now` is the clock of whoever checks (the worker's own, a fake one in simulations).
 */
export interface TimeWindow {
  now: () => number;
  maxFutureSkewMs: number;
  maxPastMsOf: (siteId: string) => number;
}

/** Embeddings are L2-normalised by the producer; float32 rounding stays well inside this. */
const NORM_TOLERANCE = 1e-3;

export function checkId(field: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw new ContractError(
      'bad_id',
      `${field} must be 1-128 characters of [A-Za-z0-9._:-], got ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
}

/**
 * Start and end are epoch ms in order, inside the site's time window: a time the calendar code
 * cannot handle (8.7e15 made a RangeError) or that no report will ever show never reaches the worker.
 */
export function checkTimes(tStartMs: number, tEndMs: number, siteId: string, window: TimeWindow): void {
  if (!Number.isSafeInteger(tStartMs) || tStartMs <= 0)
    throw new ContractError('bad_time', `t_start_ms must be a positive epoch ms, got ${tStartMs}`);
  if (!Number.isSafeInteger(tEndMs) || tEndMs < tStartMs)
    throw new ContractError('bad_time', `t_end_ms (${tEndMs}) must be ≥ t_start_ms (${tStartMs})`);
  const now = window.now();
  const earliest = now - window.maxPastMsOf(siteId);
  const latest = now + window.maxFutureSkewMs;
  if (tStartMs < earliest || tEndMs > latest) {
    const iso = (ms: number) => new Date(ms).toISOString();
    throw new ContractError(
      'time_out_of_window',
      `t_start_ms..t_end_ms (${tStartMs}..${tEndMs}) must lie within ${iso(earliest)}..${iso(latest)} (limits.maxPastDays before now, limits.maxFutureSkewMs after)`,
    );
  }
}

export function checkEmbedding(embedding: ArrayLike<number>, dim: number): void {
  if (embedding.length !== dim)
    throw new ContractError('bad_dimension', `embedding must have ${dim} values, got ${embedding.length}`);
  let sq = 0;
  for (let i = 0; i < embedding.length; i++) {
    const v = embedding[i];
    if (!Number.isFinite(v)) throw new ContractError('non_finite', `embedding[${i}] is ${v}`);
    sq += v * v;
  }
  const norm = Math.sqrt(sq);
  if (Math.abs(norm - 1) > NORM_TOLERANCE)
    throw new ContractError('not_normalised', `embedding norm is ${norm.toFixed(4)}, expected 1`);
}
