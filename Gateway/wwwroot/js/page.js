// The state the page's modules share, in one object: each module imports `page` and reads or
// writes what it needs there, so whatever one module changes, the next render shows. State that
// only one module uses (its timers, the loads it has in flight) stays inside that module.

import { ChatStore } from './store.js';

export const page = {
  /** The signed-in user's rooms, messages and outbox; a fresh one on every sign-in and sign-out. */
  store: new ChatStore(),
  /** The /ws client (protocol.js). app.js makes it: it needs handlers from several modules. */
  conn: null,
  /** The id of the room on screen, or null. */
  currentId: null,
  /** The message being edited in place: {room, seq, box, input}. */
  editing: null,
  /** The message the composer's next message answers: {room, seq}, or null. */
  replyingTo: null,
  /** The message a search result opened, highlighted until another room is opened. */
  flash: null,
  /** Rooms whose older history is being fetched. */
  loadingOlder: new Set(),
  /** The member list beside the room; narrow screens start without it. */
  membersOpen: matchMedia('(min-width: 900px)').matches,
};

/** The room on screen, or null. */
export function currentRoom() {
  return page.currentId ? page.store.room(page.currentId) : null;
}

/** The user reads this room now: it is the one on screen and the page is visible. */
export function onScreen(roomId) {
  return roomId === page.currentId && document.visibilityState === 'visible';
}
