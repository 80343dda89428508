/** Resolves a site's visit rules from config and names them with a version recorded on every visit row. */
import { createHash } from 'node:crypto';
import type { RevisitConfig } from '../../common/config.ts';
import type { VisitRulesConfig } from '../../schemas/visit-rules.schema.ts';
import { checkTimeZone } from './local-day.ts';

/** The rules one site's visits are cut by. */
export interface VisitRules extends VisitRulesConfig {
  /** IANA zone of the site: its day boundary and the local date/hour of visits. */
  timeZone: string;
  /** Where everyone who enters is seen: an unidentified track here can begin a visit. */
  entranceCameras: string[];
  /** Where people are seen last: an unidentified track here can end a visit. */
  exitCameras: string[];
}

/**
 * Bump when the meaning of a rule changes without its value changing (e.g. a new algorithm).
 * 2: unidentified entrance/exit tracks join visits; 3: a too-small face's weak embedding chooses which.
 */
const ALGORITHM = 3;

/** `v3-<10 hex>`: the algorithm generation plus a hash of every rule value, so reports can name the rules behind a number. */
export function rulesVersion(rules: VisitRules): string {
  const canonical = JSON.stringify([
    ALGORITHM,
    rules.visitGapMs,
    rules.minVisitMs,
    rules.entryMinMs,
    rules.endAtLocalMidnight,
    rules.timeZone,
    rules.attachWindowMs,
    [...rules.entranceCameras].sort(),
    [...rules.exitCameras].sort(),
  ]);
  return `v${ALGORITHM}-${createHash('sha256').update(canonical).digest('hex').slice(0, 10)}`;
}

/** The global rules with the site's overrides, time zone and entrance/exit cameras; throws for an unknown site or time zone. */
export function visitRulesFor(config: Pick<RevisitConfig, 'sites' | 'visits'>, siteId: string): VisitRules {
  const site = config.sites.find((s) => s.id === siteId);
  if (!site) throw new Error(`unknown site "${siteId}"`);
  checkTimeZone(site.timezone);
  return {
    ...config.visits,
    ...site.visits,
    timeZone: site.timezone,
    entranceCameras: site.entranceCameras ?? [],
    exitCameras: site.exitCameras ?? [],
  };
}
