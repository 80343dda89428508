-- One row per split repair (reid-worker/merges): two faces seen in one frame showed that
-- `identity_id` held two people; `observations` of its sightings moved to `split_identity_id`
-- (sightings and visits follow). For audit ("why did this id lose sightings?"). Replacing by
-- (site, identity, split id, time): a split replayed after a crash writes the same row again.
-- Named identity_id so an erasure of the identity finds its row.
CREATE TABLE IF NOT EXISTS identity_splits
(
    site_id           LowCardinality(String),
    identity_id       String,
    split_identity_id String,
    observations      UInt32,
    similarity        Float32,
    split_at          DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (site_id, identity_id, split_identity_id, split_at)
