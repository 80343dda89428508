/**
 * What a BI client is told when a query cannot run: ClickHouse's error shape with a stable code and
 * a generic reason. Engine text never reaches a client (it can carry data); logs get it redacted.
 */

/** A BI failure as the client sees it. */
export class BiError extends Error {
  override name = 'BiError';
  constructor(
    /** ClickHouse error code, also sent as X-ClickHouse-Exception-Code. */
    readonly code: number,
    readonly status: 400 | 401 | 403 | 404 | 413 | 429 | 500 | 503,
    message: string,
    /** The engine process is gone or was killed: the pool must not reuse it. */
    readonly engineLost = false,
  ) {
    super(message);
  }
}

/** The body ClickHouse clients parse: `Code: N. DB::Exception: <reason>. (REVISIT_BI)`. */
export function clickhouseErrorText(code: number, message: string): string {
  return `Code: ${code}. DB::Exception: ${message}. (REVISIT_BI)\n`;
}

/** Engine error codes a client may learn, each with the one reason it is given; any other code becomes 1002. */
const ENGINE_ERRORS: Record<number, [BiError['status'], string]> = {
  6: [400, 'cannot parse a value'],
  27: [400, 'cannot parse a value'],
  36: [400, 'bad arguments'],
  38: [400, 'cannot parse a value'],
  41: [400, 'cannot parse a value'],
  42: [400, 'wrong number of arguments'],
  43: [400, 'illegal type of argument'],
  44: [400, 'illegal column'],
  46: [400, 'unknown function'],
  47: [400, 'unknown column or identifier'],
  48: [400, 'not implemented'],
  53: [400, 'type mismatch'],
  60: [404, 'unknown table: only the BI tables can be read'],
  62: [400, 'syntax error'],
  69: [400, 'argument out of bounds'],
  72: [400, 'cannot parse a value'],
  81: [404, 'unknown database: only default can be read'],
  158: [500, 'read limit exceeded (max_rows_to_read)'],
  159: [500, 'time limit exceeded (max_execution_time)'],
  164: [403, 'BI is read-only'],
  184: [400, 'illegal aggregation'],
  215: [400, 'not an aggregate function and not in GROUP BY'],
  241: [500, 'memory limit exceeded (max_memory_usage)'],
  307: [500, 'read limit exceeded'],
  386: [400, 'no common type'],
  396: [500, 'result limit exceeded (max_result_rows, max_result_bytes)'],
};

/** The client-facing error for an engine error code (the engine's own message is never used). */
export function engineError(code: number): BiError {
  const known = ENGINE_ERRORS[code];
  return known ? new BiError(code, known[0], known[1]) : new BiError(1002, 500, 'the query failed in the BI engine');
}

/** An engine that overran its time limit and was killed. */
export const killedForTime = () => new BiError(159, 500, ENGINE_ERRORS[159][1], true);

/**
 * Text for a debug log with every literal replaced by `?`: quoted strings and identifiers, numbers.
 * Engine messages quote what they could not parse, so this is where exfiltrated bytes would sit.
 */
export function redactLiterals(text: string): string {
  return text
    .replace(/'(?:[^'\\]|\\.|'')*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`\\]|\\.)*`?/gs, '?')
    .replace(/\b0x[0-9a-f]+\b|\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .slice(0, 2000);
}
