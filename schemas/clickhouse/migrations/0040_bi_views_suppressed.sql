-- The BI views under the one suppression rule of every output (docs/privacy.md; the TypeScript
-- rule is reports/privacy/, and test/integration/bi-suppression-agreement.test.ts proves both
-- hide the same cells). Same names, parameters (tenant, min_count) and columns as 0008; NULL is a
-- hidden figure, never a zero. A count is small when 0 < count < min_count.
--
-- bi_footfall_hourly, per row: small visits hide the whole row; a small new or returning count
-- hides both. Then across the hours of each local day (the day's sums are published by
-- bi_visitors_daily and the API): (1) if exactly one hour hides its visits and the day's visits
-- are not small, the hour with the fewest visits among the others (the earliest on a tie) hides
-- its row too; (2) if exactly one hour does not show new and returning and the day shows both,
-- the hour with the fewest visits among those showing both, preferring hours whose new and
-- returning are both non-zero, hides them too. Unique visitors are not additive over hours: hidden
-- only when small or when the row is.
CREATE OR REPLACE VIEW bi_footfall_hourly AS
SELECT
    site_id, local_date, local_hour,
    if(hidden OR (u > 0 AND u < {min_count:UInt64}), NULL, u) AS visitors,
    if(hidden, NULL, v) AS visits,
    if(hidden OR split, NULL, n) AS new_visits,
    if(hidden OR split, NULL, r) AS returning_visits
FROM
(
    SELECT *,
           split_alone OR (unshown_rows = 1 AND day_shown AND NOT hidden AND local_hour = pick_split) AS split
    FROM
    (
        SELECT *,
               countIf(hidden OR split_alone) OVER day AS unshown_rows,
               argMinIf(local_hour, (n = 0 OR r = 0, v, local_hour), NOT (hidden OR split_alone)) OVER day AS pick_split
        FROM
        (
            SELECT *,
                   small_row OR (hidden_rows = 1 AND NOT day_small AND local_hour = pick_hidden) AS hidden,
                   NOT small_row AND ((n > 0 AND n < {min_count:UInt64}) OR (r > 0 AND r < {min_count:UInt64})) AS split_alone
            FROM
            (
                SELECT *,
                       countIf(small_row) OVER day AS hidden_rows,
                       argMinIf(local_hour, (v, local_hour), NOT small_row) OVER day AS pick_hidden,
                       sum(v) OVER day AS day_v, sum(n) OVER day AS day_n, sum(r) OVER day AS day_r,
                       day_v > 0 AND day_v < {min_count:UInt64} AS day_small,
                       NOT day_small AND NOT ((day_n > 0 AND day_n < {min_count:UInt64}) OR (day_r > 0 AND day_r < {min_count:UInt64})) AS day_shown
                FROM
                (
                    SELECT site_id, local_date, local_hour,
                           uniqExactMerge(visitors) AS u, uniqExactMerge(visits) AS v,
                           uniqExactMerge(new_visits) AS n, uniqExactMerge(returning_visits) AS r,
                           v > 0 AND v < {min_count:UInt64} AS small_row
                    FROM footfall_hourly
                    WHERE tenant = {tenant:String}
                    GROUP BY site_id, local_date, local_hour
                )
                WINDOW day AS (PARTITION BY site_id, local_date)
            )
        )
        WINDOW day AS (PARTITION BY site_id, local_date)
    )
);

-- bi_visitors_daily, per day: small visits hide the row; a small new (visits − returning) or
-- returning visit count hides returning visits and the rate (rate × visits would give them back).
-- Visitors split into only new (visitors − returning visitors), only returning (visitors − new
-- visitors) and both (new + returning − visitors: first visit and a return the same day): any of
-- them small hides new and returning visitors.
CREATE OR REPLACE VIEW bi_visitors_daily AS
SELECT
    site_id, local_date,
    if(small_v OR (u > 0 AND u < {min_count:UInt64}), NULL, u) AS visitors,
    if(split_visitors, NULL, nu) AS new_visitors,
    if(split_visitors, NULL, ru) AS returning_visitors,
    if(small_v, NULL, v) AS visits,
    if(small_v OR split_visits, NULL, rv) AS returning_visits,
    if(small_v OR split_visits, NULL, if(v = 0, 0, round(rv / v, 4))) AS returning_visit_rate
FROM
(
    SELECT *,
           v > 0 AND v < {min_count:UInt64} AS small_v,
           (v - rv > 0 AND v - rv < {min_count:UInt64}) OR (rv > 0 AND rv < {min_count:UInt64}) AS split_visits,
           small_v OR (u > 0 AND u < {min_count:UInt64})
             OR (u - ru > 0 AND u - ru < {min_count:UInt64})
             OR (u - nu > 0 AND u - nu < {min_count:UInt64})
             OR (nu + ru - u > 0 AND nu + ru - u < {min_count:UInt64}) AS split_visitors
    FROM
    (
        SELECT site_id, local_date,
               uniqExactMerge(visitors) AS u, uniqExactMerge(new_visitors) AS nu,
               uniqExactMerge(returning_visitors) AS ru, uniqExactMerge(visits) AS v,
               uniqExactMerge(returning_visits) AS rv
        FROM visitors_daily
        WHERE tenant = {tenant:String}
        GROUP BY site_id, local_date
    )
);

-- Dwell percentiles of a day only where at least min_count visits stand behind them (a percentile
-- of a few visits is one person's stay); days with fewer show NULL.
CREATE OR REPLACE VIEW bi_dwell_daily AS
SELECT
    site_id, local_date,
    if(few, NULL, n) AS visits,
    if(few, NULL, round(q[1], 1)) AS dwell_p25_s,
    if(few, NULL, round(q[2], 1)) AS dwell_median_s,
    if(few, NULL, round(q[3], 1)) AS dwell_p75_s,
    if(few, NULL, round(q[4], 1)) AS dwell_p90_s
FROM
(
    SELECT site_id, local_date, count() AS n, quantilesExact(0.25, 0.5, 0.75, 0.9)(dwell_s) AS q,
           n > 0 AND n < {min_count:UInt64} AS few
    FROM visits FINAL
    WHERE tenant = {tenant:String} AND counted = 1
    GROUP BY site_id, local_date
);

-- Transitions of a day between two cameras: a small count is NULL.
CREATE OR REPLACE VIEW bi_camera_transitions_daily AS
SELECT site_id, local_date, from_camera, to_camera, if(n > 0 AND n < {min_count:UInt64}, NULL, n) AS visits
FROM
(
    SELECT site_id, local_date, from_camera, to_camera, uniqExactMerge(visits) AS n
    FROM camera_transitions_daily
    WHERE tenant = {tenant:String}
    GROUP BY site_id, local_date, from_camera, to_camera
)
