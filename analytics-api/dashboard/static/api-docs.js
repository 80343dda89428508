// The API reference: Swagger UI (swagger-ui-dist from npm, served by this app, no CDN) over the
// generated OpenAPI document, with "Authorize" for an API key and "Try it out" on every endpoint.
'use strict';

window.SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#docs',
  // Deep links put an anchor inside each endpoint's toggle button: nested controls a screen reader cannot reach.
  deepLinking: false,
  tryItOutEnabled: false,
  // The schema validator badge would call a public service: this page talks to its own origin only.
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
});
