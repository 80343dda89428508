/** The OpenAPI 3.1 document, generated from the same zod schemas and endpoint table that serve requests. */
import { z } from 'zod';
import { digestQuerySchema, reportQuerySchema } from '../../schemas/report-query.schema.ts';
import { embeddingUploadSchema, faceUploadQuerySchema } from '../../schemas/index.ts';
import { CHART_ENDPOINTS } from '../routes/chart-endpoints.ts';
import { REPORT_ENDPOINTS } from '../routes/report-endpoints.ts';

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

/** Query parameters from an object schema: each property becomes a parameter with its description. */
function queryParameters(schema: z.ZodType): Array<Record<string, unknown>> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    description: s.description,
    schema: { ...s, description: undefined },
  }));
}

const SITE = { name: 'site', in: 'path', required: true, schema: { type: 'string' } };
const ERRORS = {
  400: { $ref: '#/components/responses/Error' },
  401: { $ref: '#/components/responses/Error' },
  403: { $ref: '#/components/responses/Error' },
  404: { $ref: '#/components/responses/Error' },
  429: { $ref: '#/components/responses/Error' },
};

/** Every report answer: the period, its coverage, the report; with compare=previous, the earlier period and whether changes may be computed. */
const REPORT_ENVELOPE_EXAMPLE = {
  site: 'demo-store',
  timezone: 'Europe/Berlin',
  from: '2026-11-02',
  to: '2026-11-03',
  coverage: { coverage: 0.917, partial: false, noData: false },
  report: { '…': 'the report' },
  previous: {
    from: '2026-10-26',
    to: '2026-10-27',
    complete: false,
    reason: 'previous_incomplete',
    coverage: { coverage: 0.8, partial: false, noData: false },
    report: {},
  },
};

/**
 * Three hours of footfall: counted (12, 2 of them people seen at an entrance but not identified),
 * hidden (null, listed in `suppressed`), and no data (null, coverage 0: no camera reported).
 */
const FOOTFALL_EXAMPLE = {
  ...REPORT_ENVELOPE_EXAMPLE,
  report: {
    buckets: [
      {
        period: '2026-11-02 09:00',
        visitors: 11,
        visits: 12,
        newVisits: 6,
        returningVisits: 4,
        unidentifiedVisits: 2,
        coverage: 1,
      },
      {
        period: '2026-11-02 10:00',
        visitors: null,
        visits: null,
        newVisits: null,
        returningVisits: null,
        unidentifiedVisits: null,
        coverage: 1,
      },
      {
        period: '2026-11-02 11:00',
        visitors: null,
        visits: null,
        newVisits: null,
        returningVisits: null,
        unidentifiedVisits: null,
        coverage: 0,
      },
    ],
    totals: { visitors: 40, visits: 44, newVisits: 28, returningVisits: 12, unidentifiedVisits: 4, coverage: 0.917 },
    identifiedShare: 0.909,
    partial: false,
    noData: false,
    rulesVersions: ['v1-3f2a9c1d'],
    minCount: 5,
    suppressed: [
      '/buckets/1/visitors',
      '/buckets/1/visits',
      '/buckets/1/newVisits',
      '/buckets/1/returningVisits',
      '/buckets/1/unidentifiedVisits',
    ],
  },
};

