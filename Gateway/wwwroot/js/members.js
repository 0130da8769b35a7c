// The member list beside the room: who is in it, who is online, and what the user may do to them
// (add to a private room, kick, ban, promote or demote: the room decides, its events update every
// page). A member's name opens the direct conversation with them (direct.js).

import { userName } from './rules.js';
import { ui, showError } from './ui.js';
import { page, currentRoom } from './page.js';
import { render, renderNow } from './render.js';
import { authedApi } from './auth.js';
import { handOwnership } from './roomsettings.js';

const timers = new Map(); // room id → the refresh waiting for the burst to end
/** Membership events come in bursts (a kick, then a ban): one refresh for all of them. */
export function refreshDetailsSoon(room) {
  clearTimeout(timers.get(room.id));
  timers.set(room.id, setTimeout(() => refreshDetails(room), 150));
}

/** The room with its members and their roles, from the server. */
export async function refreshDetails(room) {
  // Offline it would only fail; connected() opens the room again, which refreshes it.
  if (!page.conn.ready || !navigator.onLine) return;
  try {
    const details = await authedApi(`/api/rooms/${encodeURIComponent(room.id)}`);
    if (!room.member) return;
    room.details = details;
    room.summary = { ...room.summary, ...details, members: undefined };
  } catch (err) {
    if (err.status === 404 || err.status === 403) room.details = null;
  }
  render();
}

/**
 * A `presence` frame: the member list's online marks (the room's next GET /api/rooms/{id} says
 * the same). False when there is nothing on screen to change.
 */
export function presenceChanged(frame) {
  const room = page.store.room(frame.room);
  const user = userName(frame.user);
  if (!room.details?.members) return false;
  room.details = {
    ...room.details,
    members: room.details.members.map((m) => (userName(m.user) === user ? { ...m, online: Boolean(frame.online) } : m)),
  };
  return frame.room === page.currentId;
}

/** Add, kick, ban or change a role: the room decides, its events update every page. */
async function manageMember(action, user, role) {
  const room = currentRoom();
  if (!room?.member) return;
  const base = `/api/rooms/${encodeURIComponent(room.id)}`;
  showError(ui.membersError, '');
  try {
    if (action === 'add') await authedApi(`${base}/members`, { method: 'POST', body: { user } });
    else if (action === 'kick') await authedApi(`${base}/members/${encodeURIComponent(user)}`, { method: 'DELETE' });
    else if (action === 'ban') await authedApi(`${base}/bans`, { method: 'POST', body: { user } });
    else if (action === 'role') await authedApi(`${base}/members/${encodeURIComponent(user)}/role`, { method: 'PUT', body: { role } });
  } catch (err) {
    const what = { add: 'add', kick: 'remove', ban: 'ban', role: 'change the role of' }[action];
    showError(ui.membersError, err.status === 404 && action === 'add' ? `There is no user named ${user}.` : `Could not ${what} ${user}: ${err.message}`);
    return false;
  }
  await refreshDetails(room);
  return true;
}

export function wireMembers() {
  ui.toggleMembers.addEventListener('click', () => {
    page.membersOpen = !page.membersOpen;
    renderNow();
  });
  ui.addMemberForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const user = ui.addMemberInput.value.trim().toLowerCase();
    if (!user) return;
    if (await manageMember('add', user)) ui.addMemberInput.value = '';
  });
  ui.members.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-user]');
    const b = e.target.closest('button');
    if (!li || !b) return;
    if (b.classList.contains('kick')) manageMember('kick', li.dataset.user);
    else if (b.classList.contains('ban')) manageMember('ban', li.dataset.user);
    else if (b.classList.contains('role-change')) manageMember('role', li.dataset.user, b.dataset.role);
    else if (b.classList.contains('hand-owner')) handOwnership(li.dataset.user);
  });
}
