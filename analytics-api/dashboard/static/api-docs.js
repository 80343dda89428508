// Renders the OpenAPI document as a readable page: every endpoint, what it does, its parameters.
'use strict';

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, attrs);
  e.append(...children);
  return e;
}

fetch('/api/v1/openapi.json')
  .then((r) => r.json())
  .then((spec) => {
    const main = document.querySelector('#docs');
    main.replaceChildren(
      el('p', {}, spec.info.description),
      el('p', {}, 'Authenticate with ', el('code', {}, 'Authorization: Bearer <key>'), '. Errors are JSON: ', el('code', {}, '{ "error": { "code", "message", "details" } }'), '.'),
    );
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const rows = (op.parameters ?? []).map((p) =>
          el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, p.required ? 'yes' : ''), el('td', {}, (p.schema?.enum ?? []).join(' | ') || p.schema?.type || ''), el('td', {}, p.description ?? '')),
        );
        main.append(
          el('section', { className: 'chart' },
            el('h3', {}, el('code', {}, `${method.toUpperCase()} ${path}`)),
            el('p', {}, op.summary ?? ''),
            rows.length ? el('table', {}, el('tr', {}, ...['parameter', 'in', 'required', 'values', 'meaning'].map((h) => el('th', {}, h))), ...rows) : ''),
        );
      }
    }
  });
