-- Sightings of enrolled exclusion groups (staff) are kept, labelled, and left out of footfall.
ALTER TABLE sightings ADD COLUMN IF NOT EXISTS label LowCardinality(String) DEFAULT '' AFTER model_id
