/**
 * What a BI query may name: the four BI tables, the metadata relations drivers read, the output
 * formats, and the functions and types. Everything not listed here is refused.
 */
import { BI_TABLES } from '../../../storage/bi-views.ts';

/** The tables BI tools may read (schemas/clickhouse/migrations/0008_bi_views.sql), as storage names them. */
export { BI_TABLES };

/** Output formats the endpoint serves (what common clients ask for). */
export const BI_FORMATS = [
  'JSON',
  'JSONCompact',
  'JSONEachRow',
  'JSONCompactEachRow',
  'JSONStringsEachRow',
  'TabSeparated',
  'TabSeparatedWithNames',
  'TabSeparatedWithNamesAndTypes',
  'TSV',
  'TSVWithNames',
  'TSVWithNamesAndTypes',
  'CSV',
  'CSVWithNames',
  'RowBinaryWithNamesAndTypes',
  'Native',
  'Pretty',
] as const;
export type BiFormat = (typeof BI_FORMATS)[number];

const words = (list: string) => list.split(/\s+/).filter(Boolean);

/**
 * Scalar functions: arithmetic, math, comparison, logic, conditionals, conversions, date/time,
 * strings, a few on arrays. None makes a value of a size the query chooses (no repeat, padding,
 * FixedString(N), range). `version`, `timezone`, `currentDatabase` and `currentUser` are in
 * the drivers' connect queries (driver-queries.ts); they name the engine's build, zone, database
 * and user (`default`), nothing of the host.
 */
const SCALAR_FUNCTIONS = `
plus minus multiply divide intDiv intDivOrZero modulo moduloOrZero negate abs gcd lcm least greatest
exp exp2 exp10 log ln log2 log10 log1p sqrt cbrt pow power sign pi e sin cos tan asin acos atan atan2
floor ceil ceiling round roundBankers trunc truncate isNaN isFinite isInfinite ifNotFinite
equals notEquals less greater lessOrEquals greaterOrEquals and or not xor
if multiIf coalesce ifNull nullIf isNull isNotNull assumeNotNull toNullable isZeroOrNull
toString toBool toTypeName toUnixTimestamp fromUnixTimestamp FROM_UNIXTIME toLowCardinality
parseDateTimeBestEffort parseDateTimeBestEffortOrNull parseDateTimeBestEffortOrZero
toYear toQuarter toMonth toDayOfYear toDayOfMonth toDayOfWeek toHour toMinute toSecond toISOWeek toISOYear toWeek toYearWeek toMonday
toStartOfDay toStartOfWeek toStartOfMonth toStartOfQuarter toStartOfYear toStartOfHour toStartOfMinute toStartOfFiveMinutes
toStartOfTenMinutes toStartOfFifteenMinutes toStartOfInterval toStartOfISOYear toLastDayOfMonth toLastDayOfWeek
toYYYYMM toYYYYMMDD toYYYYMMDDhhmmss toRelativeYearNum toRelativeQuarterNum toRelativeMonthNum toRelativeWeekNum toRelativeDayNum
toRelativeHourNum toRelativeMinuteNum toRelativeSecondNum toTimeZone formatDateTime dateDiff date_diff dateTrunc DATE_TRUNC
addDays addWeeks addMonths addQuarters addYears addHours addMinutes addSeconds
subtractDays subtractWeeks subtractMonths subtractQuarters subtractYears subtractHours subtractMinutes subtractSeconds
now now64 today yesterday makeDate makeDate32 makeDateTime monthName dateName age
toIntervalSecond toIntervalMinute toIntervalHour toIntervalDay toIntervalWeek toIntervalMonth toIntervalQuarter toIntervalYear
timezone serverTimezone timezoneOf
lower upper lowerUTF8 upperUTF8 concat concatWithSeparator substring substr substringUTF8 left right leftUTF8 rightUTF8
length lengthUTF8 CHAR_LENGTH position positionCaseInsensitive positionUTF8 locate replaceAll replaceOne replace
replaceRegexpAll replaceRegexpOne match like notLike ilike notILike extract trimBoth trimLeft trimRight startsWith endsWith
empty notEmpty reverse splitByChar splitByString arrayStringConcat toValidUTF8
has hasAny hasAll indexOf array tuple
version currentDatabase currentUser
`;

/** Number conversions, each also with its -OrZero and -OrNull variants. */
const CONVERSIONS =
  'toInt8 toInt16 toInt32 toInt64 toUInt8 toUInt16 toUInt32 toUInt64 toFloat32 toFloat64 toDecimal32 toDecimal64 toDecimal128 toDate toDate32 toDateTime toDateTime64';

/** Aggregate functions; each may carry the combinators below (`countIf`, `sumOrNull`, `uniqIfOrNull`). */
const AGGREGATE_FUNCTIONS = `
count sum avg min max any anyLast argMin argMax uniq uniqExact uniqCombined uniqCombined64 uniqHLL12
quantile quantiles quantileExact quantilesExact quantileTDigest quantilesTDigest median medianExact
stddevPop stddevSamp varPop varSamp corr covarPop covarSamp groupArray groupUniqArray topK avgWeighted
`;
const COMBINATORS = ['If', 'Distinct', 'OrNull', 'OrDefault'];
/** Aggregates that take parameters: `quantile(0.9)(x)`, `topK(10)(x)`, `groupArray(100)(x)`. */
const PARAMETRIC = new Set(
  words(
    'quantile quantiles quantileExact quantilesExact quantileTDigest quantilesTDigest median medianExact topK groupArray groupUniqArray',
  ),
);

