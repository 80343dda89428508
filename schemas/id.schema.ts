/** The one spelling of an id (site, camera, track): what cameras publish, config names and SQL may quote. */
import { z } from 'zod';

/** 1–128 characters of [A-Za-z0-9._:-], not starting with punctuation: safe inside a quoted SQL literal, a path segment or a metric label. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The error every boundary gives for an id outside ID_PATTERN. */
export const ID_RULE = 'must be 1-128 characters of [A-Za-z0-9._:-]';

/** An id as config files and HTTP bodies give it. */
export const idSchema = z.string().regex(ID_PATTERN, ID_RULE);
