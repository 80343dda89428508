-- Messages the worker could not accept, with the reason. The payload itself stays on the
-- dead-letter topic: it may hold an embedding, which is never stored in clear.
CREATE TABLE IF NOT EXISTS dead_letters
(
    received_at   DateTime64(3, 'UTC') DEFAULT now64(3),
    topic         LowCardinality(String),
    partition     UInt32,
    offset        String,
    message_key   String,
    reason_code   LowCardinality(String),
    reason        String,
    payload_bytes UInt32,
    payload_sha256 FixedString(64)
)
ENGINE = ReplacingMergeTree(received_at)
ORDER BY (topic, partition, offset)
