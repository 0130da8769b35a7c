// Staying signed in: the refresh cookie (HttpOnly, so this script never sees it) is traded for a
// short-lived access token at load and again before the token expires. The server rotates the
// cookie on every use and treats a rotated one used again as stolen, ending the login; tabs of one
// browser share the cookie, so their refreshes take turns under a Web Lock and each one sends the
// cookie the last one set.

import { api, ApiError } from './api.js';
import { saved } from './saved.js';
import { userName } from './rules.js';

let timer = null;
let onLost = () => {};

/** What to do when the cookie no longer signs in (signed out elsewhere, expired, reused). */
export function whenSessionLost(handler) { onLost = handler; }

async function exchange() {
  return api('/api/auth/refresh', { method: 'POST', headers: { 'X-ChatApp-Refresh': '1' } });
}

/**
 * Trades the cookie for a new access token; true when signed in. Only a 401 means signed out:
 * offline or a server error keeps the token there is and tries again shortly.
 */
export async function refreshSession() {
  // The server's readable hint that a refresh cookie exists: without it there is nobody to refresh.
  if (!document.cookie.split('; ').includes('chatapp_session=1')) return false;
  try {
    const data = navigator.locks
      ? await navigator.locks.request('chatapp-refresh', exchange)
      : await exchange();
    saved.signIn(data.token, userName(data.user));
    schedule(data.token);
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      stopRefreshing();
      return false;
    }
    clearTimeout(timer);
    timer = setTimeout(refreshAndTell, 30_000);
    return Boolean(saved.token);
  }
}

async function refreshAndTell() {
  if (!(await refreshSession())) onLost();
}

/** Refreshes when four fifths of the token's life have passed (read from its exp claim). */
export function schedule(token) {
  clearTimeout(timer);
  const exp = expiryOf(token);
  if (!exp) return;
  const left = exp - Date.now();
  timer = setTimeout(refreshAndTell, Math.max(5_000, Math.min(left * 0.8, 2 ** 31 - 1)));
}

export function stopRefreshing() {
  clearTimeout(timer);
  timer = null;
}

function expiryOf(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}
