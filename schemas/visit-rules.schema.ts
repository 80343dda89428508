/** The visit (sessionisation) rules of a site: defaults from retail practice, each bounded and explained. */
import { z } from 'zod';

/*
 * Field practice (shared/design.md): a visit ends after a long absence or at the store's local
 * midnight; visits under 60 s (malls; 120 s on streets) are passers-by; an entry counts once a
 * person has been inside for ~2 s.
 */
/*
 * The attach window: in the simulated store people walk 20 s to 9 min between cameras, so the
 * camera after an unidentified entrance track is reached within 9 min (measured: docs/calibration.md).
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
