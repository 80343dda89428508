-- Label-free calibration (reid-worker/calibration): how many score pairs of each kind fell in
-- each 0.005-wide cosine bin, per site, day and camera pair. Cosine scores only — no embedding,
-- no identity, no observation id. Each observation's pairs are written once (after its sighting),
-- so summing on merge is exact. Kept 90 days.
CREATE TABLE IF NOT EXISTS calibration_scores
(
    site_id  LowCardinality(String),
    day      Date,
    camera_a LowCardinality(String),
    camera_b LowCardinality(String),
    kind     LowCardinality(String),
    source   LowCardinality(String),
    bin      UInt16,
    pairs    UInt64
)
ENGINE = SummingMergeTree(pairs)
ORDER BY (site_id, day, camera_a, camera_b, kind, source, bin)
TTL day + INTERVAL 90 DAY
