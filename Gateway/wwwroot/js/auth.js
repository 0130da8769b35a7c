// Signing in and out, and the token every HTTP call carries. A refused token, over HTTP or on the
// socket, ends the session the same way: back to the sign-in form, with the reason.

import { api, ApiError } from './api.js';
import { ChatStore } from './store.js';
import { userName } from './rules.js';
import { ui, showError } from './ui.js';
import { showSignedIn } from './view.js';
import { page } from './page.js';
import { saved } from './saved.js';
import { render } from './render.js';
import { forgetWaitingMentions } from './events.js';
import { schedule, stopRefreshing } from './session.js';

export const SESSION_ENDED = 'Your session has ended. Please sign in again.';

async function authenticate(kind) {
  showError(ui.authError, '');
  const username = ui.username.value.trim();
  const password = ui.password.value;
  if (!username || !password) {
    showError(ui.authError, 'Enter a username and a password.');
    return;
  }
  ui.signin.disabled = ui.register.disabled = true;
  try {
    const data = await api(`/api/auth/${kind}`, { method: 'POST', body: { username, password } });
    saved.signIn(data.token, userName(data.user) || username.toLowerCase());
    schedule(data.token);
    ui.password.value = '';
    start();
  } catch (err) {
    showError(ui.authError, err.message);
  } finally {
    ui.signin.disabled = ui.register.disabled = false;
  }
}

/** Signed in (just now, or by the refresh cookie at load): the saved session's page, then its connection. */
export function start() {
  page.store = new ChatStore();
  page.store.me = saved.user ?? '';
  page.store.outbox = saved.outbox.map((o) => ({ ...o, state: o.state === 'failed' ? 'failed' : 'queued' }));
  page.currentId = saved.room;
  showSignedIn(page.store.me);
  render();
  page.conn.start();
}

/**
 * Back to the sign-in form. Signing out on purpose also revokes the token on the server (every
 * token of the user: their other tabs end too); a refused token has nothing left to revoke.
 */
export function signOut(reason) {
  const token = saved.token;
  page.conn.stop(); // first, so the server closing our socket is not taken for a refused token
  stopRefreshing();
  saved.clear();
  forgetWaitingMentions();
  page.store = new ChatStore();
  page.currentId = null;
  page.editing = page.flash = null;
  showSignedIn(null);
  showError(ui.authError, reason ?? '');
  render();
  ui.username.focus();
  if (token && reason === undefined) {
    api('/api/auth/logout', { method: 'POST', token }).catch(() => {
      // Offline or already revoked: the page has forgotten the token either way.
    });
  }
}

/** Bearer-authenticated API call; a refused token ends the session. */
export async function authedApi(path, options) {
  try {
    return await api(path, { ...options, token: saved.token });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signOut(SESSION_ENDED);
    throw err;
  }
}

export function wireAuth() {
  ui.authForm.addEventListener('submit', (e) => {
    e.preventDefault();
    authenticate(e.submitter === ui.register ? 'register' : 'login');
  });
  ui.signin.disabled = ui.register.disabled = false;
  ui.authLoading.hidden = true;
  ui.signout.addEventListener('click', () => signOut());
}
