-- The unidentified entrance/exit tracks a visit begins or ends with (their observation ids): the
-- worker joins a track seen too small at the door to the visit identified next (visits.attachWindowMs).
-- The visit's start, end, dwell and path include them already; the ids keep such a track out of the
-- estimate of people who entered unidentified (reports/queries/unidentified-entries.ts), and let a
-- rebuild after a merge or split give it back to its visit.
ALTER TABLE visits ADD COLUMN IF NOT EXISTS attached_tracks Array(String) DEFAULT [] AFTER rules_version
