-- People seen but not identified: one row per face track whose faces were too small, blurred or
-- turned away in every frame (a FaceObservation with `unidentified` set and no embedding). No
-- identity: they count in footfall as "seen, not identified" on entrance cameras and in each
-- camera's capture rate, never in returning visitors or paths. ReplacingMergeTree on the
-- observation id keeps the sink idempotent (read with FINAL). Local date and hour are the site's,
-- written by the worker; rows follow the site's sighting retention like sightings do.
CREATE TABLE IF NOT EXISTS unidentified_tracks
(
    observation_id String,
    site_id        LowCardinality(String),
    tenant         LowCardinality(String),
    camera_id      LowCardinality(String),
    track_id       String,
    start          DateTime64(3, 'UTC'),
    end            DateTime64(3, 'UTC'),
    local_date     Date,
    local_hour     UInt8,
    reason         LowCardinality(String),
    quality        Float32,
    retention_days UInt16 DEFAULT 400,
    inserted_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(start)
ORDER BY (site_id, start, observation_id)
TTL toDateTime(start) + toIntervalDay(retention_days)
