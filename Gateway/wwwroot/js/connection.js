// The page's side of each /ws connection (protocol.js keeps the socket): what its hello says, and
// picking up where the page was once hello succeeds, on the first connection and every reconnect.

import { userName } from './rules.js';
import { showSignedIn } from './view.js';
import { page } from './page.js';
import { saved } from './saved.js';
import { render, notice } from './render.js';
import { openRoom, refreshRoomList } from './rooms.js';
import { pumpOutbox } from './outbox.js';
import { refreshInvitations } from './invitations.js';
import { useInviteLink } from './roomsettings.js';
import { rereadProfiles } from './profiles.js';

/** The hello frame's fields, read on every connect. */
export function helloFields() {
  // resume: {roomId: lastSeq} for every loaded room, so events missed while away are replayed.
  const resume = page.store.resume();
  return Object.keys(resume).length ? { token: saved.token, resume } : { token: saved.token };
}

/** hello succeeded, on the first connection and on every reconnect. */
export function connected(data) {
  if (data.user) page.store.me = userName(data.user) || page.store.me;
  showSignedIn(page.store.me);
  rereadProfiles();
  page.store.setMemberRooms(data.rooms);
  notice('');
  render();
  refreshRoomList();
  refreshInvitations();
  // Reopen the room on screen (or the one saved before a reload), unless we
  // were removed from it meanwhile: rejoining is for the user to decide.
  if (page.currentId && page.store.room(page.currentId).member) openRoom(page.currentId);
  else if (page.currentId) notice('You are no longer a member of this room.');
  pumpOutbox();
  useInviteLink();
}
