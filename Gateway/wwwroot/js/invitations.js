// Invitations: an owner or moderator adding us to a room only invites us (PROTOCOL.md, addition).
// They are listed above the rooms until answered; accepting joins the room and opens it.

import { ui, make, button, showError } from './ui.js';
import { page } from './page.js';
import { authedApi } from './auth.js';
import { openRoom } from './rooms.js';
import { redrawChildren } from './redraw.js';

let pending = [];

/** Reads the pending invitations again (after every hello: some may have come while away). */
export async function refreshInvitations() {
  try {
    pending = (await authedApi('/api/invitations')) ?? [];
  } catch (err) {
    if (err.status !== 401) showError(ui.invitationsError, `Could not load invitations: ${err.message}`);
    return;
  }
  renderInvitations();
}

/** An `invitation` frame: shown at once, on every device of ours. */
export function invited(frame) {
  const invitation = { room: frame.room, invitedBy: frame.invitedBy, topic: frame.topic ?? '', ts: frame.ts };
  pending = [invitation, ...pending.filter((i) => i.room !== frame.room)];
  renderInvitations();
}

function renderInvitations() {
  // An answer elsewhere (another device) may come while an Accept is pressed: the rest stay as they are.
  redrawChildren(ui.invitations, pending.map((i) => {
    const li = make('li', 'invitation');
    li.dataset.room = i.room;
    const text = make('span', 'invitation-text', `${i.invitedBy} invited you to ${i.room}`);
    if (i.topic) text.title = i.topic;
    li.append(text,
      button('accept', 'Accept', `Accept the invitation to ${i.room}`),
      button('decline', 'Decline', `Decline the invitation to ${i.room}`));
    return li;
  }));
  ui.invitationsPanel.hidden = pending.length === 0;
}

/** Accepts (joining the room, then opening it) or declines; either way the invitation is answered. */
async function answer(roomId, accept) {
  showError(ui.invitationsError, '');
  let details = null;
  try {
    details = await authedApi(`/api/invitations/${encodeURIComponent(roomId)}`, { method: accept ? 'POST' : 'DELETE' });
  } catch (err) {
    if (err.status === 401) return;
    showError(ui.invitationsError, `Could not ${accept ? 'accept' : 'decline'} the invitation to ${roomId}: ${err.message}`);
    if (err.status !== 404) return; // a 404 means it is gone already: drop it from the list
  }
  pending = pending.filter((i) => i.room !== roomId);
  renderInvitations();
  if (accept && details) {
    const room = page.store.room(details.id);
    room.member = true;
    room.details = details;
    room.summary = { ...room.summary, ...details, members: undefined };
    if (!room.loaded) room.lastSeq = Math.max(room.lastSeq, details.lastSeq ?? 0);
    openRoom(details.id);
  }
}

export function wireInvitations() {
  ui.invitations.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-room]');
    const b = e.target.closest('button');
    if (!li || !b) return;
    if (b.classList.contains('accept')) answer(li.dataset.room, true);
    else if (b.classList.contains('decline')) answer(li.dataset.room, false);
  });
}
