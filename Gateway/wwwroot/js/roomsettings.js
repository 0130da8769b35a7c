// A room's settings for its owner and moderators: the topic, lifting a ban, and invite links
// (made, copied, revoked); the owner also hands the room on from the member list. And the other
// side of an invite link: a page opened at /#invite=CODE joins that room once signed in.

import { ui, make, button, showError, formatTime } from './ui.js';
import { currentRoom } from './page.js';
import { authedApi } from './auth.js';
import { refreshDetails } from './members.js';
import { openRoom, refreshRoomList } from './rooms.js';
import { notice } from './render.js';
import { redrawChildren } from './redraw.js';

const links = new Map(); // room id → the links made on this page: the server keeps only their hashes
let pendingInvite = null;

/** Reads an invite code from the address (the fragment never reaches a server log) and clears it. */
export function rememberInviteLink() {
  const match = /^#invite=([A-Za-z0-9_-]{22})$/.exec(window.location.hash);
  if (!match) return;
  pendingInvite = match[1];
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** Once connected: the invite link the page was opened with, if any, joins its room. */
export async function useInviteLink() {
  const code = pendingInvite;
  pendingInvite = null;
  if (!code) return;
  try {
    const room = await authedApi(`/api/invites/${code}`, { method: 'POST' });
    await refreshRoomList();
    openRoom(room.id);
  } catch (err) {
    notice(err.status === 404 ? 'That invite link is no longer valid.' : `Could not use the invite link: ${err.message}`);
  }
}

/** The settings section under the member list, for the owner and moderators. */
export function renderRoomSettings(room, myRole) {
  const may = Boolean(room?.member && room.details && (myRole === 'owner' || myRole === 'moderator'));
  ui.roomSettings.hidden = !may;
  if (!may) return;
  if (document.activeElement !== ui.topicInput && ui.topicForm.dataset.room !== room.id) {
    ui.topicInput.value = room.details.topic ?? '';
    ui.topicForm.dataset.room = room.id;
  }
  const mine = links.get(room.id) ?? [];
  // Redrawn with every message: a link being selected for copying, or its Revoke pressed, stays.
  redrawChildren(ui.inviteLinks, mine.map((l) => {
    const li = make('li', 'invite-link');
    li.dataset.code = l.code;
    const url = make('input', 'invite-url');
    url.readOnly = true;
    url.setAttribute('value', l.url); // in the markup, which is what redraw.js compares
    url.setAttribute('aria-label', 'Invite link');
    const uses = l.maxUses ? `, ${l.maxUses} uses` : '';
    li.append(url, make('span', 'invite-expiry', `until ${formatTime(l.expiresAt)}${uses}`),
      button('invite-copy', 'Copy', 'Copy the invite link'), button('invite-revoke', 'Revoke', 'Revoke the invite link'));
    return li;
  }));
}

async function act(work, what) {
  const room = currentRoom();
  if (!room?.member) return;
  showError(ui.settingsError, '');
  try {
    await work(`/api/rooms/${encodeURIComponent(room.id)}`, room);
  } catch (err) {
    showError(ui.settingsError, `Could not ${what}: ${err.message}`);
    return;
  }
  await refreshDetails(room);
}

/** The owner hands the room to a member (a button of the member list). */
export function handOwnership(user) {
  if (!window.confirm(`Make ${user} the owner of this room? You stay as a moderator.`)) return;
  act((base) => authedApi(`${base}/owner`, { method: 'POST', body: { user } }), `hand the room to ${user}`);
}

export function wireRoomSettings() {
  ui.topicForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const topic = ui.topicInput.value;
    act((base) => authedApi(base, { method: 'PATCH', body: { topic } }), 'set the topic');
    ui.topicInput.blur();
  });
  ui.unbanForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const user = ui.unbanInput.value.trim().toLowerCase();
    if (!user) return;
    act(async (base) => {
      await authedApi(`${base}/bans/${encodeURIComponent(user)}`, { method: 'DELETE' });
      ui.unbanInput.value = '';
    }, `unban ${user}`);
  });
  ui.inviteCreate.addEventListener('click', () => act(async (base, room) => {
    const link = await authedApi(`${base}/invites`, { method: 'POST', body: {} });
    links.set(room.id, [...(links.get(room.id) ?? []), link]);
  }, 'make an invite link'));
  ui.inviteLinks.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-code]');
    const b = e.target.closest('button');
    if (!li || !b) return;
    const room = currentRoom();
    if (b.classList.contains('invite-copy')) {
      const url = li.querySelector('input').value;
      navigator.clipboard?.writeText(url).catch(() => li.querySelector('input').select());
    } else if (b.classList.contains('invite-revoke') && room) {
      act(async (base) => {
        await authedApi(`${base}/invites/${li.dataset.code}`, { method: 'DELETE' });
        links.set(room.id, (links.get(room.id) ?? []).filter((l) => l.code !== li.dataset.code));
      }, 'revoke the invite link');
    }
  });
}
