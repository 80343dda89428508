-- One row per re-clustering merge (reid-worker/merges): `merged_identity_id` was folded into
-- `identity_id` and its sightings and visits now carry `identity_id`. For audit ("why did these
-- two ids become one?"). Replacing by (site, merged id): a merge replayed after a crash writes
-- the same row again. The column is named identity_id so an erasure of the survivor finds it.
CREATE TABLE IF NOT EXISTS identity_merges
(
    site_id            LowCardinality(String),
    merged_identity_id String,
    identity_id        String,
    similarity         Float32,
    merged_at          DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(merged_at)
ORDER BY (site_id, merged_identity_id)
