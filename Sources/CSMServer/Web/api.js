// The HTTP API (docs/server.md). Requests carry the login cookie (same origin); errors become ApiError
// with the server's stable code.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const listeners = new Set();
/** Called with every ApiError (the shell shows the sign-in banner on 401). */
export function onApiError(fn) { listeners.add(fn); }

export async function api(method, path, body, { headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, 'network', `csm server cannot be reached (${error.message})`);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const error = data && data.error
      ? new ApiError(response.status, data.error.code, data.error.message)
      : new ApiError(response.status, `http_${response.status}`, text.slice(0, 200) || response.statusText);
    for (const fn of listeners) fn(error);
    throw error;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = (path) => api('DELETE', path);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);

export const enc = encodeURIComponent;
