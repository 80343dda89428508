-- One row per digest delivery (site, period, destination): what was sent, what failed and why.
-- The scheduler reads it before sending, so a restart never sends twice. The version makes a
-- later attempt, and a success over a failure of the same attempt, win the replacement.
CREATE TABLE IF NOT EXISTS digest_runs
(
    run_key     String,
    site_id     LowCardinality(String),
    period_kind LowCardinality(String),
    period_from Date,
    destination String,
    status      LowCardinality(String),
    attempts    UInt16,
    last_error  String,
    version     UInt32,
    updated_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY run_key
