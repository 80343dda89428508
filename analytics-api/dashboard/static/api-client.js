// The dashboard's one way to the API: the key from this tab's sessionStorage as a bearer token,
// JSON answers, errors with the API's message, and file downloads (CSV, PDF) that need the key.
const KEY = 'revisit.apiKey';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  forget: () => sessionStorage.removeItem(KEY),
};

function authorised() {
  return { headers: { authorization: `Bearer ${apiKey.get()}` } };
}

export async function api(path) {
  const res = await fetch(path, authorised());
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** Fetches a file with the key and hands it to the browser as a download named `filename`. */
export async function download(path, filename) {
  const res = await fetch(path, authorised());
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
