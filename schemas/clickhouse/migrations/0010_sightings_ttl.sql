-- Retention of sightings: each row carries its site's retention (written by the sink from config),
-- and ClickHouse drops it that many days after it happened, on its next merge.
ALTER TABLE sightings
    ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 400 AFTER label,
    MODIFY TTL toDateTime(t_start) + toIntervalDay(retention_days)
