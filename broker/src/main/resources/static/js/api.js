// Small client for the broker's REST API: session cookie + CSRF token, problem+json errors.
export class ApiError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || ('HTTP ' + status));
    this.code = problem.code;
    this.status = status;
    this.problem = problem;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : '';
}

export async function api(method, path, body) {
  return send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
}

/** A request whose body is text of another type (a template descriptor in YAML). */
export async function apiText(method, path, text, contentType) {
  return send(method, path, text, contentType);
}

async function send(method, path, payload, contentType) {
  const headers = { 'Accept': 'application/json' };
  if (payload !== undefined) headers['Content-Type'] = contentType;
  if (method !== 'GET') headers['X-XSRF-TOKEN'] = csrfToken();
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: payload });
  if (response.status === 401) { location.href = '/login'; throw new ApiError({ detail: 'Signed out' }, 401); }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    // not JSON (a proxy's or the container's own page): the status is all there is to say
    if (response.ok) throw new ApiError({ detail: 'The broker answered something other than JSON' }, response.status);
  }
  if (!response.ok) throw new ApiError(data && typeof data === 'object' ? data : {}, response.status);
  return data;
}

/** Text for the page: never inserted as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.substring(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export async function signOut() {
  // the broker answers where to go: its sign-in page, or the identity provider's logout (single logout)
  let next = '/login?logout';
  try {
    const answer = await fetch('/logout', { method: 'POST', credentials: 'same-origin',
      headers: { 'X-XSRF-TOKEN': csrfToken(), 'Accept': 'application/json' } });
    const body = answer.ok ? await answer.json() : {};
    if (typeof body.location === 'string' && (body.location.startsWith('/') || body.location.startsWith('http'))) {
      next = body.location;
    }
  } catch (e) {
    // signed out locally or not: the sign-in page is the way on
  }
  location.href = next;
}

export function when(instant) {
  return instant ? new Date(instant).toLocaleString() : '';
}

/** "v1" or, while a rollout moves the desktop, "v1 → v2". */
export function versions(desktop) {
  const target = desktop.targetVersion ?? desktop.templateVersion;
  return target === desktop.templateVersion ? 'v' + desktop.templateVersion : `v${desktop.templateVersion} → v${target}`;
}
