/**
 * The BI attack corpus as data: each query an attacker with a BI key might send, and what must
 * happen: refused with ClickHouse's error code, or 'passes' (then the printed SQL reads nothing
 * but the BI tables and the restricted metadata subqueries). Checked by attack-corpus.test.ts;
 * exported so the end-to-end security test can replay it against a live server.
 */
import { MAX_QUERY_BYTES } from './check-bi-query.ts';
import { MAX_TOKENS } from './tokenize-sql.ts';

export interface AttackCase {
  /** What the query tries. */
  name: string;
  sql: string;
  /** ClickHouse's error code of the refusal, or 'passes'. */
  expect: number | 'passes';
}

/**
 * Every table function of the embedded engine (chdb 3.4.0, ClickHouse 26.7:
 * `SELECT name FROM system.table_functions`); test/integration/bi-sql-clickhouse.test.ts fails
 * if the engine gains one that is not here.
 */
export const TABLE_FUNCTIONS = `
SQLStandardValues arrowstream azureBlobStorage azureBlobStorageCluster cluster clusterAllReplicas cosn deltaLake deltaLakeAzure deltaLakeAzureCluster
deltaLakeCluster deltaLakeLocal deltaLakeS3 deltaLakeS3Cluster dictionary eval executable file fileCluster filesystem format fuzzJSON fuzzQuery gcs
generateRandom generateSeries generate_series hdfs hdfsCluster hudi hudiCluster iceberg icebergAzure icebergAzureCluster icebergCluster icebergHDFS
icebergHDFSCluster icebergLocal icebergLocalCluster icebergS3 icebergS3Cluster input jdbc loop merge mergeTreeAnalyzeIndexes
mergeTreeAnalyzeIndexesUUID mergeTreeIndex mergeTreeProjection mergeTreeTextIndex mongodb mysql null numbers numbers_mt odbc oss paimon paimonAzure
paimonAzureCluster paimonCluster paimonHDFS paimonHDFSCluster paimonLocal paimonS3 paimonS3Cluster postgresql primes prometheusQuery
prometheusQueryRange redis remote remoteSecure s3 s3Cluster sqlite timeSeriesData timeSeriesMetrics timeSeriesSamples timeSeriesSelector
timeSeriesTags url urlCluster values view viewExplain viewIfPermitted ytsaurus zeros zeros_mt
`
  .split(/\s+/)
  .filter(Boolean);

const BI = 'bi_visitors_daily';
const ARGS = "('/etc/passwd', 'a String')";

/** Each table function in FROM (plain, backquoted, double-quoted, qualified), in a join, as a scalar. */
const tableFunctionCases: AttackCase[] = TABLE_FUNCTIONS.flatMap((f) => [
  { name: `table function ${f}`, sql: `SELECT * FROM ${f}${ARGS}`, expect: 446 },
  { name: `table function \`${f}\``, sql: `SELECT * FROM \`${f}\`${ARGS}`, expect: 446 },
  { name: `table function "${f}"`, sql: `SELECT * FROM "${f.toUpperCase()}"${ARGS}`, expect: 446 },
  { name: `table function default.${f}`, sql: `SELECT * FROM default.${f}${ARGS}`, expect: 446 },
  { name: `table function ${f} in a comma join`, sql: `SELECT * FROM ${BI} AS a, ${f}${ARGS} AS b`, expect: 446 },
  { name: `table function ${f} in a JOIN`, sql: `SELECT * FROM ${BI} AS a JOIN ${f}${ARGS} AS b ON 1`, expect: 446 },
  { name: `${f} as a scalar function`, sql: `SELECT toUInt8(\`${f}\`${ARGS})`, expect: 446 },
]);

/** Functions that read files, URLs, dictionaries, tables by name, settings or the host, however written. */
const scalarCases: AttackCase[] = [
  "file('/etc/passwd')",
  "`file`('/etc/passwd')",
  '"FILE"(\'/etc/passwd\')',
  "`File`('data/keys.json', 'RawBLOB')",
  "url('http://127.0.0.1:1/x', 'CSV', 'a String')",
  "`url`('http://127.0.0.1:1/x')",
  "s3('http://127.0.0.1:1/b/k')",
  "remote('127.0.0.1', 'default.visits')",
  "dictGet('d', 'a', 1)",
  "dictGetString('d', 'a', 1)",
  "dictGetOrDefault('d', 'a', 1, 'x')",
  "joinGet('j', 'v', 1)",
  "joinGetOrNull('j', 'v', 1)",
  "getSetting('readonly')",
  "getSettingOrDefault('x', 1)",
  'hostName()',
  'FQDN()',
  "getMacro('x')",
  "hasColumnInTable('default', 'visits', 'identity_id')",
  'filesystemFree()',
  'serverUUID()',
  "getServerSetting('path')",
  "catboostEvaluate('/m', 1)",
  "evalMLMethod('m', 1)",
  'in(1, visits)',
  'globalIn(1, visits)',
  "throwIf(1, 'x')",
  'sleep(3)',
  "format('{}', 1)",
  'arrayJoin(range(20000000))',
  'arrayJoin(range(2))',
].map((call) => ({ name: `scalar ${call.split('(')[0]}`, sql: `SELECT toUInt8(${call})`, expect: 446 }));

