// The retry decision on the errors the worker really meets: real client error classes, a real refused connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { parseError } from '@clickhouse/client';
import { Redis, ReplyError } from 'ioredis';
import kafkajs from 'kafkajs';
import { ContractError } from '../schemas/index.ts';
import { isRetriable } from './is-retriable.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

test('bad data and bugs are never retried', () => {
  assert.equal(isRetriable(new ContractError('time_out_of_window', 'too late')), false);
  // What an unbounded time did in the calendar code.
  assert.equal(isRetriable(thrown(() => new Date(8.7e15).toISOString())), false);
  assert.equal(isRetriable(thrown(() => (undefined as unknown as { x: number }).x)), false);
  assert.equal(isRetriable(new Error('anything else')), false);
  assert.equal(isRetriable('a string'), false);
  assert.equal(isRetriable(undefined), false);
});

test('rows ClickHouse rejects are not retried; a table detached or a server overloaded is', () => {
  const rejected = parseError(
    'Code: 469. DB::Exception: Constraint `c` for table default.sightings is violated at row 2. (VIOLATED_CONSTRAINT) (version 25.8.1.1)',
  );
  assert.equal(isRetriable(rejected), false);
  assert.equal(
    isRetriable(
      parseError(
        "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'x'. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)",
      ),
    ),
    false,
  );
  assert.equal(
    isRetriable(parseError('Code: 60. DB::Exception: Table default.sightings does not exist. (UNKNOWN_TABLE)')),
    true,
  );
  assert.equal(
    isRetriable(parseError('Code: 242. DB::Exception: Table is in readonly mode. (TABLE_IS_READ_ONLY)')),
    true,
  );
  assert.equal(
    isRetriable(parseError('Code: 202. DB::Exception: Too many simultaneous queries. (TOO_MANY_SIMULTANEOUS_QUERIES)')),
    true,
  );
  assert.equal(isRetriable(new Error('Timeout error.')), true, "@clickhouse/client's request timeout");
});

test('a refused connection is retried, from Node and from ioredis', async () => {
  const port = await closedPort();
  const socketError = await new Promise<unknown>((resolve) => connect(port, '127.0.0.1').on('error', resolve));
  assert.equal((socketError as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  assert.equal(isRetriable(socketError), true);

  const redis = new Redis(`redis://127.0.0.1:${port}`, {
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  try {
    const error = await redis.get('k').then(
      () => null,
      (err: unknown) => err,
    );
    assert.ok(error instanceof Error, 'the command failed');
    assert.equal(isRetriable(error), true, `${(error as Error).name}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
});

test('Redis replies: loading, read-only and out-of-memory are retried; a wrong type is a bug', () => {
  assert.equal(isRetriable(new ReplyError('LOADING Redis is loading the dataset in memory')), true);
  assert.equal(isRetriable(new ReplyError("READONLY You can't write against a read only replica.")), true);
  assert.equal(isRetriable(new ReplyError("OOM command not allowed when used memory > 'maxmemory'.")), true);
  assert.equal(isRetriable(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')), false);
  // A MULTI whose queued commands met a loading server: EXEC aborts, the reasons come along.
  const aborted = Object.assign(new ReplyError('EXECABORT Transaction discarded because of previous errors.'), {
    previousErrors: [new ReplyError('LOADING Redis is loading the dataset in memory')],
  });
  assert.equal(isRetriable(aborted), true);
});

test("kafkajs errors carry their own flag; 'retries exceeded' counts by the error behind it", () => {
  // kafkajs is CommonJS with spread exports, which Node's ESM loader cannot name.
  const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;
  const down = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  assert.equal(isRetriable(down), true);
  assert.equal(isRetriable(new KafkaJSNumberOfRetriesExceeded(down, { retryCount: 5, retryTime: 3000 })), true);
  const tooLarge = new KafkaJSProtocolError({
    message: 'The request included a message larger than the max message size the server will accept',
    type: 'MESSAGE_TOO_LARGE',
    code: 10,
    retriable: false,
  } as never);
  assert.equal(isRetriable(tooLarge), false);
  assert.equal(isRetriable(new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 0, retryTime: 0 })), false);
});

test('a wrapped store outage (Error.cause) is retried', () => {
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  assert.equal(isRetriable(new Error('insert failed', { cause })), true);
});
