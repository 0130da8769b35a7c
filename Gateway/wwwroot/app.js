// ChatApp web page: wires the HTTP API, the /ws protocol client, the store and
// the view. PROTOCOL.md (docs/protocol.md in the repo) is the contract.

import { api, ApiError } from './js/api.js';
import { Connection } from './js/protocol.js';
import { ChatStore, ROOM_ID, MAX_TEXT, userName } from './js/store.js';
import { ui, showError, showSignedIn, renderConnection, renderRooms, renderRoom } from './js/view.js';

const HISTORY_PAGE = 50;
const TYPING_SEND_EVERY_MS = 3_000;
const TYPING_SHOW_MS = 4_000;

// sessionStorage: a reload stays signed in, a new tab or browser session does not.
const saved = {
  get token() { return sessionStorage.getItem('chat.token'); },
  get user() { return sessionStorage.getItem('chat.user'); },
  get room() { return sessionStorage.getItem('chat.room'); },
  set room(id) { id ? sessionStorage.setItem('chat.room', id) : sessionStorage.removeItem('chat.room'); },
  signIn(token, user) {
    sessionStorage.setItem('chat.token', token);
    sessionStorage.setItem('chat.user', user);
  },
  // The outbox survives a reload so a pending message is retried, with the same clientMsgId.
  get outbox() {
    try { return JSON.parse(sessionStorage.getItem('chat.outbox')) ?? []; } catch { return []; }
  },
  set outbox(items) { sessionStorage.setItem('chat.outbox', JSON.stringify(items)); },
  clear() { sessionStorage.clear(); },
};

let store = new ChatStore();
let currentId = null;

const conn = new Connection({
  hello: () => {
    // resume: {roomId: lastSeq} for every loaded room, so events missed while away are replayed.
    const resume = store.resume();
    return Object.keys(resume).length ? { token: saved.token, resume } : { token: saved.token };
  },
  onReady: connected,
  onFrame: receive,
  onState: (state) => { renderConnection(state); render(); },
  onUnauthorized: () => signOut('Your session has ended. Please sign in again.'),
});

// ---- rendering ---------------------------------------------------------------

let renderQueued = false;
/** Coalesce the many changes of one burst of frames into one render. */
function render() {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    renderNow();
  });
}

function renderNow() {
  const room = currentId ? store.room(currentId) : null;
  renderRooms(store.visibleRooms(), currentId);
  renderRoom(room, store.outbox.filter((o) => o.room === currentId), store.me, conn.ready);
}

function notice(message) {
  showError(ui.notice, message);
}

// ---- sign-in -------------------------------------------------------------------

async function authenticate(kind) {
  showError(ui.authError, '');
  const username = ui.username.value.trim();
  const password = ui.password.value;
  if (!username || !password) {
    showError(ui.authError, 'Enter a username and a password.');
    return;
  }
  ui.signin.disabled = ui.register.disabled = true;
  try {
    const data = await api(`/api/auth/${kind}`, { method: 'POST', body: { username, password } });
    saved.signIn(data.token, userName(data.user) || username.toLowerCase());
    ui.password.value = '';
    start();
  } catch (err) {
    showError(ui.authError, err.message);
  } finally {
    ui.signin.disabled = ui.register.disabled = false;
  }
}

function start() {
  store = new ChatStore();
  store.me = saved.user ?? '';
  store.outbox = saved.outbox.map((o) => ({ ...o, state: o.state === 'failed' ? 'failed' : 'queued' }));
  currentId = saved.room;
  showSignedIn(store.me);
  render();
  conn.start();
}

function signOut(reason) {
  conn.stop();
  saved.clear();
  store = new ChatStore();
  currentId = null;
  showSignedIn(null);
  showError(ui.authError, reason ?? '');
  render();
  ui.username.focus();
}

/** Bearer-authenticated API call; a refused token ends the session. */
async function authedApi(path, options) {
  try {
    return await api(path, { ...options, token: saved.token });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signOut('Your session has ended. Please sign in again.');
    throw err;
  }
}

// ---- connection ------------------------------------------------------------------

/** hello succeeded, on the first connection and on every reconnect. */
function connected(data) {
  if (data.user) store.me = userName(data.user) || store.me;
  showSignedIn(store.me);
  store.setMemberRooms(data.rooms);
  notice('');
  render();
  refreshRoomList();
  // Reopen the room on screen (or the one saved before a reload), unless we
  // were removed from it meanwhile: rejoining is for the user to decide.
  if (currentId && store.room(currentId).member) openRoom(currentId);
  pumpOutbox();
}

async function refreshRoomList() {
  try {
    store.setListedRooms(await authedApi('/api/rooms'));
    render();
  } catch (err) {
    if (err.status !== 401) notice(`Could not load the room list: ${err.message}`);
  }
}

