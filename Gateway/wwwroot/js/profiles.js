// Display names. The user name stays the identity: the page shows a display name in messages, the
// member list and mentions, with the user name beside it (or, in a mention, on hover), so nobody
// can pass for someone else by choosing their name.
//
// Profiles come from GET /api/users, up to 100 names a read, asked for as the page first shows
// each name and kept for the page's life. One's own change shows at once; another user's arrives
// as a `profile` frame when they share a room with us (profileChanged), and any other at the next
// load or reconnect (each hello reads the known names again).

import { authedApi } from './auth.js';
import { page } from './page.js';
import { ui, make, button, showError } from './ui.js';
import { rememberAvatar, avatarSettings } from './avatars.js';

const BATCH = 100;

/** name → display name, or null for none; a name is here once its profile was read. */
const displayNames = new Map();
/** name → the stamp of the newest profile shown for that user (a `profile` frame's or a read's). */
const profileStamps = new Map();
/** Names shown but not yet read. */
const wanted = new Set();
let flushing = null;

/** The display name of a user, or undefined when they have none (or it is not read yet). */
export function displayNameOf(name) {
  return displayNames.get(name) ?? undefined;
}

function want(name) {
  if (!name || displayNames.has(name) || wanted.has(name)) return;
  wanted.add(name);
  flushing ??= Promise.resolve().then(readWanted);
}

async function readWanted() {
  const names = [...wanted];
  wanted.clear();
  flushing = null;
  for (let i = 0; i < names.length; i += BATCH) {
    const batch = names.slice(i, i + BATCH);
    try {
      const profiles = await authedApi(`/api/users?${batch.map((n) => `name=${encodeURIComponent(n)}`).join('&')}`);
      for (const name of batch) if (!displayNames.has(name)) displayNames.set(name, null);
      for (const p of profiles ?? []) {
        // A `profile` frame that came while this read was on its way may be newer: the stamps decide.
        if (Number.isSafeInteger(p.stamp) && p.stamp <= (profileStamps.get(p.name) ?? -Infinity)) continue;
        if (Number.isSafeInteger(p.stamp)) profileStamps.set(p.name, p.stamp);
        displayNames.set(p.name, p.displayName ?? null);
        rememberAvatar(p.name, p.avatar);
      }
      relabel(batch);
    } catch {
      // Offline or refused: the user names stay, and the next showing of each name asks again.
    }
  }
}

/** Fills a label made by userLabel or mentionLabel from what is known of its user. */
function fill(node) {
  const name = node.dataset.profile;
  const display = displayNameOf(name);
  if (node.dataset.profileForm === 'mention') {
    node.textContent = `@${display ?? name}`;
    node.title = display ? `@${name}` : '';
    return;
  }
  node.replaceChildren(display ?? name);
  if (display) node.append(' ', make('span', 'handle', `@${name}`));
  node.title = display ? `${display} (@${name})` : '';
}

/** Refreshes every label of these users on the page: cached message nodes included. */
function relabel(names) {
  for (const name of names) {
    for (const node of document.querySelectorAll(`[data-profile="${CSS.escape(name)}"]`)) fill(node);
  }
}

/** A user's name as shown in a message's header or the member list: the display name and @user beside it. */
export function userLabel(name, className = 'user-label') {
  const node = make('span', className);
  node.dataset.profile = name;
  fill(node);
  want(name);
  return node;
}

/** An @mention in a message's text: @display name, the user name on hover. */
export function mentionLabel(name) {
  const node = make('span', 'mention-name');
  node.dataset.profile = name;
  node.dataset.profileForm = 'mention';
  fill(node);
  want(name);
  return node;
}

/**
 * A `profile` frame: someone who shares a room with us changed their display name or avatar; it
 * shows at once wherever they are on the page. The same change comes once per shared room, and
 * two changes may arrive in either order: only a frame newer (by its stamp) than the last is taken.
 */
export function profileChanged(frame) {
  const name = frame.user;
  if (typeof name !== 'string' || !Number.isSafeInteger(frame.stamp)) return;
  if (frame.stamp <= (profileStamps.get(name) ?? -Infinity)) return;
  profileStamps.set(name, frame.stamp);
  displayNames.set(name, frame.displayName ?? null);
  rememberAvatar(name, frame.avatar);
  relabel([name]);
}

/** On every hello: read the known names again, so changes made meanwhile show. */
export function rereadProfiles() {
  for (const name of displayNames.keys()) wanted.add(name);
  displayNames.clear();
  if (wanted.size) flushing ??= Promise.resolve().then(readWanted);
}

/** The signed-in user's own display name: a small form under the name in the top bar. */
export function wireProfiles() {
  // Named by its visible word alone (axe: label-content-name-mismatch); the form it opens says the rest.
  const toggle = button('link', 'Profile');
  toggle.id = 'toggle-profile';
  toggle.setAttribute('aria-expanded', 'false');
  toggle.hidden = true;
  const form = make('form', 'profile card');
  form.id = 'profile-form';
  form.hidden = true;
  const label = make('label', undefined, 'Display name');
  label.htmlFor = 'display-name';
  const input = make('input');
  input.id = 'display-name';
  input.maxLength = 64;
  input.autocomplete = 'nickname';
  const save = make('button', 'primary', 'Save');
  save.type = 'submit';
  save.id = 'display-name-save';
  const error = make('p', 'error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  form.append(label, input, save, error, avatarSettings());
  ui.me.after(toggle);
  ui.devicesPanel.before(form);

  // Shown while signed in, like the name beside it.
  new MutationObserver(() => {
    toggle.hidden = !ui.me.textContent;
    if (toggle.hidden) form.hidden = true;
  }).observe(ui.me, { childList: true, characterData: true, subtree: true });

  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (form.hidden) return;
    input.value = displayNameOf(page.store.me) ?? '';
    showError(error, '');
    input.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      const { user } = await authedApi('/api/me', { method: 'PATCH', body: { displayName: input.value } });
      displayNames.set(user.name, user.displayName ?? null);
      relabel([user.name]);
      form.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
    } catch (err) {
      showError(error, err.message);
    } finally {
      save.disabled = false;
    }
  });
}
