// Rooms: the list beside the chat, and opening, loading, joining, creating and leaving a room.

import { ROOM_ID } from './rules.js';
import { ui, showError } from './ui.js';
import { page } from './page.js';
import { saved } from './saved.js';
import { render, notice } from './render.js';
import { authedApi } from './auth.js';
import { HISTORY_PAGE } from './history.js';
import { refreshDetails } from './members.js';
import { markReadSoon, markReadIfDue } from './readmarkers.js';

// The room list and our joins, creations and leaves may overlap: on the server rooms call our
// session and never the reverse, so none waits on another. A list that answers before a join
// does not hide the joined room, which shows for being ours (member), listed or not.

export async function refreshRoomList() {
  try {
    page.store.setListedRooms(await authedApi('/api/rooms'));
    render();
  } catch (err) {
    if (err.status !== 401) notice(`Could not load the room list: ${err.message}`);
  }
}

/**
 * Shows a room, loading or joining it as needed. Resolves true once its latest history is
 * here (false if it could not be, e.g. not connected: connected() opens it again).
 */
export async function openRoom(id) {
  if (page.currentId !== id) {
    notice('');
    page.flash = null;
    // What the room on screen showed until now has been seen, however soon the user moves on.
    markReadIfDue();
  }
  page.currentId = id;
  saved.room = id;
  const room = page.store.room(id);
  render();
  if (!page.conn.ready) return false;
  if (!room.member) return joinRoom(id);
  if (!room.loaded) return loadRoom(room);
  markReadSoon();
  refreshDetails(room);
  return true;
}

const loading = new Map(); // room id → the load in flight
/** First open of a room we belong to: its latest page of history, and its members. */
function loadRoom(room) {
  let load = loading.get(room.id);
  if (!load) {
    load = fetchLatest(room).finally(() => loading.delete(room.id));
    loading.set(room.id, load);
  }
  return load;
}

async function fetchLatest(room) {
  refreshDetails(room);
  try {
    const before = room.lastSeq + 1;
    const data = await page.conn.request('history', { room: room.id, before, limit: HISTORY_PAGE });
    page.store.mergePage(room, data, { before });
    room.loaded = true;
    markReadSoon();
    return true;
  } catch (err) {
    // Not (or no longer) a member: joining works for public rooms and says why otherwise.
    if (['forbidden', 'not_found'].includes(err.code)) {
      room.member = false;
      return joinRoom(room.id);
    }
    if (err.code !== 'disconnected') notice(`Could not load ${room.id}: ${err.message}`);
    return false;
  } finally {
    render();
  }
}

async function joinRoom(id) {
  try {
    const data = await page.conn.request('join', { room: id });
    const room = page.store.room(id);
    room.summary = { ...room.summary, ...data.room };
    room.details = data.room;
    room.member = true;
    const messages = data.messages ?? [];
    page.store.mergeMessages(room, messages);
    room.lastSeq = Math.max(room.lastSeq, data.lastSeq ?? 0);
    room.loaded = true;
    // The join reply has no hasMore: a full page suggests there is more.
    room.cover(messages.length >= HISTORY_PAGE ? messages[0].seq : 1, room.lastSeq);
    if (page.currentId !== id) openRoom(id);
    markReadSoon();
    return true;
  } catch (err) {
    const message = `Could not join ${id}: ${err.message}`;
    if (page.currentId === id) notice(message);
    else showError(ui.roomError, message);
    return false;
  } finally {
    render();
  }
}

/** Creates a room through the HTTP API (the join frame can only make public ones), then opens it. */
async function createRoom(id, visibility) {
  try {
    await authedApi('/api/rooms', { method: 'POST', body: { id, visibility } });
  } catch (err) {
    showError(ui.roomError, err.status === 409 ? `A room named ${id} already exists.` : `Could not create ${id}: ${err.message}`);
    return false;
  }
  return joinRoom(id); // we are its owner: this loads it and follows it on this socket
}

async function leaveRoom() {
  const id = page.currentId;
  if (!id) return;
  try {
    await page.conn.request('leave', { room: id });
  } catch (err) {
    notice(`Could not leave ${id}: ${err.message}`);
    return;
  }
  page.store.forget(page.store.room(id));
  page.store.outbox = page.store.outbox.filter((o) => o.room !== id);
  saved.outbox = page.store.outbox;
  page.currentId = null;
  page.flash = null;
  saved.room = null;
  notice('');
  render();
  refreshRoomList(); // a public room stays listed, a private one goes
}

export function wireRooms() {
  ui.joinForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = ui.roomInput.value.trim();
    if (!ROOM_ID.test(id)) {
      showError(ui.roomError, 'A room id is 1 to 64 characters: lower-case letters, digits, "-" and "_", starting with a letter or digit.');
      return;
    }
    showError(ui.roomError, '');
    if (!page.conn.ready) {
      showError(ui.roomError, 'Not connected. Try again in a moment.');
      return;
    }
    const made = ui.roomPrivate.checked ? await createRoom(id, 'private') : await joinRoom(id);
    if (made) {
      ui.roomInput.value = '';
      ui.roomPrivate.checked = false;
      ui.join.textContent = 'Join';
    }
  });
  // A private room cannot be joined, only made: the button says which will happen.
  ui.roomPrivate.addEventListener('change', () => {
    ui.join.textContent = ui.roomPrivate.checked ? 'Create' : 'Join';
  });
  ui.rooms.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-room]');
    if (li) openRoom(li.dataset.room);
  });
  ui.leave.addEventListener('click', leaveRoom);
}
