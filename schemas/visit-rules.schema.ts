/** The visit (sessionisation) rules of a site: defaults from retail practice, each bounded and explained. */
import { z } from 'zod';

/*
 * Field practice (shared/design.md): a visit ends after a long absence or at the store's local
 * midnight; visits under 60 s (malls; 120 s on streets) are passers-by; an entry counts once a
 * person has been inside for ~2 s.
 */
/*
 * The attach window: the simulated store's people walk 20 s to 9 min between cameras, so a
 * track and the sighting after (before) it are at most 9 min apart. Measured (docs/calibration.md):
 * 8 min gives a median dwell −0.1…−1.4 % off, 9 min +1.3…+2.3 %, 10 min +3.2…+3.8 %, all with
 * visits within 0.1 %; 9 min is kept because it misses no true pair (at 8, 12 visits of seed 7 keep
 * no entrance).
 */
const ATTACH_WINDOW_MS = 9 * 60_000;

export const visitRulesSchema = z.object({
  visitGapMs: z
    .number()
    .int()
    .min(60_000)
    .max(24 * 3600_000)
    .default(30 * 60_000)
    .describe('A longer absence ends a visit'),
  minVisitMs: z
    .number()
    .int()
    .min(0)
    .max(4 * 3600_000)
    .default(60_000)
    .describe('Shorter visits are passers-by (bounces) and never count'),
  entryMinMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(2_000)
    .describe('A person counts as inside (occupancy) after this long'),
  endAtLocalMidnight: z.boolean().default(true).describe("A visit ends at the site's local midnight"),
  attachWindowMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 60_000)
    .default(ATTACH_WINDOW_MS)
    .describe(
      'An unidentified track on an entrance camera that ended this long before a visit began elsewhere, or on an exit camera that began this long after its last sighting, joins the visit (0 = never)',
    ),
});

export type VisitRulesConfig = z.infer<typeof visitRulesSchema>;