const nested = (n: number, open: string, close: string, core = '1') => `${open.repeat(n)}${core}${close.repeat(n)}`;
const many = (n: number, item: (i: number) => string, sep = ', ') =>
  Array.from({ length: n }, (_, i) => item(i)).join(sep);

const handWritten: AttackCase[] = [
  // The original exploit, and the same function hidden in every clause.
  { name: 'issue 14: backquoted file in a cast', sql: "SELECT toUInt8(`file`('/etc/passwd'))", expect: 446 },
  { name: 'file in WHERE', sql: `SELECT * FROM ${BI} WHERE site_id = \`file\`('/etc/passwd')`, expect: 446 },
  { name: 'file in a CTE', sql: `WITH x AS (SELECT \`file\`('/etc/passwd') AS c) SELECT * FROM x`, expect: 446 },
  { name: 'file as a WITH expression', sql: "WITH file('/etc/passwd') AS c SELECT c", expect: 446 },
  { name: 'file in ORDER BY', sql: `SELECT * FROM ${BI} ORDER BY file('/etc/passwd')`, expect: 446 },
  {
    name: 'file in JOIN ON',
    sql: `SELECT * FROM ${BI} a JOIN ${BI} b ON a.site_id = file('/etc/passwd')`,
    expect: 446,
  },
  { name: 'file in HAVING', sql: `SELECT site_id FROM ${BI} GROUP BY site_id HAVING max(file('x')) > 0`, expect: 446 },
  { name: 'file in a CAST type', sql: "SELECT CAST(1 AS file('/etc/passwd'))", expect: 50 },
  { name: 'file in an IN list', sql: `SELECT * FROM ${BI} WHERE site_id IN (file('/etc/passwd'))`, expect: 446 },
  { name: 'file as an aggregate parameter', sql: `SELECT quantile(file('x'))(visitors) FROM ${BI}`, expect: 62 },
  { name: 'file split by a comment', sql: "SELECT `file`/**/('/etc/passwd')", expect: 446 },
  { name: 'qualified function', sql: "SELECT default.file('/etc/passwd')", expect: 446 },
  // The BI tables themselves, every way of naming them.
  { name: 'a BI table', sql: `SELECT * FROM ${BI}`, expect: 'passes' },
  {
    name: 'a BI table, qualified and quoted',
    sql: 'SELECT v.visitors FROM `default`.`bi_visitors_daily` AS v',
    expect: 'passes',
  },
  { name: 'a BI table in upper case', sql: 'SELECT * FROM "BI_FOOTFALL_HOURLY"', expect: 'passes' },
  {
    name: 'a parameterized view call with another tenant',
    sql: "SELECT * FROM bi_footfall_hourly(tenant = 'other', min_count = 1)",
    expect: 446,
  },
  { name: 'a column named like another tenant', sql: `SELECT * FROM ${BI} WHERE tenant = 'other'`, expect: 'passes' },
  // Raw tables and other databases.
  ...[
    'visits',
    'sightings',
    'footfall_hourly',
    'visitors_daily',
    'camera_transitions_daily',
    'dead_letters',
    'identity_merges',
    'digest_runs',
    'schema_migrations',
  ].flatMap((t) => [
    { name: `raw table ${t}`, sql: `SELECT * FROM ${t}`, expect: 60 },
    { name: `raw table default.${t}`, sql: `SELECT * FROM default.\`${t}\``, expect: 60 },
  ]),
  { name: 'another database', sql: 'SELECT * FROM revisit_bi_other.bi_visitors_daily', expect: 81 },
  // system and information_schema.
  { name: 'system.tables (restricted)', sql: 'SELECT * FROM system.tables', expect: 'passes' },
  {
    name: 'system.tables looking for raw tables (restricted)',
    sql: "SELECT name, create_table_query FROM SYSTEM.TABLES WHERE name = 'visits'",
    expect: 'passes',
  },
  {
    name: 'system.columns of a raw table (restricted)',
    sql: "SELECT * FROM `system`.`columns` WHERE table = 'visits'",
    expect: 'passes',
  },
  { name: 'system.databases (restricted)', sql: 'SELECT * FROM "system"."databases"', expect: 'passes' },
  ...[
    'one',
    'numbers',
    'processes',
    'query_log',
    'users',
    'grants',
    'parts',
    'disks',
    'macros',
    'zookeeper',
    'errors',
    'build_options',
    'table_functions',
    'dictionaries',
    'clusters',
    'server_settings',
    'data_type_families',
  ].map((t) => ({ name: `system.${t}`, sql: `SELECT * FROM system.${t}`, expect: 60 })),
  ...['TABLES', 'COLUMNS', 'SCHEMATA', 'VIEWS'].flatMap((t) => [
    { name: `INFORMATION_SCHEMA.${t}`, sql: `SELECT * FROM INFORMATION_SCHEMA.${t}`, expect: 60 },
    {
      name: `information_schema.${t.toLowerCase()}`,
      sql: `SELECT * FROM \`information_schema\`.\`${t.toLowerCase()}\``,
      expect: 60,
    },
  ]),
  // Comma joins and every join type: each relation is checked.
  {
    name: 'comma join with system.tables (restricted)',
    sql: `SELECT * FROM ${BI} a, system.tables t`,
    expect: 'passes',
  },
  { name: 'comma join with system.processes', sql: `SELECT * FROM ${BI} a, system.processes p`, expect: 60 },
  { name: 'comma join with a raw table', sql: `SELECT * FROM ${BI} AS f, visits AS v`, expect: 60 },
  { name: 'comma join, raw table third', sql: `SELECT * FROM ${BI} a, bi_dwell_daily b, sightings c`, expect: 60 },
  {
    name: 'comma join with a subquery on a raw table',
    sql: `SELECT * FROM ${BI} a, (SELECT * FROM visits) b`,
    expect: 60,
  },
  { name: 'cross join with a raw table', sql: `SELECT * FROM ${BI} CROSS JOIN visits`, expect: 60 },
  { name: 'left join with system.users', sql: `SELECT * FROM ${BI} a LEFT JOIN system.users u ON 1`, expect: 60 },
  { name: 'nine relations in one FROM', sql: `SELECT 1 FROM ${many(9, (i) => `${BI} t${i}`)}`, expect: 168 },
  // CTE shadowing and scopes.
  {
    name: 'CTE named visits, read in a subquery',
    sql: `WITH visits AS (SELECT * FROM ${BI}) SELECT * FROM ${BI}, (SELECT * FROM visits)`,
    expect: 'passes',
  },
  {
    name: 'CTE in one subquery, real table in another',
    sql: 'SELECT * FROM (WITH visits AS (SELECT 1) SELECT * FROM visits) a, (SELECT * FROM visits) b',
    expect: 60,
  },
  {
    name: 'CTE reading the table it shadows',
    sql: 'WITH visits AS (SELECT * FROM visits) SELECT * FROM visits',
    expect: 60,
  },
  {
    name: 'CTE named like a BI table over a raw table',
    sql: `WITH ${BI} AS (SELECT * FROM sightings) SELECT * FROM ${BI}`,
    expect: 60,
  },
  {
    name: 'CTE in a scalar subquery, table in another',
    sql: 'SELECT (WITH sightings AS (SELECT 1) SELECT 1), (SELECT count() FROM sightings)',
    expect: 60,
  },
  { name: 'CTE name in another case', sql: 'WITH Visits AS (SELECT 1) SELECT * FROM visits', expect: 60 },
  {
    name: 'CTE does not cover a qualified name',
    sql: 'WITH visits AS (SELECT 1) SELECT * FROM default.visits',
    expect: 60,
  },
  { name: 'expression alias named like a table', sql: 'WITH 1 AS visits SELECT * FROM visits', expect: 60 },
  {
    name: 'CTE then a raw table in a union',
    sql: 'WITH x AS (SELECT 1) SELECT * FROM x UNION ALL SELECT * FROM visits',
    expect: 60,
  },
  // Scalar subqueries, IN and qualified names.
  { name: 'scalar subquery on a raw table', sql: 'SELECT (SELECT count() FROM visits)', expect: 60 },
  {
    name: 'scalar subquery in WHERE',
    sql: `SELECT * FROM ${BI} WHERE visitors > (SELECT max(dwell_s) FROM visits)`,
    expect: 60,
  },
  {
    name: 'IN subquery on a raw table',
    sql: `SELECT * FROM ${BI} WHERE site_id IN (SELECT site_id FROM sightings)`,
    expect: 60,
  },
  { name: 'IN a bare table name', sql: `SELECT * FROM ${BI} WHERE site_id IN visits`, expect: 62 },
  { name: 'IN a parenthesised table name', sql: `SELECT * FROM ${BI} WHERE site_id IN (visits)`, expect: 60 },
  { name: 'IN a parenthesised qualified name', sql: 'SELECT 1 IN ((default.visits))', expect: 60 },
  { name: 'three-part column of a raw table', sql: `SELECT default.visits.identity_id FROM ${BI}`, expect: 47 },
  { name: 'three-part column without FROM', sql: 'SELECT system.one.dummy', expect: 47 },
  { name: 'EXISTS on a raw table', sql: 'SELECT EXISTS (SELECT * FROM visits)', expect: 62 },
  {
    name: 'union with a raw table',
    sql: `SELECT site_id FROM ${BI} UNION ALL SELECT identity_id FROM visits`,
    expect: 60,
  },
  { name: 'parenthesised query on a raw table', sql: '(SELECT * FROM visits)', expect: 60 },
  // SETTINGS, SET, FORMAT, INTO OUTFILE, several statements.
  { name: 'SETTINGS', sql: `SELECT * FROM ${BI} SETTINGS readonly = 0`, expect: 164 },
  { name: 'SETTINGS in a subquery', sql: `SELECT * FROM (SELECT * FROM ${BI} SETTINGS max_threads = 64)`, expect: 164 },
  { name: 'SETTINGS after FORMAT', sql: 'SELECT 1 FORMAT JSON SETTINGS max_result_rows = 0', expect: 164 },
  { name: 'SET', sql: 'SET readonly = 0', expect: 164 },
  { name: 'SET then SELECT', sql: 'SET allow_ddl = 1; SELECT 1', expect: 164 },
  { name: 'INSERT INTO FUNCTION', sql: "INSERT INTO FUNCTION file('/tmp/x') SELECT 1", expect: 164 },
  { name: 'DROP', sql: 'DROP TABLE visits', expect: 164 },
  { name: 'INTO OUTFILE', sql: `SELECT * FROM ${BI} INTO OUTFILE '/tmp/x'`, expect: 164 },
  { name: 'INTO OUTFILE with FORMAT', sql: "SELECT 1 INTO OUTFILE '/tmp/x' FORMAT CSV", expect: 164 },
  { name: 'an unlisted format', sql: 'SELECT 1 FORMAT Parquet', expect: 73 },
  { name: 'a template format', sql: 'SELECT 1 FORMAT Template', expect: 73 },
  { name: 'two FORMAT clauses', sql: 'SELECT 1 FORMAT JSON FORMAT CSV', expect: 62 },
  { name: 'FORMAT before LIMIT', sql: 'SELECT 1 FORMAT JSON LIMIT 1', expect: 62 },
  { name: 'two statements', sql: 'SELECT 1; SELECT 2', expect: 62 },
  { name: 'a statement after a semicolon', sql: `SELECT * FROM ${BI}; DROP TABLE visits`, expect: 62 },
  { name: 'trailing semicolons', sql: 'SELECT 1;;', expect: 'passes' },
  { name: 'a semicolon in a string', sql: "SELECT ';DROP TABLE visits'", expect: 'passes' },
  // Comments.
  { name: 'line comment ends at the newline', sql: 'SELECT 1 -- x\nFROM visits', expect: 60 },
  { name: 'block comment before a raw table', sql: 'SELECT /* x */ * FROM visits', expect: 60 },
  { name: 'a raw table inside a comment', sql: `SELECT * FROM ${BI} /* FROM visits */`, expect: 'passes' },
  { name: 'nested block comments', sql: `SELECT * FROM /* a /* b */ visits */ ${BI}`, expect: 'passes' },
  { name: 'a statement inside a line comment', sql: `SELECT * FROM ${BI} -- ; DROP TABLE visits`, expect: 'passes' },
  { name: 'hash comment', sql: `SELECT * FROM ${BI} # ; SELECT * FROM visits`, expect: 'passes' },
  { name: 'hash without a space', sql: `SELECT * FROM ${BI} #x`, expect: 62 },
  { name: 'unterminated block comment', sql: `SELECT * FROM ${BI} /* open`, expect: 62 },
  { name: 'line separator does not end a line comment', sql: 'SELECT 1 -- x\u2028FROM visits', expect: 'passes' },
  // Unicode.
  { name: 'fullwidth keyword', sql: 'ＳＥＬＥＣＴ 1', expect: 62 },
  { name: 'fullwidth function name', sql: "SELECT ｆｉｌｅ('/etc/passwd')", expect: 62 },
  { name: 'quoted fullwidth function name', sql: "SELECT `ｆｉｌｅ`('/etc/passwd')", expect: 446 },
  { name: 'zero-width joiner in a name', sql: "SELECT fi\u200dle('/etc/passwd')", expect: 62 },
  { name: 'quoted zero-width joiner in a name', sql: "SELECT `fi\u200dle`('/etc/passwd')", expect: 446 },
  { name: 'non-breaking space between tokens', sql: `SELECT\u00a0* FROM ${BI}`, expect: 62 },
  { name: 'Cyrillic homoglyph in a table name', sql: 'SELECT * FROM `bі_visitors_daily`', expect: 60 },
  { name: 'Turkish dotted capital I in a function name', sql: "SELECT `FİLE`('/etc/passwd')", expect: 446 },
  { name: 'Kelvin sign folding to k', sql: 'SELECT `\u212Aount`()', expect: 446 },
  { name: 'Unicode quote marks', sql: 'SELECT \u2018x\u2019', expect: 62 },
  { name: 'right-to-left override', sql: 'SELECT 1 \u202e', expect: 62 },
  { name: 'NUL in a quoted name', sql: 'SELECT * FROM `visits\u0000`', expect: 62 },
  { name: 'Unicode in a string literal is data', sql: "SELECT 'ｆｉｌｅ(\u2018/etc/passwd\u2019)'", expect: 'passes' },
  // Query parameters and other syntax.
  { name: 'query parameter', sql: 'SELECT {p:String}', expect: 62 },
  { name: 'heredoc', sql: 'SELECT $$x$$', expect: 62 },
  { name: 'JDBC placeholder', sql: 'SELECT ?', expect: 62 },
  { name: 'lambda', sql: 'SELECT arrayMap(x -> file(x), [1])', expect: 62 },
  { name: 'FINAL', sql: `SELECT * FROM ${BI} FINAL`, expect: 62 },
  { name: 'ARRAY JOIN', sql: `SELECT * FROM ${BI} ARRAY JOIN [1, 2] AS x`, expect: 62 },
  { name: 'window function', sql: `SELECT count() OVER () FROM ${BI}`, expect: 62 },
  // Depth and size.
  { name: 'deep parentheses', sql: `SELECT ${nested(300, '(', ')')}`, expect: 167 },
  { name: 'deep unary minus', sql: `SELECT ${'- '.repeat(300)}1`, expect: 167 },
  { name: 'deep NOT', sql: `SELECT ${'NOT '.repeat(300)}1`, expect: 167 },
  { name: 'deep arrays', sql: `SELECT ${nested(300, '[', ']')}`, expect: 167 },
  { name: 'deep calls', sql: `SELECT ${nested(40, 'abs(', ')')}`, expect: 167 },
  { name: 'deep subqueries', sql: `SELECT * FROM ${nested(40, '(SELECT * FROM ', ')', BI)}`, expect: 167 },
  { name: 'huge token count', sql: `SELECT ${many(MAX_TOKENS, () => '1', ' + ')}`, expect: 168 },
  {
    name: 'huge IN list',
    sql: `SELECT * FROM ${BI} WHERE visitors IN (${many(MAX_TOKENS, (i) => String(i))})`,
    expect: 168,
  },
  { name: 'huge string literal', sql: `SELECT '${'x'.repeat(MAX_QUERY_BYTES)}'`, expect: 62 },
  { name: 'huge comment', sql: `SELECT 1 /* ${'x'.repeat(MAX_QUERY_BYTES)} */`, expect: 62 },
  // What BI tools legitimately do.
  {
    name: 'daily visitors by site',
    sql: `SELECT site_id, toStartOfMonth(local_date) AS m, sum(visitors) FROM ${BI} WHERE local_date >= today() - INTERVAL 30 DAY GROUP BY site_id, m ORDER BY m`,
    expect: 'passes',
  },
  {
    name: 'join of two BI tables',
    sql: `SELECT v.site_id, v.visitors, d.dwell_median_s FROM ${BI} v LEFT JOIN bi_dwell_daily d USING (site_id, local_date)`,
    expect: 'passes',
  },
  { name: 'driver handshake', sql: 'SELECT version(), timezone(), currentDatabase(), currentUser()', expect: 'passes' },
];

export const ATTACK_CORPUS: readonly AttackCase[] = [...tableFunctionCases, ...scalarCases, ...handWritten];
