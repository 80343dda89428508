-- One row per re-identified observation. ReplacingMergeTree on the observation id makes the sink
-- idempotent: a batch redelivered after a crash replaces its rows instead of doubling them
-- (queries read with FINAL).
CREATE TABLE IF NOT EXISTS sightings
(
    observation_id  String,
    site_id         LowCardinality(String),
    camera_id       LowCardinality(String),
    identity_id     String,
    t_start         DateTime64(3, 'UTC'),
    t_end           DateTime64(3, 'UTC'),
    similarity      Float32,
    is_new_identity UInt8,
    quality         Float32,
    model_id        LowCardinality(String),
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(t_start)
ORDER BY (site_id, t_start, observation_id)
