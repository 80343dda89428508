-- Camera-to-camera transitions per site and local day (for a Sankey), from the collapsed paths
-- of closed, counted visits. A visit's path only grows by appending, so an earlier closed row
-- holds a prefix of the final path: counting visit ids per transition with uniqExact stays exact
-- however often the row is rewritten.
CREATE TABLE IF NOT EXISTS camera_transitions_daily
(
    site_id     LowCardinality(String),
    tenant      LowCardinality(String),
    local_date  Date,
    from_camera LowCardinality(String),
    to_camera   LowCardinality(String),
    visits      AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(local_date)
ORDER BY (site_id, local_date, from_camera, to_camera, tenant);

CREATE MATERIALIZED VIEW IF NOT EXISTS camera_transitions_daily_mv TO camera_transitions_daily AS
SELECT site_id, tenant, local_date, step.1 AS from_camera, step.2 AS to_camera, uniqExactState(visit_id) AS visits
FROM visits
ARRAY JOIN arrayZip(arrayPopBack(path), arrayPopFront(path)) AS step
WHERE counted = 1 AND status = 'closed' AND length(path) > 1
GROUP BY site_id, tenant, local_date, from_camera, to_camera
