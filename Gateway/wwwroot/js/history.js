// History beyond the live events: a gap in a room's events filled (or the room resynced), older
// pages as the reader scrolls back, holes between the loaded spans, and the page around one
// message that a search result or a notification opens.

import { ui } from './ui.js';
import { revealMessage, watchEdges } from './roomview.js';
import { page, currentRoom } from './page.js';
import { render, renderNow, notice } from './render.js';
import { authedApi } from './auth.js';
import { openRoom } from './rooms.js';

export const HISTORY_PAGE = 50;
// A message outside what is loaded opens a page of history around it: this many before it.
const JUMP_CONTEXT = 25;

/** Events seq..before-1 never arrived: fetch the messages among them. */
export async function fillGap(room, { after, before }) {
  const missing = before - after - 1;
  if (missing > 200) { // more than one history page: reload the latest page instead
    resync(room, room.lastSeq);
    return;
  }
  try {
    const data = await page.conn.request('history', { room: room.id, before, limit: missing });
    page.store.mergeMessages(room, data.messages ?? []); // the span already covers it
    render();
  } catch {
    resync(room, room.lastSeq);
  }
}

/** The server could not deliver every event: the latest history page becomes the truth. */
export async function resync(room, lastSeq) {
  room.lastSeq = lastSeq; // live events continue after this
  if (!room.loaded || room.id !== page.currentId) {
    // Not on screen: drop what we have; the next open loads the latest page.
    room.loaded = false;
    room.items.clear();
    room.spans = [];
    room.quotes.clear();
    return;
  }
  try {
    const data = await page.conn.request('history', { room: room.id, before: lastSeq + 1, limit: HISTORY_PAGE });
    page.store.mergeMessages(room, data.messages ?? [], { replace: true }); // drops the old spans too
    page.store.mergePage(room, data, { before: lastSeq + 1 });
  } catch (err) {
    room.loaded = false; // load again on the next open or reconnect
    notice(`Could not reload ${room.id}: ${err.message}`);
  }
  render();
}

/** The page of messages before everything loaded; the view keeps the reader's place. */
async function loadOlder() {
  const room = currentRoom();
  if (!room?.loaded || !room.hasMore || page.loadingOlder.has(room.id) || !page.conn.ready) return;
  page.loadingOlder.add(room.id);
  render();
  try {
    const before = room.firstSeq();
    const data = await page.conn.request('history', { room: room.id, before, limit: HISTORY_PAGE });
    page.store.mergePage(room, data, { before });
  } catch (err) {
    if (err.code !== 'disconnected') notice(`Could not load older messages: ${err.message}`);
  } finally {
    page.loadingOlder.delete(room.id);
    render();
  }
}

const fillingHoles = new Set();
/**
 * Loads a page into a hole between loaded spans: from its top when the reader came down to it,
 * from its bottom when they came up. `after` pages come over HTTP, the socket's history only
 * goes backwards.
 */
async function loadHole(room, { after, before, below }) {
  const key = `${room.id}:${after}:${before}`;
  if (fillingHoles.has(key) || !room.loaded) return;
  fillingHoles.add(key);
  try {
    if (below) {
      const data = await authedApi(`/api/rooms/${encodeURIComponent(room.id)}/messages?after=${after}&limit=${HISTORY_PAGE}`);
      page.store.mergePage(room, data, { after });
    } else {
      const data = await page.conn.request('history', { room: room.id, before, limit: HISTORY_PAGE });
      page.store.mergePage(room, data, { before });
    }
  } catch (err) {
    if (err.code !== 'disconnected' && err.status !== 401) notice(`Could not load messages: ${err.message}`);
  } finally {
    fillingHoles.delete(key);
    render();
  }
}

/** Opens a room at one message (a search result): loads the history around it if needed, then flashes it. */
export async function jumpTo(roomId, seq) {
  if (!await openRoom(roomId) || page.currentId !== roomId) return;
  const room = page.store.room(roomId);
  if (!room.items.has(seq) && !room.isCovered(seq)) {
    const after = Math.max(0, seq - JUMP_CONTEXT);
    try {
      const data = await authedApi(`/api/rooms/${encodeURIComponent(roomId)}/messages?after=${after}&limit=${HISTORY_PAGE}`);
      page.store.mergePage(room, data, { after });
    } catch (err) {
      notice(`Could not load that message: ${err.message}`);
      return;
    }
  }
  if (page.currentId !== roomId) return;
  page.flash = { room: roomId, seq };
  renderNow();
  // A result newer than our events is on its way as one; otherwise it was deleted meanwhile.
  if (!revealMessage(seq) && seq <= room.lastSeq) notice('That message is no longer there.');
}

export function wireHistory() {
  // Scrolling near an edge of the loaded history loads the next page there.
  watchEdges((edge) => {
    const room = currentRoom();
    if (!room?.loaded) return;
    if (edge.kind === 'older') loadOlder();
    else loadHole(room, edge);
  });
  // The edges' buttons load the same pages.
  ui.messages.addEventListener('click', (e) => {
    const li = e.target.closest('li');
    if (!li) return;
    if (e.target.closest('button.load-older')) loadOlder();
    else if (e.target.closest('button.load-gap')) {
      loadHole(page.store.room(page.currentId), { after: Number(li.dataset.after), before: Number(li.dataset.before), below: true });
    }
  });
}
