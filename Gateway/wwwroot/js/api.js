// HTTP calls to the gateway's /api (PROTOCOL.md "HTTP API"). A failure becomes
// an ApiError whose message is the problem details' `detail` (or `title`), so the
// page can show the server's own words.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problemMessage(status, problem));
    this.status = status;
    this.code = problem?.code ?? (status === 401 ? 'unauthorized' : 'http');
    this.problem = problem;
  }
}

function problemMessage(status, problem) {
  const fallback = status === 0 ? 'Cannot reach the server.'
    : status === 429 ? 'Too many attempts. Try again later.'
    : `Request failed (HTTP ${status}).`;
  if (!problem || typeof problem !== 'object') return fallback;
  const main = problem.detail || problem.title || fallback;
  // ASP.NET Core validation problems list per-field messages in `errors`.
  const fields = problem.errors && typeof problem.errors === 'object'
    ? Object.values(problem.errors).flat().filter((m) => typeof m === 'string')
    : [];
  return fields.length ? `${main} ${fields.join(' ')}` : main;
}

export async function api(path, { method = 'GET', token, body, headers: extra } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { /* not JSON, e.g. a proxy's HTML error page */ }
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}