export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/api/v1/sites': {
      get: {
        summary: 'Sites this key may read',
        security: [{ apiKey: [] }],
        responses: { 200: { description: 'sites' }, 401: ERRORS[401] },
      },
    },
  };
  const CAMERA = { name: 'camera', in: 'path', required: true, schema: { type: 'string' } };
  const ACCEPTED = {
    202: { description: 'queued for re-identification: { observationId, trackId, status, callback }' },
    413: ERRORS[400],
    415: ERRORS[400],
    422: ERRORS[400],
    ...ERRORS,
  };
  const IMAGE = { schema: { type: 'string', format: 'binary' } };
  const IMAGES = { 'image/jpeg': IMAGE, 'image/png': IMAGE, 'image/webp': IMAGE };
  paths['/api/v1/sites/{site}/cameras/{camera}/faces'] = {
    post: {
      summary: 'Integrated mode: post a face image (integrator role); the anonymous id comes back to callbackUrl',
      description:
        'JPEG, PNG or WebP, recognised by its bytes (anything else: 415); more pixels than the configured limit: 413 too_many_pixels; more concurrent image uploads than allowed for the key: 429. callbackUrl must be https on a public address unless the deployment allow-lists it (400 bad_callback_url); redirects are not followed.',
      security: [{ apiKey: [] }],
      parameters: [SITE, CAMERA, ...queryParameters(faceUploadQuerySchema)],
      requestBody: { required: true, content: IMAGES },
      responses: ACCEPTED,
    },
  };
  paths['/api/v1/sites/{site}/cameras/{camera}/embeddings'] = {
    post: {
      summary: 'Integrated mode: post a ready embedding of the same model (integrator role)',
      security: [{ apiKey: [] }],
      parameters: [SITE, CAMERA],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: z.toJSONSchema(embeddingUploadSchema, { io: 'input', unrepresentable: 'any' }),
          },
        },
      },
      responses: ACCEPTED,
    },
  };
  paths['/api/v1/sites/{site}/erasure'] = {
    post: {
      summary: 'Erasure (admin role): every identity matching the face is removed with all its sightings and visits',
      security: [{ apiKey: [] }],
      parameters: [SITE],
      requestBody: {
        required: true,
        content: {
          ...IMAGES,
          'application/json': {
            schema: {
              type: 'object',
              properties: { embedding: { type: 'array', items: { type: 'number' } } },
              required: ['embedding'],
            },
          },
        },
      },
      responses: {
        200: {
          description:
            "{ site, identitiesRemoved, rowsDeleted, markersDeleted, disk: { complete, detail } }: `disk.complete` false means the registry's files on disk may still hold a removed identity (retry)",
        },
        413: ERRORS[400],
        415: ERRORS[400],
        422: ERRORS[400],
        ...ERRORS,
      },
    },
  };
  for (const e of REPORT_ENDPOINTS) {
    paths[`/api/v1/sites/{site}/reports/${e.name}`] = {
      get: {
        summary: e.summary,
        security: [{ apiKey: [] }],
        parameters: [SITE, ...queryParameters(reportQuerySchema)],
        responses: {
          200: {
            description: `the ${e.name} report. Counts below privacy.minCount, and figures that would reveal one, are null; the report lists them as JSON Pointers in \`suppressed\` (CSV: empty cells, named in a \`suppressed\` column). See docs/privacy.md.`,
            content: {
              'application/json': { example: e.name === 'footfall' ? FOOTFALL_EXAMPLE : REPORT_ENVELOPE_EXAMPLE },
              'text/csv': {},
            },
          },
          ...ERRORS,
        },
      },
    };
  }
  paths['/api/v1/sites/{site}/digest'] = {
    get: {
      summary:
        'The PDF digest of a day, an ISO week or a month (what `revisit report` and the scheduler send); a period with no data is a page that says so',
      security: [{ apiKey: [] }],
      parameters: [SITE, ...queryParameters(digestQuerySchema)],
      responses: {
        200: {
          description: 'the digest',
          content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
        },
        ...ERRORS,
      },
    },
  };
  paths['/api/v1/sites/{site}/cameras'] = {
    get: {
      summary:
        "The site's cameras with their last heartbeat; `silent` when none came for coverage.cameraSilentAfterMs (their hours read as no data)",
      security: [{ apiKey: [] }],
      parameters: [SITE],
      responses: {
        200: {
          description: 'cameras',
          content: {
            'application/json': {
              example: {
                site: 'demo-store',
                silentAfterMs: 900000,
                cameras: [{ cameraId: 'entrance', lastHeartbeatMs: 1767225600000, silent: false }],
              },
            },
          },
        },
        ...ERRORS,
      },
    },
  };
  for (const chart of CHART_ENDPOINTS) {
    paths[`/api/v1/sites/{site}/charts/${chart.name}`] = {
      get: {
        summary: `${chart.summary}: a vega-lite spec with its data inline (what the dashboard and the PDF digest draw)`,
        security: [{ apiKey: [] }],
        parameters: [SITE, ...queryParameters(reportQuerySchema)],
        responses: { 200: { description: 'vega-lite spec', content: { 'application/json': {} } }, ...ERRORS },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Revisit analytics API',
      version,
      description: 'Anonymous visitor analytics. Every read is scoped to the sites of the API key.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key from `revisit keys create`' },
      },
      responses: {
        Error: {
          description: 'an error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
                    required: ['code', 'message'],
                  },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
