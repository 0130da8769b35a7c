// DOM rendering. User text only ever goes in through textContent, never HTML.

const $ = (id) => document.getElementById(id);

export const ui = {
  authView: $('auth-view'),
  authForm: $('auth-form'),
  username: $('username'),
  password: $('password'),
  authError: $('auth-error'),
  signin: $('signin'),
  register: $('register'),
  chatView: $('chat-view'),
  connection: $('connection-state'),
  me: $('me'),
  signout: $('signout'),
  joinForm: $('join-form'),
  roomInput: $('room-input'),
  roomError: $('room-error'),
  rooms: $('rooms'),
  currentRoom: $('current-room'),
  leave: $('leave'),
  notice: $('notice'),
  loadOlder: $('load-older'),
  messages: $('messages'),
  typing: $('typing'),
  composerForm: $('composer-form'),
  composer: $('composer'),
  send: $('send'),
};

const STATE_TEXT = { connected: 'connected', connecting: 'connecting…', offline: 'offline' };

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Show `message` in an error line, or hide the line when it is empty. */
export function showError(node, message) {
  node.textContent = message ?? '';
  node.hidden = !message;
}

export function showSignedIn(name) {
  ui.authView.hidden = Boolean(name);
  ui.chatView.hidden = !name;
  ui.signout.hidden = !name;
  ui.me.textContent = name ?? '';
}

export function renderConnection(state) {
  ui.connection.textContent = STATE_TEXT[state] ?? state;
  ui.connection.dataset.state = state;
}

export function renderRooms(rooms, currentId) {
  const items = rooms.map((r) => {
    const li = make('li');
    li.dataset.room = r.id;
    li.classList.toggle('current', r.id === currentId);
    li.classList.toggle('not-member', !r.member);
    if (r.summary?.topic) li.title = r.summary.topic;
    const button = make('button', 'room-link');
    button.type = 'button';
    if (r.id === currentId) button.setAttribute('aria-current', 'true');
    button.append(make('span', 'room-name', r.id));
    if (r.unread > 0 && r.id !== currentId) button.append(make('span', 'badge', String(r.unread)));
    li.append(button);
    return li;
  });
  ui.rooms.replaceChildren(...items);
}

function formatTime(ts) {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function timeNode(ts, label) {
  const t = make('time', 'time', label ?? formatTime(ts));
  if (ts) {
    t.dateTime = ts;
    t.title = new Date(ts).toLocaleString();
  }
  return t;
}

function messageNode(item, me) {
  const li = make('li', 'message');
  li.dataset.seq = String(item.seq);
  const own = item.sender === me;
  li.classList.toggle('own', own);
  li.classList.toggle('deleted', item.deleted);

  const meta = make('div', 'meta');
  meta.append(make('span', 'sender', item.sender), timeNode(item.ts));
  if (item.edited && !item.deleted) meta.append(make('span', 'edited', '(edited)'));
  if (own && !item.deleted) {
    const del = make('button', 'delete', 'Delete');
    del.type = 'button';
    meta.append(del);
  }
  li.append(meta, make('div', 'text', item.deleted ? 'message deleted' : item.text));
  return li;
}

function systemNode(item) {
  const li = make('li', 'system', item.text);
  li.dataset.seq = String(item.seq);
  return li;
}

function pendingNode(item, me, connected) {
  const li = make('li', 'message own pending');
  li.dataset.clientMsgId = item.clientMsgId;
  const status = item.state === 'failed' ? `not sent: ${item.error}`
    : connected ? 'sending…' : 'pending';
  li.classList.toggle('failed', item.state === 'failed');
  const meta = make('div', 'meta');
  meta.append(make('span', 'sender', me), timeNode(item.ts, status));
  if (item.state === 'failed') {
    const discard = make('button', 'discard', 'Discard');
    discard.type = 'button';
    meta.append(discard);
  }
  li.append(meta, make('div', 'text', item.text));
  return li;
}

// Items are immutable (edits replace them), so a node per item object can be
// reused; unchanged nodes stay in the DOM and keep any text selection.
const nodes = new WeakMap();
let shownRoom = null;

/**
 * Render the current room: stored items in seq order, then our unconfirmed
 * messages. Sticks to the bottom if the reader was there.
 */
export function renderRoom(room, pending, me, connected) {
  ui.currentRoom.textContent = room ? room.id : 'No room selected';
  ui.leave.hidden = !room?.member;
  const canWrite = Boolean(room?.member);
  ui.composer.disabled = !canWrite;
  ui.send.disabled = !canWrite;
  ui.loadOlder.hidden = !(room?.loaded && room.hasMore);

  const list = ui.messages;
  const switched = shownRoom !== room;
  shownRoom = room;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;

  const wanted = [];
  if (room) {
    for (const item of room.sorted()) {
      let node = nodes.get(item);
      if (!node) nodes.set(item, (node = item.kind === 'system' ? systemNode(item) : messageNode(item, me)));
      wanted.push(node);
    }
    for (const item of pending) wanted.push(pendingNode(item, me, connected));
  }
  // Walk the list once, inserting or moving only what differs.
  wanted.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
  });
  while (list.children.length > wanted.length) list.lastElementChild.remove();

  if (switched || atBottom) list.scrollTop = list.scrollHeight;

  const now = Date.now();
  const typists = room ? [...room.typing].filter(([, until]) => until > now).map(([user]) => user) : [];
  ui.typing.textContent = typists.length === 0 ? ''
    : typists.length === 1 ? `${typists[0]} is typing…` : `${typists.join(', ')} are typing…`;
}
