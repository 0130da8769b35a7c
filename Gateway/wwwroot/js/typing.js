// "x is typing…" both ways: the composer tells the room now and then while the user types, and a
// `typing` frame from someone else shows them for a while unless another one renews it.

import { userName } from './rules.js';
import { ui } from './ui.js';
import { page } from './page.js';
import { render } from './render.js';

const SEND_EVERY_MS = 3_000;
// Longer than SEND_EVERY_MS, so someone typing on is shown without a break.
const SHOW_MS = 4_000;

let lastSent = 0;
function typed() {
  const now = Date.now();
  if (!page.currentId || now - lastSent < SEND_EVERY_MS) return;
  lastSent = now;
  page.conn.notify('typing', { room: page.currentId });
}

/** A `typing` frame; false when it is our own, with nothing to show. */
export function someoneTyping(frame) {
  const user = userName(frame.user);
  if (user === page.store.me) return false;
  page.store.room(frame.room).typing.set(user, Date.now() + SHOW_MS);
  setTimeout(render, SHOW_MS + 50); // to clear the indicator
  return true;
}

export function wireTyping() {
  ui.composer.addEventListener('input', typed);
}
