/**
 * The SQL official ClickHouse drivers send, as test vectors: what must pass the BI check, and
 * what is refused on purpose. Captured by pointing each driver at a local HTTP stub that logged
 * every query (the drivers' own bytes, parameters already bound), and read against the sources:
 *
 * - `jdbc`: com.clickhouse:clickhouse-jdbc 0.10.0 from Maven Central (jdbc-v2 + client-v2 0.10.0),
 *   https://github.com/ClickHouse/clickhouse-java/blob/v0.10.0/jdbc-v2/src/main/java/com/clickhouse/jdbc/metadata/DatabaseMetaDataImpl.java
 *   (every metadata call), .../jdbc-v2/src/main/java/com/clickhouse/jdbc/ConnectionImpl.java
 *   (getServerVersion on connect) and .../client-v2/src/main/java/com/clickhouse/client/api/Client.java
 *   (loadServerInfo, sent on connect only when the server time zone is not known beforehand).
 *   The driver asks for RowBinaryWithNamesAndTypes in the X-ClickHouse-Format request header.
 * - `clickhouse-connect`: the Python client 1.12.0 (what scripts/setup.sh --test installs),
 *   https://github.com/ClickHouse/clickhouse-connect/blob/main/clickhouse_connect/driver/_backend/orchestration.py
 *   (init_sequence: version and time zone, server settings, the protocol probe).
 *
 * Refused on purpose: getTypeInfo and getClientInfoProperties read the VALUES table function;
 * getPrimaryKeys uses ARRAY JOIN and tuple element access (`c.1`). JDBC reports an error for
 * those calls; browsing and querying do not need them.
 */

export interface DriverQuery {
  driver: 'jdbc' | 'clickhouse-connect';
  /** The driver call that sends it. */
  call: string;
  sql: string;
  /** 'passes', or ClickHouse's error code of the refusal. */
  expect: 'passes' | number;
  why?: string;
}