/** Server frames that are not answers to our requests. */
function receive(frame) {
  switch (frame.type) {
    case 'event': {
      const applied = store.applyEvent(frame);
      if (!applied) return; // duplicate
      if (applied.gap) fillGap(applied.room, applied.gap);
      if (!applied.room.member && frame.room === currentId) notice('You are no longer a member of this room.');
      if (frame.room === currentId) markReadSoon();
      if (frame.kind === 'message') saved.outbox = store.outbox; // it may have confirmed one of ours
      break;
    }
    case 'resync':
      resync(store.room(frame.room), frame.lastSeq);
      break;
    case 'unread':
      store.room(frame.room).unread = frame.room === currentId ? 0 : frame.count;
      break;
    case 'typing': {
      const user = userName(frame.user);
      if (user === store.me) return;
      store.room(frame.room).typing.set(user, Date.now() + TYPING_SHOW_MS);
      setTimeout(render, TYPING_SHOW_MS + 50); // to clear the indicator
      break;
    }
    default:
      // presence, server pings, and errors answering ref-less frames (typing):
      // nothing to show. A refused token also closes with 1008, handled there.
      return;
  }
  render();
}

/** Events seq..before-1 never arrived: fetch the messages among them. */
async function fillGap(room, { after, before }) {
  const missing = before - after - 1;
  if (missing > 200) { // more than one history page: reload the latest page instead
    resync(room, room.lastSeq);
    return;
  }
  try {
    const data = await conn.request('history', { room: room.id, before, limit: missing });
    store.mergeMessages(room, data.messages ?? []);
    render();
  } catch {
    resync(room, room.lastSeq);
  }
}

/** The server could not deliver every event: the latest history page becomes the truth. */
async function resync(room, lastSeq) {
  room.lastSeq = lastSeq; // live events continue after this
  if (!room.loaded || room.id !== currentId) {
    // Not on screen: drop what we have; the next open loads the latest page.
    room.loaded = false;
    room.items.clear();
    return;
  }
  try {
    const data = await conn.request('history', { room: room.id, before: lastSeq + 1, limit: HISTORY_PAGE });
    store.mergeMessages(room, data.messages ?? [], { replace: true });
    room.hasMore = Boolean(data.hasMore);
  } catch (err) {
    room.loaded = false; // load again on the next open or reconnect
    notice(`Could not reload ${room.id}: ${err.message}`);
  }
  render();
}

// ---- rooms -------------------------------------------------------------------------

function openRoom(id) {
  if (currentId !== id) notice('');
  currentId = id;
  saved.room = id;
  const room = store.room(id);
  render();
  if (!conn.ready) return; // connected() opens it again
  if (!room.member) joinRoom(id);
  else if (!room.loaded) loadRoom(room);
  else markReadSoon();
}

const loading = new Set();
/** First open of a room we belong to: its latest page of history. */
async function loadRoom(room) {
  if (loading.has(room.id)) return;
  loading.add(room.id);
  try {
    const data = await conn.request('history', { room: room.id, before: room.lastSeq + 1, limit: HISTORY_PAGE });
    store.mergeMessages(room, data.messages ?? []);
    room.loaded = true;
    room.hasMore = Boolean(data.hasMore);
    markReadSoon();
  } catch (err) {
    // Not (or no longer) a member: joining works for public rooms and says why otherwise.
    if (['forbidden', 'not_found'].includes(err.code)) {
      room.member = false;
      joinRoom(room.id);
    } else if (err.code !== 'disconnected') {
      notice(`Could not load ${room.id}: ${err.message}`);
    }
  } finally {
    loading.delete(room.id);
    render();
  }
}

async function joinRoom(id) {
  try {
    const data = await conn.request('join', { room: id });
    const room = store.room(id);
    room.summary = { ...room.summary, ...data.room };
    room.member = true;
    store.mergeMessages(room, data.messages ?? []);
    room.lastSeq = Math.max(room.lastSeq, data.lastSeq ?? 0);
    room.loaded = true;
    // The join reply has no hasMore: a full page suggests there is more.
    room.hasMore = (data.messages?.length ?? 0) >= HISTORY_PAGE;
    if (currentId !== id) openRoom(id);
    markReadSoon();
    return true;
  } catch (err) {
    const message = `Could not join ${id}: ${err.message}`;
    if (currentId === id) notice(message);
    else showError(ui.roomError, message);
    return false;
  } finally {
    render();
  }
}

async function loadOlder() {
  const room = currentId && store.room(currentId);
  if (!room?.loaded) return;
  const list = ui.messages;
  const fromBottom = list.scrollHeight - list.scrollTop;
  try {
    const data = await conn.request('history', { room: room.id, before: room.oldestSeq(), limit: HISTORY_PAGE });
    store.mergeMessages(room, data.messages ?? []);
    room.hasMore = Boolean(data.hasMore) && (data.messages?.length ?? 0) > 0;
  } catch (err) {
    notice(`Could not load older messages: ${err.message}`);
    return;
  }
  renderNow();
  list.scrollTop = list.scrollHeight - fromBottom; // keep the reader's place
}

