-- Daily visitor figures per site and local day: unique, new and returning visitors and visits.
-- A new visitor had no earlier counted visit; a returning one had. Someone whose first visit and
-- a return fall on the same day is in both sets. Idempotent like footfall_hourly: uniqExact
-- states of ids only.
CREATE TABLE IF NOT EXISTS visitors_daily
(
    site_id            LowCardinality(String),
    tenant             LowCardinality(String),
    local_date         Date,
    visitors           AggregateFunction(uniqExact, String),
    new_visitors       AggregateFunction(uniqExact, String),
    returning_visitors AggregateFunction(uniqExact, String),
    visits             AggregateFunction(uniqExact, String),
    returning_visits   AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(local_date)
ORDER BY (site_id, local_date, tenant);

CREATE MATERIALIZED VIEW IF NOT EXISTS visitors_daily_mv TO visitors_daily AS
SELECT
    site_id, tenant, local_date,
    uniqExactState(identity_id) AS visitors,
    uniqExactStateIf(identity_id, returning = 0) AS new_visitors,
    uniqExactStateIf(identity_id, returning = 1) AS returning_visitors,
    uniqExactState(visit_id) AS visits,
    uniqExactStateIf(visit_id, returning = 1) AS returning_visits
FROM visits
WHERE counted = 1
GROUP BY site_id, tenant, local_date
