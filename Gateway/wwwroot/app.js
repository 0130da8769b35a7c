// ChatApp web page: wires the HTTP API, the /ws protocol client, the store and
// the view. PROTOCOL.md (docs/protocol.md in the repo) is the contract.

import { Connection } from './js/protocol.js';
import { ROOM_ID, userName, roomTitle } from './js/store.js';
import { ui, showError, showSignedIn, renderConnection } from './js/view.js';
import { WaitingMentions } from './js/mentions.js';
import { notify, askForNotifications } from './js/notifications.js';
import { page, onScreen } from './js/page.js';
import { render, notice } from './js/render.js';
import { saved } from './js/saved.js';
import { markReadSoon, markReadIfDue } from './js/readmarkers.js';
import { someoneTyping, wireTyping } from './js/typing.js';
import { start, signOut, authedApi, wireAuth, SESSION_ENDED } from './js/auth.js';
import { wireSearch } from './js/search.js';
import { wireEditing } from './js/editing.js';
import { pumpOutbox, wireOutbox } from './js/outbox.js';
import { refreshDetails, refreshDetailsSoon, presenceChanged, wireMembers } from './js/members.js';
import { HISTORY_PAGE, fillGap, resync, jumpTo, wireHistory } from './js/history.js';


page.conn = new Connection({
  hello: () => {
    // resume: {roomId: lastSeq} for every loaded room, so events missed while away are replayed.
    const resume = page.store.resume();
    return Object.keys(resume).length ? { token: saved.token, resume } : { token: saved.token };
  },
  onReady: connected,
  onFrame: receive,
  onState: (state) => { renderConnection(state); render(); },
  onUnauthorized: () => signOut(SESSION_ENDED),
});

// ---- connection ------------------------------------------------------------------

/** hello succeeded, on the first connection and on every reconnect. */
function connected(data) {
  if (data.user) page.store.me = userName(data.user) || page.store.me;
  showSignedIn(page.store.me);
  page.store.setMemberRooms(data.rooms);
  notice('');
  render();
  refreshRoomList();
  // Reopen the room on screen (or the one saved before a reload), unless we
  // were removed from it meanwhile: rejoining is for the user to decide.
  if (page.currentId && page.store.room(page.currentId).member) openRoom(page.currentId);
  else if (page.currentId) notice('You are no longer a member of this room.');
  pumpOutbox();
}

// The room list and our own joins, creations and leaves run one at a time: on the server the
// list asks each room through our session while a join has the room tell our session, and the
// two can stall each other for seconds when they overlap.
let roomOps = Promise.resolve();
export function oneAtATime(work) {
  const run = roomOps.then(work, work);
  roomOps = run.catch(() => {});
  return run;
}

async function refreshRoomList() {
  try {
    page.store.setListedRooms(await oneAtATime(() => authedApi('/api/rooms')));
    render();
  } catch (err) {
    if (err.status !== 401) notice(`Could not load the room list: ${err.message}`);
  }
}

/** Server frames that are not answers to our requests. */
function receive(frame) {
  switch (frame.type) {
    case 'event': {
      const applied = page.store.applyEvent(frame);
      if (!applied) return; // duplicate
      const { room } = applied;
      if (applied.gap) fillGap(room, applied.gap);
      if (!room.member) {
        room.details = null;
        if (frame.room === page.currentId) notice('You are no longer a member of this room.');
      }
      if (frame.room === page.currentId) markReadSoon();
      if (frame.kind === 'message') {
        saved.outbox = page.store.outbox; // it may have confirmed one of ours
        if (!onScreen(frame.room)) page.store.countUnread(room, frame);
        waitingMentions.arrived(frame.room, frame.seq, frame.text);
      }
      // Membership changed: the member list, and for a room someone added us to, its visibility
      // and topic. Not GET /api/rooms: the room may still be telling our session of the join.
      const added = frame.kind === 'join' && userName(frame.user) === page.store.me && frame.room !== page.currentId;
      if (room.member && (added || (frame.room === page.currentId && ['join', 'leave', 'kick', 'ban'].includes(frame.kind)))) {
        refreshDetailsSoon(room);
      }
      break;
    }
    case 'resync':
      resync(page.store.room(frame.room), frame.lastSeq);
      break;
    case 'presence':
      if (!presenceChanged(frame)) return;
      break;
    case 'unread':
      page.store.setUnread(page.store.room(frame.room), frame.room === page.currentId ? 0 : frame.count, frame.lastReadSeq ?? 0,
        frame.room === page.currentId ? 0 : frame.mentions ?? 0);
      break;
    case 'mention':
      mentioned(page.store.room(frame.room), Number(frame.seq), userName(frame.sender));
      break;
    case 'typing':
      if (!someoneTyping(frame)) return;
      break;
    default:
      // Server pings, and errors answering ref-less frames (typing): nothing to show.
      // A refused token also closes with 1008, handled there.
      return;
  }
  render();
}

/**
 * Someone named the user in a message: it is highlighted wherever it shows, and unless the user
 * is looking at its room, the room is marked in the list and a notification (if allowed) says so.
 */
function mentioned(room, seq, sender) {
  if (!Number.isInteger(seq)) return;
  room.mentionSeqs.add(seq);
  if (onScreen(room.id)) return;
  room.unseenMentions.add(seq);
  waitingMentions.add({ room: room.id, seq, sender }, room.items.get(seq)?.text);
}

export function forgetWaitingMentions() {
  waitingMentions.clear();
}

const waitingMentions = new WaitingMentions(({ room: id, seq, sender }, text) => {
  // Read meanwhile, here or on another device: nothing left to point at.
  if (!page.store.room(id).unseenMentions.has(seq)) return;
  const title = roomTitle(id, page.store.me);
  notify(title === sender ? `${sender} mentioned you` : `${sender} mentioned you in ${title}`, {
    body: text ?? '',
    tag: `mention:${id}:${seq}`,
    onClick: () => jumpTo(id, seq),
  });
});

// ---- rooms -------------------------------------------------------------------------

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
    const data = await oneAtATime(() => page.conn.request('join', { room: id }));
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
    await oneAtATime(() => authedApi('/api/rooms', { method: 'POST', body: { id, visibility } }));
  } catch (err) {
    showError(ui.roomError, err.status === 409 ? `A room named ${id} already exists.` : `Could not create ${id}: ${err.message}`);
    return false;
  }
  return joinRoom(id); // we are its owner: this loads it and follows it on this socket
}

// ---- leaving ---------------------------------------------------------------------

async function leaveRoom() {
  const id = page.currentId;
  if (!id) return;
  try {
    await oneAtATime(() => page.conn.request('leave', { room: id }));
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

// ---- DOM events ------------------------------------------------------------------

wireAuth();
ui.enableNotifications.addEventListener('click', () => askForNotifications(ui.enableNotifications));

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

wireSearch();

wireMembers();

ui.rooms.addEventListener('click', (e) => {
  const li = e.target.closest('li[data-room]');
  if (li) openRoom(li.dataset.room);
});

ui.leave.addEventListener('click', leaveRoom);

wireHistory();
wireEditing();
wireOutbox();
wireTyping();

window.addEventListener('online', () => page.conn.retryNow());
document.addEventListener('visibilitychange', markReadSoon);

// ---- boot --------------------------------------------------------------------------

renderConnection('offline');
if (saved.token) start();
else showSignedIn(null);