export const DRIVER_QUERIES: readonly DriverQuery[] = [
  {
    driver: 'jdbc',
    call: 'connect (ConnectionImpl.getServerVersion)',
    sql: 'SELECT version() as server_version',
    expect: 'passes',
  },
  { driver: 'jdbc', call: 'getCatalogs()', sql: "SELECT 'local' AS TABLE_CAT  WHERE 1 = 0", expect: 'passes' },
  {
    driver: 'jdbc',
    call: 'getSchemas()',
    sql: "SELECT name AS TABLE_SCHEM, '' AS TABLE_CATALOG FROM system.databases ORDER BY name",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: "getSchemas(null, 'default')",
    sql: "SELECT name AS TABLE_SCHEM, '' AS TABLE_CATALOG FROM system.databases WHERE name LIKE 'default'",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: "getTables(null, null, '%', null)",
    sql: "SELECT '' AS TABLE_CAT, t.database AS TABLE_SCHEM, t.name AS TABLE_NAME, if(t.is_temporary = 1, concat('Temporary', t.engine), t.engine) AS TABLE_TYPE, t.comment AS REMARKS, CAST(null as Nullable(String)) AS TYPE_CAT, d.engine AS TYPE_SCHEM, CAST(null as Nullable(String)) AS TYPE_NAME, CAST(null as Nullable(String)) AS SELF_REFERENCING_COL_NAME, CAST(null as Nullable(String)) AS REF_GENERATION FROM system.tables t JOIN system.databases d ON system.tables.database = system.databases.name WHERE t.database LIKE '%' AND t.name LIKE '%' AND ( (t.engine IN ('ReplicatedMergeTree','PaimonHDFS','SharedCoalescingMergeTree','Null','WindowView','TimeSeries','FuzzJSON','ReplicatedAggregatingMergeTree','GenerateRandom','Memory','PostgreSQL','LiveView','DeltaLakeAzure','AzureBlobStorage','VersionedCollapsingMergeTree','IcebergHDFS','MySQL','SQLite','Executable','IcebergAzure','PaimonLocal','Paimon','Buffer','SharedReplacingMergeTree','SharedMergeTree','Log','SharedVersionedCollapsingMergeTree','SharedAggregatingMergeTree','CoalescingMergeTree','FuzzQuery','RemoteSecure','PaimonS3','MaterializedPostgreSQL','ReplicatedCollapsingMergeTree','SummingMergeTree','SharedSet','Hive','EmbeddedRocksDB','MongoDB','MergeTree','SharedGraphiteMergeTree','YTsaurus','SharedJoin','File','IcebergLocal','S3','Dictionary','Set','ArrowFlight','SharedCollapsingMergeTree','Kafka','PaimonAzure','Remote','ReplicatedVersionedCollapsingMergeTree','FileLog','ReplicatedSummingMergeTree','URL','IcebergS3','Hudi','DeltaLakeS3','StripeLog','DeltaLake','ReplacingMergeTree','NATS','COSN','JDBC','AzureQueue','SharedSummingMergeTree','Loop','CollapsingMergeTree','ExecutablePool','ReplicatedGraphiteMergeTree','HDFS','Redis','S3Queue','AggregatingMergeTree','Join','ReplicatedReplacingMergeTree','View','OSS','QueryRunner','RabbitMQ','GraphiteMergeTree','KeeperMap','ODBC','Merge','GCS','Alias','Distributed','Iceberg','TinyLog','MaterializedView','ReplicatedCoalescingMergeTree','DeltaLakeLocal')) OR (t.engine NOT IN ('ReplicatedMergeTree','PaimonHDFS','SharedCoalescingMergeTree','Null','WindowView','TimeSeries','FuzzJSON','ReplicatedAggregatingMergeTree','GenerateRandom','Memory','PostgreSQL','LiveView','DeltaLakeAzure','AzureBlobStorage','VersionedCollapsingMergeTree','IcebergHDFS','MySQL','SQLite','Executable','IcebergAzure','PaimonLocal','Paimon','Buffer','SharedReplacingMergeTree','SharedMergeTree','Log','SharedVersionedCollapsingMergeTree','SharedAggregatingMergeTree','CoalescingMergeTree','FuzzQuery','RemoteSecure','PaimonS3','MaterializedPostgreSQL','ReplicatedCollapsingMergeTree','SummingMergeTree','SharedSet','Hive','EmbeddedRocksDB','MongoDB','MergeTree','SharedGraphiteMergeTree','YTsaurus','SharedJoin','File','IcebergLocal','S3','Dictionary','Set','ArrowFlight','SharedCollapsingMergeTree','Kafka','PaimonAzure','Remote','ReplicatedVersionedCollapsingMergeTree','FileLog','ReplicatedSummingMergeTree','URL','IcebergS3','Hudi','DeltaLakeS3','StripeLog','DeltaLake','ReplacingMergeTree','NATS','COSN','JDBC','AzureQueue','SharedSummingMergeTree','Loop','CollapsingMergeTree','ExecutablePool','ReplicatedGraphiteMergeTree','HDFS','Redis','S3Queue','AggregatingMergeTree','Join','ReplicatedReplacingMergeTree','View','OSS','QueryRunner','RabbitMQ','GraphiteMergeTree','KeeperMap','ODBC','Merge','GCS','Alias','Distributed','Iceberg','TinyLog','MaterializedView','ReplicatedCoalescingMergeTree','DeltaLakeLocal') AND NOT t.engine LIKE 'System%' AND NOT t.engine LIKE 'Async%' AND t.is_temporary = 0) OR (t.engine LIKE 'System%' OR t.engine LIKE 'Async%') OR (t.is_temporary = 1))",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: "getTables(null, 'default', '%', {TABLE, VIEW})",
    sql: "SELECT '' AS TABLE_CAT, t.database AS TABLE_SCHEM, t.name AS TABLE_NAME, if(t.is_temporary = 1, concat('Temporary', t.engine), t.engine) AS TABLE_TYPE, t.comment AS REMARKS, CAST(null as Nullable(String)) AS TYPE_CAT, d.engine AS TYPE_SCHEM, CAST(null as Nullable(String)) AS TYPE_NAME, CAST(null as Nullable(String)) AS SELF_REFERENCING_COL_NAME, CAST(null as Nullable(String)) AS REF_GENERATION FROM system.tables t JOIN system.databases d ON system.tables.database = system.databases.name WHERE t.database LIKE 'default' AND t.name LIKE '%' AND ( (t.engine IN ('ReplicatedMergeTree','SharedCoalescingMergeTree','Null','WindowView','TimeSeries','FuzzJSON','ReplicatedAggregatingMergeTree','GenerateRandom','SharedCollapsingMergeTree','LiveView','ReplicatedVersionedCollapsingMergeTree','FileLog','ReplicatedSummingMergeTree','VersionedCollapsingMergeTree','ReplacingMergeTree','SQLite','COSN','SharedSummingMergeTree','Executable','Loop','CollapsingMergeTree','SharedReplacingMergeTree','SharedMergeTree','ExecutablePool','SharedVersionedCollapsingMergeTree','SharedAggregatingMergeTree','ReplicatedGraphiteMergeTree','AggregatingMergeTree','Join','CoalescingMergeTree','FuzzQuery','ReplicatedReplacingMergeTree','View','ReplicatedCollapsingMergeTree','SummingMergeTree','SharedSet','GraphiteMergeTree','KeeperMap','Merge','Alias','EmbeddedRocksDB','MergeTree','SharedGraphiteMergeTree','SharedJoin','ReplicatedCoalescingMergeTree','File')) OR (t.engine NOT IN ('ReplicatedMergeTree','PaimonHDFS','SharedCoalescingMergeTree','Null','WindowView','TimeSeries','FuzzJSON','ReplicatedAggregatingMergeTree','GenerateRandom','Memory','PostgreSQL','LiveView','DeltaLakeAzure','AzureBlobStorage','VersionedCollapsingMergeTree','IcebergHDFS','MySQL','SQLite','Executable','IcebergAzure','PaimonLocal','Paimon','Buffer','SharedReplacingMergeTree','SharedMergeTree','Log','SharedVersionedCollapsingMergeTree','SharedAggregatingMergeTree','CoalescingMergeTree','FuzzQuery','RemoteSecure','PaimonS3','MaterializedPostgreSQL','ReplicatedCollapsingMergeTree','SummingMergeTree','SharedSet','Hive','EmbeddedRocksDB','MongoDB','MergeTree','SharedGraphiteMergeTree','YTsaurus','SharedJoin','File','IcebergLocal','S3','Dictionary','Set','ArrowFlight','SharedCollapsingMergeTree','Kafka','PaimonAzure','Remote','ReplicatedVersionedCollapsingMergeTree','FileLog','ReplicatedSummingMergeTree','URL','IcebergS3','Hudi','DeltaLakeS3','StripeLog','DeltaLake','ReplacingMergeTree','NATS','COSN','JDBC','AzureQueue','SharedSummingMergeTree','Loop','CollapsingMergeTree','ExecutablePool','ReplicatedGraphiteMergeTree','HDFS','Redis','S3Queue','AggregatingMergeTree','Join','ReplicatedReplacingMergeTree','View','OSS','QueryRunner','RabbitMQ','GraphiteMergeTree','KeeperMap','ODBC','Merge','GCS','Alias','Distributed','Iceberg','TinyLog','MaterializedView','ReplicatedCoalescingMergeTree','DeltaLakeLocal') AND NOT t.engine LIKE 'System%' AND NOT t.engine LIKE 'Async%' AND t.is_temporary = 0)) AND (t.is_temporary = 0)",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: "getColumns(null, 'default', 'bi_visitors_daily', '%')",
    sql: "SELECT '' AS TABLE_CAT, database AS TABLE_SCHEM, table AS TABLE_NAME, name AS COLUMN_NAME, toInt32(1111) AS DATA_TYPE, type AS TYPE_NAME, toInt32(multiIf(character_octet_length IS NOT NULL, character_octet_length, system.columns.type == 'Bool', 1, system.columns.type == 'Date', 2, system.columns.type == 'Date32', 4, system.columns.type == 'DateTime32', 4, system.columns.type == 'DateTime64', 8, system.columns.type == 'Enum8', 1, system.columns.type == 'Enum16', 2, system.columns.type == 'Int8', 1, system.columns.type == 'UInt8', 1, system.columns.type == 'Int16', 2, system.columns.type == 'UInt16', 2, system.columns.type == 'Int32', 4, system.columns.type == 'UInt32', 4, system.columns.type == 'Int64', 8, system.columns.type == 'IntervalYear', 8, system.columns.type == 'IntervalQuarter', 8, system.columns.type == 'IntervalMonth', 8, system.columns.type == 'IntervalWeek', 8, system.columns.type == 'IntervalDay', 8, system.columns.type == 'IntervalHour', 8, system.columns.type == 'IntervalMinute', 8, system.columns.type == 'IntervalSecond', 8, system.columns.type == 'IntervalMicrosecond', 8, system.columns.type == 'IntervalMillisecond', 8, system.columns.type == 'IntervalNanosecond', 8, system.columns.type == 'UInt64', 8, system.columns.type == 'Int128', 16, system.columns.type == 'UInt128', 16, system.columns.type == 'Int256', 32, system.columns.type == 'UInt256', 32, system.columns.type == 'Decimal32', 4, system.columns.type == 'Decimal64', 8, system.columns.type == 'Decimal128', 16, system.columns.type == 'Decimal256', 32, system.columns.type == 'BFloat16', 2, system.columns.type == 'Float32', 4, system.columns.type == 'Float64', 8, system.columns.type == 'IPv4', 4, system.columns.type == 'IPv6', 16, system.columns.type == 'UUID', 16, system.columns.type == 'Point', 33, system.columns.type == 'Time', 4, system.columns.type == 'Time64', 8, numeric_precision IS NOT NULL, numeric_precision, 0)) AS COLUMN_SIZE, toInt32(0) AS BUFFER_LENGTH, toInt32(IF (numeric_scale == 0, NULL, numeric_scale)) as DECIMAL_DIGITS,  toInt32(numeric_precision_radix) AS NUM_PREC_RADIX, toInt32(position(type, 'Nullable(') >= 1 ?1 : 0) as NULLABLE, system.columns.comment AS REMARKS, system.columns.default_expression AS COLUMN_DEF, toInt32(0) AS SQL_DATA_TYPE, toInt32(0) AS SQL_DATETIME_SUB, character_octet_length::Nullable(Int32) AS CHAR_OCTET_LENGTH, toInt32(system.columns.position) AS ORDINAL_POSITION, position(upper(type), 'NULLABLE') >= 1 ? 'YES' : 'NO' AS IS_NULLABLE,CAST(NULL as Nullable(String)) AS SCOPE_CATALOG, CAST(NULL as Nullable(String)) AS SCOPE_SCHEMA, CAST(NULL as Nullable(String)) AS SCOPE_TABLE, CAST(NULL as Nullable(Int16)) AS SOURCE_DATA_TYPE, 'NO' as IS_AUTOINCREMENT, 'NO' as IS_GENERATEDCOLUMN  FROM system.columns WHERE database LIKE 'default' AND table LIKE 'bi_visitors_daily' AND name LIKE '%' ORDER BY TABLE_SCHEM, TABLE_NAME, ORDINAL_POSITION",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: "getColumns(null, null, '%', null)",
    sql: "SELECT '' AS TABLE_CAT, database AS TABLE_SCHEM, table AS TABLE_NAME, name AS COLUMN_NAME, toInt32(1111) AS DATA_TYPE, type AS TYPE_NAME, toInt32(multiIf(character_octet_length IS NOT NULL, character_octet_length, system.columns.type == 'Bool', 1, system.columns.type == 'Date', 2, system.columns.type == 'Date32', 4, system.columns.type == 'DateTime32', 4, system.columns.type == 'DateTime64', 8, system.columns.type == 'Enum8', 1, system.columns.type == 'Enum16', 2, system.columns.type == 'Int8', 1, system.columns.type == 'UInt8', 1, system.columns.type == 'Int16', 2, system.columns.type == 'UInt16', 2, system.columns.type == 'Int32', 4, system.columns.type == 'UInt32', 4, system.columns.type == 'Int64', 8, system.columns.type == 'IntervalYear', 8, system.columns.type == 'IntervalQuarter', 8, system.columns.type == 'IntervalMonth', 8, system.columns.type == 'IntervalWeek', 8, system.columns.type == 'IntervalDay', 8, system.columns.type == 'IntervalHour', 8, system.columns.type == 'IntervalMinute', 8, system.columns.type == 'IntervalSecond', 8, system.columns.type == 'IntervalMicrosecond', 8, system.columns.type == 'IntervalMillisecond', 8, system.columns.type == 'IntervalNanosecond', 8, system.columns.type == 'UInt64', 8, system.columns.type == 'Int128', 16, system.columns.type == 'UInt128', 16, system.columns.type == 'Int256', 32, system.columns.type == 'UInt256', 32, system.columns.type == 'Decimal32', 4, system.columns.type == 'Decimal64', 8, system.columns.type == 'Decimal128', 16, system.columns.type == 'Decimal256', 32, system.columns.type == 'BFloat16', 2, system.columns.type == 'Float32', 4, system.columns.type == 'Float64', 8, system.columns.type == 'IPv4', 4, system.columns.type == 'IPv6', 16, system.columns.type == 'UUID', 16, system.columns.type == 'Point', 33, system.columns.type == 'Time', 4, system.columns.type == 'Time64', 8, numeric_precision IS NOT NULL, numeric_precision, 0)) AS COLUMN_SIZE, toInt32(0) AS BUFFER_LENGTH, toInt32(IF (numeric_scale == 0, NULL, numeric_scale)) as DECIMAL_DIGITS,  toInt32(numeric_precision_radix) AS NUM_PREC_RADIX, toInt32(position(type, 'Nullable(') >= 1 ?1 : 0) as NULLABLE, system.columns.comment AS REMARKS, system.columns.default_expression AS COLUMN_DEF, toInt32(0) AS SQL_DATA_TYPE, toInt32(0) AS SQL_DATETIME_SUB, character_octet_length::Nullable(Int32) AS CHAR_OCTET_LENGTH, toInt32(system.columns.position) AS ORDINAL_POSITION, position(upper(type), 'NULLABLE') >= 1 ? 'YES' : 'NO' AS IS_NULLABLE,CAST(NULL as Nullable(String)) AS SCOPE_CATALOG, CAST(NULL as Nullable(String)) AS SCOPE_SCHEMA, CAST(NULL as Nullable(String)) AS SCOPE_TABLE, CAST(NULL as Nullable(Int16)) AS SOURCE_DATA_TYPE, 'NO' as IS_AUTOINCREMENT, 'NO' as IS_GENERATEDCOLUMN  FROM system.columns WHERE database LIKE '%' AND table LIKE '%' AND name LIKE '%' ORDER BY TABLE_SCHEM, TABLE_NAME, ORDINAL_POSITION",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getTableTypes()',
    sql: "SELECT arrayJoin(['DICTIONARY','LOG TABLE','MATERIALIZED VIEW','MEMORY TABLE','REMOTE TABLE','SYSTEM TABLE','TABLE','TEMPORARY TABLE','VIEW']) AS TABLE_TYPE ORDER BY TABLE_TYPE",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getTypeInfo()',
    sql: "SELECT name AS TYPE_NAME, CAST(0 as Int32) AS DATA_TYPE, CAST(attrs.c2 AS Nullable(Int32)) AS PRECISION, CAST(NULL as Nullable(String)) AS LITERAL_PREFIX, CAST(NULL as Nullable(String)) AS LITERAL_SUFFIX, CAST(NULL as Nullable(String)) AS CREATE_PARAMS, CAST(0 AS Int16) AS NULLABLE, CAST(not(dt.case_insensitive) AS Boolean) AS CASE_SENSITIVE, 3::Int16 AS SEARCHABLE, CAST( not(attrs.c3) AS Boolean) AS UNSIGNED_ATTRIBUTE, false AS FIXED_PREC_SCALE, false AS AUTO_INCREMENT, if(empty(alias_to), name, alias_to) AS LOCAL_TYPE_NAME, CAST(attrs.c4 AS Nullable(Int16)) AS MINIMUM_SCALE, CAST(attrs.c5 AS Nullable(Int16)) AS MAXIMUM_SCALE, CAST(0 AS Nullable(Int32)) AS SQL_DATA_TYPE, CAST(0 AS Nullable(Int32)) AS SQL_DATETIME_SUB, CAST(0 AS Nullable(Int32)) AS NUM_PREC_RADIX FROM system.data_type_families dt  LEFT JOIN (SELECT * FROM VALUES ( ('Bool',1,true,0,0),('Date',10,false,0,0),('Date32',10,false,0,0),('DateTime',29,false,0,9),('DateTime32',19,false,0,0),('DateTime64',29,false,0,9),('Enum',0,false,0,0),('Enum8',0,false,0,0),('Enum16',0,false,0,0),('FixedString',0,false,0,0),('Int8',3,true,0,0),('UInt8',3,false,0,0),('Int16',5,true,0,0),('UInt16',5,false,0,0),('Int32',10,true,0,0),('UInt32',10,false,0,0),('Int64',19,true,0,0),('IntervalYear',19,true,0,0),('IntervalQuarter',19,true,0,0),('IntervalMonth',19,true,0,0),('IntervalWeek',19,true,0,0),('IntervalDay',19,true,0,0),('IntervalHour',19,true,0,0),('IntervalMinute',19,true,0,0),('IntervalSecond',19,true,0,0),('IntervalMicrosecond',19,true,0,0),('IntervalMillisecond',19,true,0,0),('IntervalNanosecond',19,true,0,0),('UInt64',20,false,0,0),('Int128',39,true,0,0),('UInt128',39,false,0,0),('Int256',77,true,0,0),('UInt256',78,false,0,0),('Decimal',76,true,0,76),('Decimal32',9,true,0,9),('Decimal64',18,true,0,18),('Decimal128',38,true,0,38),('Decimal256',76,true,0,76),('BFloat16',3,true,0,16),('Float32',12,true,0,38),('Float64',22,true,0,308),('IPv4',10,false,0,0),('IPv6',39,false,0,0),('UUID',69,false,0,0),('Point',0,true,0,0),('Polygon',0,true,0,0),('MultiPolygon',0,true,0,0),('Ring',0,true,0,0),('LineString',0,true,0,0),('MultiLineString',0,true,0,0),('Geometry',0,true,0,0),('JSON',0,false,0,0),('Object',0,false,0,0),('String',0,false,0,0),('Array',0,false,0,0),('Map',0,false,0,0),('Nested',0,false,0,0),('Tuple',0,false,0,0),('Nothing',0,false,0,0),('LowCardinality',0,false,0,0),('Nullable',0,false,0,0),('SimpleAggregateFunction',0,false,0,0),('AggregateFunction',0,false,0,0),('Variant',0,false,0,0),('Dynamic',0,false,0,0),('Time',9,false,0,9),('Time64',9,false,0,0),('QBit',0,false,0,0)) ) as attrs ON (dt.name = attrs.c1) WHERE alias_to == ''  ORDER BY name",
    expect: 446,
    why: 'reads a VALUES table function',
  },
  {
    driver: 'jdbc',
    call: "getPrimaryKeys(null, 'default', 'bi_visitors_daily')",
    sql: "SELECT NULL::Nullable(String) AS TABLE_CAT, system.tables.database AS TABLE_SCHEM, system.tables.name AS TABLE_NAME, trim(c.1) AS COLUMN_NAME, CAST(c.2 AS Int16) AS KEY_SEQ, 'PRIMARY' AS PK_NAME FROM system.tables ARRAY JOIN arrayZip(splitByChar(',', primary_key), arrayEnumerate(splitByChar(',', primary_key))) as c WHERE system.tables.primary_key <> '' AND system.tables.database ILIKE 'default' AND system.tables.name ILIKE 'bi_visitors_daily' ORDER BY COLUMN_NAME",
    expect: 62,
    why: 'tuple element access (c.1) and ARRAY JOIN are outside the grammar',
  },
  {
    driver: 'jdbc',
    call: "getFunctions(null, null, '%')",
    sql: "SELECT CAST(NULL as Nullable(String)) AS FUNCTION_CAT, CAST(NULL as Nullable(String)) AS FUNCTION_SCHEM, CAST(name as Nullable(String)) AS FUNCTION_NAME, concat(description, '(', origin, ')') AS REMARKS, CAST(0 AS Int16) AS FUNCTION_TYPE, name AS SPECIFIC_NAME FROM system.functions WHERE name LIKE '%'",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'Statement.executeQuery',
    sql: 'SELECT site_id, visitors FROM bi_visitors_daily',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'PreparedStatement.executeQuery (parameters bound by the driver)',
    sql: "SELECT visitors FROM bi_visitors_daily WHERE site_id = 'a-1' AND local_date >= '2026-11-01'",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'connect when the server time zone is unknown (Client.loadServerInfo)',
    sql: 'SELECT currentUser() AS user, timezone() AS timezone, version() AS version LIMIT 1',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getProcedures()',
    sql: "SELECT '' AS PROCEDURE_CAT, '' AS PROCEDURE_SCHEM, '' AS PROCEDURE_NAME, CAST(0 as Int16) AS RESERVED1, CAST(0 as Int16) AS RESERVED2, CAST(0 as Int16) AS RESERVED3, '' AS REMARKS, CAST(0 as Int16) AS PROCEDURE_TYPE, '' AS SPECIFIC_NAME LIMIT 0",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getProcedureColumns()',
    sql: "SELECT '' AS PROCEDURE_CAT, '' AS PROCEDURE_SCHEM, '' AS PROCEDURE_NAME, '' AS COLUMN_NAME, CAST(0 as Int16) AS COLUMN_TYPE, CAST(0 as Int32) AS DATA_TYPE, '' AS TYPE_NAME, CAST(0 as Int32) AS PRECISION, CAST(0 as Int32) AS LENGTH, CAST(0 as Int16) AS SCALE, CAST(0 as Int16) AS RADIX, CAST(0 as Int16) AS NULLABLE, '' AS REMARKS, '' AS COLUMN_DEF, CAST(0 as Int32) AS SQL_DATA_TYPE, CAST(0 as Int32) AS SQL_DATETIME_SUB, CAST(0 as Int32) AS CHAR_OCTET_LENGTH, CAST(0 as Int32) AS ORDINAL_POSITION, '' AS IS_NULLABLE, '' AS SPECIFIC_NAME LIMIT 0",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getColumnPrivileges()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS TABLE_CAT, CAST(NULL as Nullable(String)) AS TABLE_SCHEM, CAST(NULL as Nullable(String)) AS TABLE_NAME, CAST(NULL as Nullable(String)) AS COLUMN_NAME, CAST(NULL as Nullable(String)) AS GRANTOR, CAST(NULL as Nullable(String)) AS GRANTEE, CAST(NULL as Nullable(String)) AS PRIVILEGE, CAST(NULL as Nullable(String)) AS IS_GRANTABLE LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getTablePrivileges()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS TABLE_CAT, CAST(NULL as Nullable(String)) AS TABLE_SCHEM, CAST(NULL as Nullable(String)) AS TABLE_NAME, CAST(NULL as Nullable(String)) AS GRANTOR, CAST(NULL as Nullable(String)) AS GRANTEE, CAST(NULL as Nullable(String)) AS PRIVILEGE, CAST(NULL as Nullable(String)) AS IS_GRANTABLE LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getBestRowIdentifier()',
    sql: 'SELECT CAST(NULL as Nullable(Int16)) AS SCOPE, CAST(NULL as Nullable(String)) AS COLUMN_NAME, CAST(NULL as Nullable(Int32)) AS DATA_TYPE, CAST(NULL as Nullable(String)) AS TYPE_NAME, CAST(NULL as Nullable(Int32)) AS COLUMN_SIZE, CAST(NULL as Nullable(Int32)) AS BUFFER_LENGTH, CAST(NULL as Nullable(Int16)) AS DECIMAL_DIGITS, CAST(NULL as Nullable(Int16)) AS PSEUDO_COLUMN LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getVersionColumns()',
    sql: 'SELECT CAST(NULL as Nullable(Int16)) AS SCOPE, CAST(NULL as Nullable(String)) AS COLUMN_NAME, CAST(NULL as Nullable(Int32)) AS DATA_TYPE, CAST(NULL as Nullable(String)) AS TYPE_NAME, CAST(NULL as Nullable(Int32)) AS COLUMN_SIZE, CAST(NULL as Nullable(Int32)) AS BUFFER_LENGTH, CAST(NULL as Nullable(Int16)) AS DECIMAL_DIGITS, CAST(NULL as Nullable(Int16)) AS PSEUDO_COLUMN LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getImportedKeys()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS PKTABLE_CAT, CAST(NULL as Nullable(String)) AS PKTABLE_SCHEM, CAST(NULL as Nullable(String)) AS PKTABLE_NAME, CAST(NULL as Nullable(String)) AS PKCOLUMN_NAME, CAST(NULL as Nullable(String)) AS FKTABLE_CAT, CAST(NULL as Nullable(String)) AS FKTABLE_SCHEM, CAST(NULL as Nullable(String)) AS FKTABLE_NAME, CAST(NULL as Nullable(String)) AS FKCOLUMN_NAME, CAST(NULL as Nullable(Int16)) AS KEY_SEQ, CAST(NULL as Nullable(Int16)) AS UPDATE_RULE, CAST(NULL as Nullable(Int16)) AS DELETE_RULE, CAST(NULL as Nullable(String)) AS FK_NAME, CAST(NULL as Nullable(String)) AS PK_NAME, CAST(NULL as Nullable(Int16)) AS DEFERRABILITY LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getExportedKeys()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS PKTABLE_CAT, CAST(NULL as Nullable(String)) AS PKTABLE_SCHEM, CAST(NULL as Nullable(String)) AS PKTABLE_NAME, CAST(NULL as Nullable(String)) AS PKCOLUMN_NAME, CAST(NULL as Nullable(String)) AS FKTABLE_CAT, CAST(NULL as Nullable(String)) AS FKTABLE_SCHEM, CAST(NULL as Nullable(String)) AS FKTABLE_NAME, CAST(NULL as Nullable(String)) AS FKCOLUMN_NAME, CAST(NULL as Nullable(Int16)) AS KEY_SEQ, CAST(NULL as Nullable(Int16)) AS UPDATE_RULE, CAST(NULL as Nullable(Int16)) AS DELETE_RULE, CAST(NULL as Nullable(String)) AS FK_NAME, CAST(NULL as Nullable(String)) AS PK_NAME, CAST(NULL as Nullable(Int16)) AS DEFERRABILITY LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getCrossReference()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS PKTABLE_CAT, CAST(NULL as Nullable(String)) AS PKTABLE_SCHEM, CAST(NULL as Nullable(String)) AS PKTABLE_NAME, CAST(NULL as Nullable(String)) AS PKCOLUMN_NAME, CAST(NULL as Nullable(String)) AS FKTABLE_CAT, CAST(NULL as Nullable(String)) AS FKTABLE_SCHEM, CAST(NULL as Nullable(String)) AS FKTABLE_NAME, CAST(NULL as Nullable(String)) AS FKCOLUMN_NAME, CAST(NULL as Nullable(Int16)) AS KEY_SEQ, CAST(NULL as Nullable(Int16)) AS UPDATE_RULE, CAST(NULL as Nullable(Int16)) AS DELETE_RULE, CAST(NULL as Nullable(String)) AS FK_NAME, CAST(NULL as Nullable(String)) AS PK_NAME, CAST(NULL as Nullable(Int16)) AS DEFERRABILITY LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getIndexInfo()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS TABLE_CAT, CAST(NULL as Nullable(String)) AS TABLE_SCHEM, CAST(NULL as Nullable(String)) AS TABLE_NAME, CAST(NULL as Nullable(Boolean)) AS NON_UNIQUE, CAST(NULL as Nullable(String)) AS INDEX_QUALIFIER, CAST(NULL as Nullable(String)) AS INDEX_NAME, CAST(NULL as Nullable(Int16)) AS TYPE, CAST(NULL as Nullable(Int16)) AS ORDINAL_POSITION, CAST(NULL as Nullable(String)) AS COLUMN_NAME, CAST(NULL as Nullable(String)) AS ASC_OR_DESC, CAST(NULL as Nullable(Int64)) AS CARDINALITY, CAST(NULL as Nullable(Int64)) AS PAGES, CAST(NULL as Nullable(String)) AS FILTER_CONDITION  LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getUDTs()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS TYPE_CAT, CAST(NULL as Nullable(String)) AS TYPE_SCHEM, CAST(NULL as Nullable(String)) AS TYPE_NAME, CAST(NULL as Nullable(String)) AS CLASS_NAME, CAST(NULL as Nullable(Int32)) AS DATA_TYPE, CAST(NULL as Nullable(String)) AS REMARKS, CAST(NULL as Nullable(Int16)) AS BASE_TYPE LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getSuperTypes()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS TYPE_CAT, CAST(NULL as Nullable(String)) AS TYPE_SCHEM, CAST(NULL as Nullable(String)) AS TYPE_NAME, CAST(NULL as Nullable(String)) AS SUPERTYPE_CAT, CAST(NULL as Nullable(String)) AS SUPERTYPE_SCHEM, CAST(NULL as Nullable(String)) AS SUPERTYPE_NAME LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getSuperTables()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS TABLE_CAT, CAST(NULL as Nullable(String)) AS TABLE_SCHEM, CAST(NULL as Nullable(String)) AS TABLE_NAME, CAST(NULL as Nullable(String)) AS SUPERTABLE_NAME LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getAttributes()',
    sql: 'SELECT CAST(NULL as Nullable(String)) AS TYPE_CAT, CAST(NULL as Nullable(String)) AS TYPE_SCHEM, CAST(NULL as Nullable(String)) AS TYPE_NAME, CAST(NULL as Nullable(String)) AS ATTR_NAME, CAST(NULL as Nullable(Int32)) AS DATA_TYPE, CAST(NULL as Nullable(String)) AS ATTR_TYPE_NAME, CAST(NULL as Nullable(Int32)) AS ATTR_SIZE, CAST(NULL as Nullable(Int32)) AS DECIMAL_DIGITS, CAST(NULL as Nullable(Int32)) AS NUM_PREC_RADIX, CAST(NULL as Nullable(Int32)) AS NULLABLE, CAST(NULL as Nullable(String)) AS REMARKS, CAST(NULL as Nullable(String)) AS ATTR_DEF, CAST(NULL as Nullable(Int32)) AS SQL_DATA_TYPE, CAST(NULL as Nullable(Int32)) AS SQL_DATETIME_SUB, CAST(NULL as Nullable(Int32)) AS CHAR_OCTET_LENGTH, CAST(NULL as Nullable(Int32)) AS ORDINAL_POSITION, CAST(NULL as Nullable(String)) AS IS_NULLABLE, CAST(NULL as Nullable(String)) AS SCOPE_CATALOG, CAST(NULL as Nullable(String)) AS SCOPE_SCHEMA, CAST(NULL as Nullable(String)) AS SCOPE_TABLE, CAST(NULL as Nullable(Int16)) AS SOURCE_DATA_TYPE LIMIT 0',
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getClientInfoProperties()',
    sql: "SELECT c1 as NAME, c2 as MAX_LEN, c3 as DEFAULT_VALUE, c4 as DESCRIPTION FROM VALUES (('ApplicationName', 255, '', 'Client application name.'))",
    expect: 446,
    why: 'reads a VALUES table function',
  },
  {
    driver: 'jdbc',
    call: 'getFunctionColumns()',
    sql: "SELECT '' AS FUNCTION_CAT, '' AS FUNCTION_SCHEM, '' AS FUNCTION_NAME, '' AS COLUMN_NAME, CAST(0 AS Int16) AS COLUMN_TYPE, CAST(0 AS Int32) AS DATA_TYPE, '' AS TYPE_NAME, CAST(0 AS Int32) AS PRECISION, CAST(0 AS Int32) AS LENGTH, CAST(0 AS Int16) AS SCALE, CAST(0 AS Int16) AS RADIX, CAST(0 AS Int16) AS NULLABLE, '' AS REMARKS, CAST(0 AS Int32) AS CHAR_OCTET_LENGTH, CAST(0 AS Int32) AS ORDINAL_POSITION, '' AS IS_NULLABLE, '' AS SPECIFIC_NAME LIMIT 0",
    expect: 'passes',
  },
  {
    driver: 'jdbc',
    call: 'getPseudoColumns()',
    sql: "SELECT '' AS TABLE_CAT, '' AS TABLE_SCHEM, '' AS TABLE_NAME, '' AS COLUMN_NAME, CAST(0 AS Int32)  AS DATA_TYPE, CAST(0 AS Int32)  AS COLUMN_SIZE, CAST(0 AS Int32)  AS DECIMAL_DIGITS, CAST(0 AS Int32)  AS NUM_PREC_RADIX, '' AS COLUMN_USAGE, '' AS REMARKS, CAST(0 AS Int32)  AS CHAR_OCTET_LENGTH, '' AS IS_NULLABLE  LIMIT 0",
    expect: 'passes',
  },
  {
    driver: 'clickhouse-connect',
    call: 'connect: server version and time zone',
    sql: 'SELECT version(), timezone()',
    expect: 'passes',
  },
  {
    driver: 'clickhouse-connect',
    call: 'connect: server settings',
    sql: 'SELECT name, value, readonly FROM system.settings LIMIT 10000\n FORMAT Native',
    expect: 'passes',
  },
  {
    driver: 'clickhouse-connect',
    call: 'connect: protocol probe (client_protocol_version in the URL)',
    sql: 'SELECT 1 AS check\n FORMAT Native',
    expect: 'passes',
  },
  {
    driver: 'clickhouse-connect',
    call: 'Client.query',
    sql: 'SELECT site_id FROM bi_visitors_daily\n FORMAT Native',
    expect: 'passes',
  },
];
