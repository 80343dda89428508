-- Views for BI tools: aggregates only, scoped to one tenant, every count below the minimum
-- suppressed (NULL) so no individual can be singled out. They are parameterized views: a caller
-- must name the tenant and the minimum count, and neither BI endpoint lets a client choose them
-- (the embedded /bi/ endpoint fills them in from the API key; on a server, per-tenant views
-- fix them, see schemas/clickhouse/bi/). Documented in docs/bi.md.
CREATE VIEW IF NOT EXISTS bi_footfall_hourly AS
SELECT
    site_id, local_date, local_hour,
    if(visitors_n < {min_count:UInt64}, NULL, visitors_n) AS visitors,
    if(visits_n < {min_count:UInt64}, NULL, visits_n) AS visits,
    if(new_n < {min_count:UInt64}, NULL, new_n) AS new_visits,
    if(returning_n < {min_count:UInt64}, NULL, returning_n) AS returning_visits
FROM
(
    SELECT site_id, local_date, local_hour,
           uniqExactMerge(visitors) AS visitors_n, uniqExactMerge(visits) AS visits_n,
           uniqExactMerge(new_visits) AS new_n, uniqExactMerge(returning_visits) AS returning_n
    FROM footfall_hourly
    WHERE tenant = {tenant:String}
    GROUP BY site_id, local_date, local_hour
);

CREATE VIEW IF NOT EXISTS bi_visitors_daily AS
SELECT
    site_id, local_date,
    if(visitors_n < {min_count:UInt64}, NULL, visitors_n) AS visitors,
    if(new_n < {min_count:UInt64}, NULL, new_n) AS new_visitors,
    if(returning_n < {min_count:UInt64}, NULL, returning_n) AS returning_visitors,
    if(visits_n < {min_count:UInt64}, NULL, visits_n) AS visits,
    if(returning_visits_n < {min_count:UInt64}, NULL, returning_visits_n) AS returning_visits,
    if(visits_n < {min_count:UInt64}, NULL, round(returning_visits_n / visits_n, 4)) AS returning_visit_rate
FROM
(
    SELECT site_id, local_date,
           uniqExactMerge(visitors) AS visitors_n, uniqExactMerge(new_visitors) AS new_n,
           uniqExactMerge(returning_visitors) AS returning_n, uniqExactMerge(visits) AS visits_n,
           uniqExactMerge(returning_visits) AS returning_visits_n
    FROM visitors_daily
    WHERE tenant = {tenant:String}
    GROUP BY site_id, local_date
);

-- Dwell percentiles of a day only where at least the minimum number of visits stand behind them.
CREATE VIEW IF NOT EXISTS bi_dwell_daily AS
SELECT site_id, local_date, visits, dwell_p25_s, dwell_median_s, dwell_p75_s, dwell_p90_s
FROM
(
    SELECT site_id, local_date, count() AS visits,
           quantilesExact(0.25, 0.5, 0.75, 0.9)(dwell_s) AS q,
           round(q[1], 1) AS dwell_p25_s, round(q[2], 1) AS dwell_median_s, round(q[3], 1) AS dwell_p75_s, round(q[4], 1) AS dwell_p90_s
    FROM visits FINAL
    WHERE tenant = {tenant:String} AND counted = 1
    GROUP BY site_id, local_date
)
WHERE visits >= {min_count:UInt64};

CREATE VIEW IF NOT EXISTS bi_camera_transitions_daily AS
SELECT site_id, local_date, from_camera, to_camera, visits
FROM
(
    SELECT site_id, local_date, from_camera, to_camera, uniqExactMerge(visits) AS visits
    FROM camera_transitions_daily
    WHERE tenant = {tenant:String}
    GROUP BY site_id, local_date, from_camera, to_camera
)
WHERE visits >= {min_count:UInt64}
