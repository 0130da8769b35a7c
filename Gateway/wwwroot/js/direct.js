// Direct conversations: the room of two people, named dm:{a}:{b} and made only by the server,
// opened from the other person's name in a member list.

import { ui, showError } from './ui.js';
import { page } from './page.js';
import { authedApi } from './auth.js';
import { openRoom } from './rooms.js';

/**
 * The direct-message room with `user`, made by the server on first use, then opened like any
 * room of ours (a `join` frame cannot open it: direct rooms are refused by name).
 */
async function openDirect(user) {
  showError(ui.membersError, '');
  let details;
  try {
    details = await authedApi('/api/dms', { method: 'POST', body: { user } });
  } catch (err) {
    if (err.status !== 401) showError(ui.membersError, `Could not open a conversation with ${user}: ${err.message}`);
    return false;
  }
  const room = page.store.room(details.id);
  room.member = true;
  room.details = details;
  room.summary = { ...room.summary, ...details, members: undefined };
  if (!room.loaded) room.lastSeq = Math.max(room.lastSeq, details.lastSeq ?? 0);
  return openRoom(details.id);
}

export function wireDirect() {
  ui.members.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-user]');
    if (li && e.target.closest('button.dm')) openDirect(li.dataset.user);
  });
}
