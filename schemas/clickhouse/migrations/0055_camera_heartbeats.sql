-- Camera heartbeats (topic camera-heartbeats): each camera worker vouches every
-- ingest.heartbeatEveryMs that it analysed frames. A local hour of a camera is covered when a
-- heartbeat overlaps it; reports show an uncovered hour as "no data", never as zero. Replacing by
-- (site, camera, start): a redelivered heartbeat writes the same row. Kept as long as sightings.
CREATE TABLE IF NOT EXISTS camera_heartbeats
(
    site_id         LowCardinality(String),
    camera_id       LowCardinality(String),
    t_start         DateTime64(3, 'UTC'),
    t_end           DateTime64(3, 'UTC'),
    frames_analysed UInt32
)
ENGINE = ReplacingMergeTree
ORDER BY (site_id, camera_id, t_start)
TTL toDateTime(t_start) + INTERVAL 400 DAY
