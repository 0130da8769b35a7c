// Read markers: the server learns (`read`) how far the user has read the room on screen, and
// tells the user's other pages with an `unread` frame, so a room read anywhere is read everywhere.

import { page, currentRoom } from './page.js';
import { render } from './render.js';

let timer = 0;
/** Tell the server what we have seen, at most about once a second. */
export function markReadSoon() {
  clearTimeout(timer);
  timer = setTimeout(markRead, 800);
}

/** A read marked soon is marked now: the room on screen is about to change. */
export function markReadIfDue() {
  if (timer) markRead();
}

/** The room on screen is read up to its last event. */
function markRead() {
  clearTimeout(timer);
  timer = 0;
  const room = currentRoom();
  if (!room?.loaded || !page.conn.ready || document.visibilityState !== 'visible') return;
  room.unread = 0;
  room.unseenMentions.clear();
  room.mentions = 0;
  if (room.lastSeq > (room.readSeq ?? 0)) {
    room.readSeq = room.lastSeq;
    page.conn.request('read', { room: room.id, seq: room.lastSeq }).catch(() => { room.readSeq = 0; });
  }
  render();
}
