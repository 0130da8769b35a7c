// "Jump to latest": while the reader is scrolled up in a room, a button over the bottom of the list
// takes them down, and counts the messages from others that came since they were last there.

import { ui } from './ui.js';

const NEAR_BOTTOM_PX = 40;
/** Room id → the newest seq on screen the last time the reader was at the bottom. */
const seenUpTo = new Map();
let shown = { room: null, me: '' };

/** The list is scrolled (nearly) to its end. */
export function atBottom(list = ui.messages) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX;
}

function newestSeq(room) {
  let newest = 0;
  for (const seq of room.items.keys()) newest = Math.max(newest, seq);
  return newest;
}

/** Shows or hides the button for the room on screen, after a render or a scroll. */
export function renderJump(room, me) {
  shown = { room, me };
  if (!room?.loaded) {
    ui.jumpLatest.hidden = true;
    return;
  }
  if (atBottom() || !seenUpTo.has(room.id)) seenUpTo.set(room.id, newestSeq(room));
  if (atBottom()) {
    ui.jumpLatest.hidden = true;
    return;
  }
  const since = seenUpTo.get(room.id);
  let fresh = 0;
  for (const item of room.items.values()) {
    if (item.kind === 'message' && item.seq > since && item.sender !== me) fresh++;
  }
  ui.jumpLatest.textContent = fresh > 0 ? `Jump to latest (${fresh} new)` : 'Jump to latest';
  ui.jumpLatest.hidden = false;
}

export function wireJumpLatest() {
  ui.messages.addEventListener('scroll', () => renderJump(shown.room, shown.me), { passive: true });
  ui.jumpLatest.addEventListener('click', () => {
    ui.messages.scrollTop = ui.messages.scrollHeight;
    renderJump(shown.room, shown.me);
    ui.composer.focus(); // the button is gone; the reader most likely answers next
  });
}
