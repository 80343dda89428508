-- One row per state of a visit, written by the re-id worker's sessionisation (reid-worker/visits).
-- A visit is rewritten as it grows and when it closes; ReplacingMergeTree keeps the row with the
-- highest version, and queries read with FINAL. The start is fixed when a visit opens, so it can
-- key the table and its partition. `path` is the camera sequence with repeats collapsed,
-- computed by ClickHouse on insert. Rows carry the tenant for row policies on a server.
CREATE TABLE IF NOT EXISTS visits
(
    site_id        LowCardinality(String),
    tenant         LowCardinality(String),
    visit_id       String,
    identity_id    String,
    start          DateTime64(3, 'UTC'),
    end            DateTime64(3, 'UTC'),
    local_date     Date,
    local_hour     UInt8,
    cameras        Array(LowCardinality(String)),
    path           Array(LowCardinality(String)) MATERIALIZED arrayFilter((c, i) -> i = 1 OR c != cameras[i - 1], cameras, arrayEnumerate(cameras)),
    dwell_s        Float64 MATERIALIZED dateDiff('millisecond', start, end) / 1000,
    sightings      UInt32,
    returning      UInt8,
    counted        UInt8,
    status         Enum8('open' = 1, 'closed' = 2),
    rules_version  LowCardinality(String),
    version        UInt64,
    INDEX identity_bf identity_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site_id, start, visit_id)
