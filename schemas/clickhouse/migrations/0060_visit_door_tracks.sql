-- The unidentified tracks a visit begins and ends with (observation ids, '' none): the worker joins
-- a track seen too small at an entrance or exit to the visit identified next to it
-- (visits.attachWindowMs). The visit's start, end, dwell and path include them already; the entry
-- tells the unidentified-entries estimate that the person entered unrecognised
-- (reports/queries/unidentified-entries.ts), and both let a rebuild after a merge or split give the
-- tracks back to their visit.
ALTER TABLE visits ADD COLUMN IF NOT EXISTS entry_track String DEFAULT '' AFTER rules_version;
ALTER TABLE visits ADD COLUMN IF NOT EXISTS exit_track String DEFAULT '' AFTER entry_track