async function leaveRoom() {
  const id = currentId;
  if (!id) return;
  try {
    await conn.request('leave', { room: id });
  } catch (err) {
    notice(`Could not leave ${id}: ${err.message}`);
    return;
  }
  store.forget(store.room(id));
  store.outbox = store.outbox.filter((o) => o.room !== id);
  saved.outbox = store.outbox;
  currentId = null;
  saved.room = null;
  notice('');
  render();
  refreshRoomList(); // a public room stays listed, a private one goes
}

// ---- read markers ------------------------------------------------------------------

let readTimer = 0;
/** Tell the server what we have seen, at most about once a second. */
function markReadSoon() {
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    const room = currentId && store.room(currentId);
    if (!room?.loaded || !conn.ready || document.visibilityState !== 'visible') return;
    room.unread = 0;
    if (room.lastSeq > (room.readSeq ?? 0)) {
      room.readSeq = room.lastSeq;
      conn.request('read', { room: room.id, seq: room.lastSeq }).catch(() => { room.readSeq = 0; });
    }
    render();
  }, 800);
}

// ---- sending -----------------------------------------------------------------------

function submitMessage() {
  const text = ui.composer.value;
  const trimmed = text.trim();
  if (!currentId || !trimmed) return;
  if (trimmed.length > MAX_TEXT) {
    notice(`A message can have at most ${MAX_TEXT} characters (this one has ${trimmed.length}).`);
    return;
  }
  notice('');
  store.queue(currentId, text); // sent exactly as typed
  saved.outbox = store.outbox;
  ui.composer.value = '';
  render();
  pumpOutbox();
}

let pumping = false;
/**
 * Send queued messages one at a time, oldest first, so they are stored in the
 * order typed. A message whose fate is unknown (socket lost, no answer) stays
 * queued and goes again after the reconnect with the same clientMsgId, which
 * the server stores only once.
 */
async function pumpOutbox() {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      const item = conn.ready && store.outbox.find((o) => o.state === 'queued');
      if (!item) break;
      item.state = 'sending';
      render();
      try {
        const data = await conn.request('send', { room: item.room, clientMsgId: item.clientMsgId, text: item.text });
        store.confirm(item, data);
      } catch (err) {
        item.state = 'queued';
        if (err.code === 'rate_limited') {
          await new Promise((resolve) => setTimeout(resolve, err.retryAfterMs ?? 1000));
        } else if (err.code === 'timeout') {
          conn.reconnect(); // treat the socket as dead; connected() pumps again
          break;
        } else if (err.code === 'disconnected') {
          break;
        } else {
          item.state = 'failed'; // validation, forbidden, ...: retrying will not help
          item.error = err.message;
        }
      } finally {
        saved.outbox = store.outbox;
      }
    }
  } finally {
    pumping = false;
    render();
  }
}

async function deleteMessage(seq) {
  try {
    await conn.request('delete', { room: currentId, seq });
  } catch (err) {
    notice(`Could not delete the message: ${err.message}`);
  }
}

let lastTypingSent = 0;
function typed() {
  const now = Date.now();
  if (!currentId || now - lastTypingSent < TYPING_SEND_EVERY_MS) return;
  lastTypingSent = now;
  conn.notify('typing', { room: currentId });
}

// ---- DOM events ------------------------------------------------------------------

ui.authForm.addEventListener('submit', (e) => {
  e.preventDefault();
  authenticate(e.submitter === ui.register ? 'register' : 'login');
});

ui.signout.addEventListener('click', () => signOut());

ui.joinForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = ui.roomInput.value.trim();
  if (!ROOM_ID.test(id)) {
    showError(ui.roomError, 'A room id is 1 to 64 characters: lower-case letters, digits, "-" and "_", starting with a letter or digit.');
    return;
  }
  showError(ui.roomError, '');
  if (!conn.ready) {
    showError(ui.roomError, 'Not connected. Try again in a moment.');
    return;
  }
  if (await joinRoom(id)) ui.roomInput.value = '';
});

ui.rooms.addEventListener('click', (e) => {
  const li = e.target.closest('li[data-room]');
  if (li) openRoom(li.dataset.room);
});

ui.leave.addEventListener('click', leaveRoom);
ui.loadOlder.addEventListener('click', loadOlder);

ui.messages.addEventListener('click', (e) => {
  const li = e.target.closest('li');
  if (!li) return;
  if (e.target.closest('button.delete')) deleteMessage(Number(li.dataset.seq));
  if (e.target.closest('button.discard')) {
    store.discard(li.dataset.clientMsgId);
    saved.outbox = store.outbox;
    render();
  }
});

ui.composerForm.addEventListener('submit', (e) => {
  e.preventDefault();
  submitMessage();
});

ui.composer.addEventListener('keydown', (e) => {
  // Enter sends, Shift+Enter is a new line; an IME composing text keeps its Enter.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submitMessage();
  }
});
ui.composer.addEventListener('input', typed);

window.addEventListener('online', () => conn.retryNow());
document.addEventListener('visibilitychange', markReadSoon);

// ---- boot --------------------------------------------------------------------------

renderConnection('offline');
if (saved.token) start();
else showSignedIn(null);