/**
 * `arrayJoin` multiplies rows; it is allowed once per query and only over an array literal of
 * literals, so its output is bounded by the query's own size (JDBC's getTableTypes needs it).
 */
export const ARRAY_JOIN = 'arrayJoin';

/** Every scalar function name allowed, canonical spelling. */
export const ALLOWED_SCALAR_FUNCTIONS: readonly string[] = [
  ...words(SCALAR_FUNCTIONS),
  ...words(CONVERSIONS).flatMap((f) => [f, `${f}OrZero`, `${f}OrNull`]),
  ARRAY_JOIN,
];
/** Every aggregate function name allowed without combinators, canonical spelling. */
export const ALLOWED_AGGREGATE_FUNCTIONS: readonly string[] = words(AGGREGATE_FUNCTIONS);

/** Lower-cases ASCII letters only: `K` (U+212A KELVIN SIGN) must not become `k` and match a listed name. */
export function foldCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const byFolded = (names: readonly string[]) => new Map([...names].reverse().map((n) => [foldCase(n), n]));
const SCALARS = byFolded(ALLOWED_SCALAR_FUNCTIONS);
const AGGREGATES = byFolded(ALLOWED_AGGREGATE_FUNCTIONS);

export interface AllowedFunction {
  /** The name to print: the listed spelling, combinators appended. */
  name: string;
  aggregate: boolean;
  /** Takes parameters before its arguments. */
  parametric: boolean;
}

/** The allowed function a name (matched case-insensitively) stands for, or undefined. */
export function lookupFunction(name: string): AllowedFunction | undefined {
  const folded = foldCase(name);
  const scalar = SCALARS.get(folded);
  if (scalar) return { name: scalar, aggregate: false, parametric: false };
  for (let end = folded.length; end > 0; end--) {
    const base = AGGREGATES.get(folded.slice(0, end));
    if (!base) continue;
    let rest = folded.slice(end);
    let printed = base;
    const used = new Set<string>();
    for (const c of COMBINATORS) {
      if (rest.startsWith(foldCase(c)) && !used.has(c)) {
        used.add(c);
        printed += c;
        rest = rest.slice(c.length);
      }
    }
    if (rest === '') return { name: printed, aggregate: true, parametric: PARAMETRIC.has(base) };
  }
  return undefined;
}

/** Data types for CAST and `::`, case-insensitive; SQL aliases (VARCHAR, INT…) as ClickHouse accepts them. */
const TYPES = `
String Int8 Int16 Int32 Int64 Int128 Int256 UInt8 UInt16 UInt32 UInt64 UInt128 UInt256 Float32 Float64
Decimal Decimal32 Decimal64 Decimal128 Decimal256 Date Date32 DateTime DateTime64 Bool UUID IPv4 IPv6
Nullable LowCardinality Array Tuple Map Enum8 Enum16 Nothing
VARCHAR CHAR TEXT INT INTEGER BIGINT SMALLINT TINYINT DOUBLE FLOAT REAL BOOLEAN NUMERIC TIMESTAMP
`;
/** Every type name allowed, listed spelling. */
export const ALLOWED_TYPES: readonly string[] = words(TYPES);
const TYPE_NAMES = byFolded(ALLOWED_TYPES);

/** The listed spelling of a type name, or undefined. */
export function lookupType(name: string): string | undefined {
  return TYPE_NAMES.get(foldCase(name));
}

const quotedList = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * The `system` tables BI drivers read on connect and for their metadata calls (see
 * driver-queries.ts), each replaced by a subquery that shows only the `default` database and in
 * it only the BI tables, and only columns that carry no server paths. Every other system table,
 * and information_schema, is refused.
 */
export const METADATA_RELATIONS: Readonly<Record<string, string>> = {
  tables:
    'SELECT database, name, engine, is_temporary, comment, total_rows, total_bytes, primary_key, sorting_key FROM system.tables ' +
    `WHERE database = 'default' AND name IN (${quotedList(BI_TABLES)})`,
  columns:
    'SELECT database, table, name, type, position, default_kind, default_expression, comment, is_in_primary_key, is_in_sorting_key, ' +
    'character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision FROM system.columns ' +
    `WHERE database = 'default' AND table IN (${quotedList(BI_TABLES)})`,
  databases: "SELECT name, engine, comment FROM system.databases WHERE name = 'default'",
  settings: 'SELECT name, value, changed, description, type, readonly FROM system.settings',
  functions:
    'SELECT name, is_aggregate, case_insensitive, alias_to, origin, description FROM system.functions ' +
    `WHERE name IN (${quotedList([...ALLOWED_SCALAR_FUNCTIONS, ...ALLOWED_AGGREGATE_FUNCTIONS])})`,
};
