-- Hourly footfall per site and local hour, maintained by ClickHouse as visit rows arrive.
-- Idempotent by design: a visit row is inserted many times (as it grows, when it closes, on
-- redelivery), so every figure is a uniqExact state of ids, never a count of rows. Merging the
-- same visit id twice changes nothing. Only counted visits (not bounces) enter; `counted` never
-- goes back to 0 and `returning` never changes, so no row has to be taken back out.
CREATE TABLE IF NOT EXISTS footfall_hourly
(
    site_id          LowCardinality(String),
    tenant           LowCardinality(String),
    local_date       Date,
    local_hour       UInt8,
    visitors         AggregateFunction(uniqExact, String),
    visits           AggregateFunction(uniqExact, String),
    new_visits       AggregateFunction(uniqExact, String),
    returning_visits AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(local_date)
ORDER BY (site_id, local_date, local_hour, tenant);

CREATE MATERIALIZED VIEW IF NOT EXISTS footfall_hourly_mv TO footfall_hourly AS
SELECT
    site_id, tenant, local_date, local_hour,
    uniqExactState(identity_id) AS visitors,
    uniqExactState(visit_id) AS visits,
    uniqExactStateIf(visit_id, returning = 0) AS new_visits,
    uniqExactStateIf(visit_id, returning = 1) AS returning_visits
FROM visits
WHERE counted = 1
GROUP BY site_id, tenant, local_date, local_hour
