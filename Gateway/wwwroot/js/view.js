// DOM rendering. User text only ever goes in through textContent, never HTML.

import { userName, isDirect, roomTitle } from './store.js';

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
  enableNotifications: $('enable-notifications'),
  searchForm: $('search-form'),
  searchInput: $('search-input'),
  searchResults: $('search-results'),
  searchSummary: $('search-summary'),
  searchList: $('search-list'),
  searchClose: $('search-close'),
  joinForm: $('join-form'),
  roomInput: $('room-input'),
  roomPrivate: $('room-private'),
  join: $('join'),
  roomError: $('room-error'),
  rooms: $('rooms'),
  currentRoom: $('current-room'),
  roomVisibility: $('room-visibility'),
  roomTopic: $('room-topic'),
  toggleMembers: $('toggle-members'),
  leave: $('leave'),
  notice: $('notice'),
  messages: $('messages'),
  typing: $('typing'),
  composerForm: $('composer-form'),
  composer: $('composer'),
  send: $('send'),
  membersPanel: $('members-panel'),
  membersTitle: $('members-title'),
  addMemberForm: $('add-member-form'),
  addMemberInput: $('add-member-input'),
  membersError: $('members-error'),
  members: $('members'),
};

const STATE_TEXT = { connected: 'connected', connecting: 'connecting…', offline: 'offline' };

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(className, text, label) {
  const b = make('button', className, text);
  b.type = 'button';
  if (label) b.setAttribute('aria-label', label);
  return b;
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
  ui.searchForm.hidden = !name;
  if (!name) closeSearch();
  ui.me.textContent = name ?? '';
}

export function renderConnection(state) {
  ui.connection.textContent = STATE_TEXT[state] ?? state;
  ui.connection.dataset.state = state;
}

export function renderRooms(rooms, currentId, me) {
  const items = rooms.map((r) => {
    const direct = isDirect(r.id);
    const li = make('li');
    li.dataset.room = r.id;
    li.classList.toggle('current', r.id === currentId);
    li.classList.toggle('not-member', !r.member);
    li.classList.toggle('private', r.summary?.visibility === 'private');
    li.classList.toggle('direct', direct);
    // A direct room's topic is the other person's name, which is already its title.
    if (r.summary?.topic && !direct) li.title = r.summary.topic;
    const link = button('room-link');
    if (r.id === currentId) link.setAttribute('aria-current', 'true');
    link.append(make('span', 'room-name', roomTitle(r.id, me)));
    // Both are private; the padlock would say nothing a direct room does not.
    if (r.summary?.visibility === 'private' && !direct) link.append(make('span', 'lock', 'private'));
    if (r.id !== currentId && (r.unseenMentions.size > 0 || r.mentions > 0)) {
      const at = make('span', 'mention-badge', '@');
      at.title = 'You were mentioned';
      at.setAttribute('aria-label', 'mentioned');
      link.append(at);
    }
    if (r.unread > 0 && r.id !== currentId) link.append(make('span', 'badge', String(r.unread)));
    li.append(link);
    return li;
  });
  ui.rooms.replaceChildren(...items);
}

export function formatTime(ts) {
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

function messageNode(item, me, moderator) {
  const li = make('li', 'message');
  li.dataset.seq = String(item.seq);
  const own = item.sender === me;
  li.classList.toggle('own', own);
  li.classList.toggle('deleted', item.deleted);

  const meta = make('div', 'meta');
  meta.append(make('span', 'sender', item.sender), timeNode(item.ts));
  if (item.edited && !item.deleted) {
    const mark = make('span', 'edited', '(edited)');
    if (item.editedTs) mark.title = `edited ${new Date(item.editedTs).toLocaleString()}`;
    meta.append(mark);
  }
  if (!item.deleted && (own || moderator)) {
    const actions = make('span', 'actions');
    if (own) actions.append(button('edit', 'Edit', 'Edit message'));
    actions.append(button('delete', 'Delete', 'Delete message'));
    meta.append(actions);
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
  if (item.state === 'failed') meta.append(button('discard', 'Discard'));
  li.append(meta, make('div', 'text', item.text));
  return li;
}

/** The in-place editor of one message: Enter saves, Shift+Enter adds a line, Escape cancels. */
export function makeEditor(text) {
  const box = make('div', 'editor');
  const input = make('textarea', 'edit-input');
  input.value = text;
  input.rows = Math.min(8, text.split('\n').length);
  input.setAttribute('aria-label', 'Edit message');
  const bar = make('div', 'editor-bar');
  bar.append(make('span', 'hint', 'Enter saves · Esc cancels'), button('cancel-edit link', 'Cancel'), button('save-edit primary', 'Save'));
  box.append(input, bar);
  return { box, input };
}

// ---- the message list --------------------------------------------------------------

// Items are immutable (edits replace them), so a node per item object can be
// reused; unchanged nodes stay in the DOM and keep any text selection.
const nodes = new WeakMap(); // item → {node, moderator}
// The list's edges (older history, holes) are keyed by what they stand for: when a load moves
// an edge, a new node replaces it, and observing the new node says at once whether it is in view.
let markers = new Map();
let shownRoom = null;
let editingNode = null;
let editingBox = null;
let edgeObserver = null;

/**
 * Calls onEdge({kind: 'older'}) or onEdge({kind: 'hole', after, before, below}) when an edge of
 * the loaded history comes near the visible part of the list: scroll-back with no button to press.
 */
export function watchEdges(onEdge) {
  edgeObserver = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting || !e.target.isConnected) continue;
      const d = e.target.dataset;
      if (d.edge === 'older') onEdge({ kind: 'older' });
      else if (d.edge === 'hole') {
        // Reached from above (scrolling down) the hole fills from its top, else from its bottom.
        const list = e.rootBounds ?? ui.messages.getBoundingClientRect();
        const below = e.boundingClientRect.top > list.top + list.height / 2;
        onEdge({ kind: 'hole', after: Number(d.after), before: Number(d.before), below });
      }
    }
  }, { root: ui.messages, rootMargin: '300px 0px' });
}

function marker(key, build) {
  let node = markers.get(key);
  if (!node) {
    node = build();
    markers.set(key, node);
    if (node.dataset.edge) edgeObserver?.observe(node);
  }
  return node;
}

function olderEdge(room, loadingOlder, me) {
  if (!room.hasMore) {
    const text = isDirect(room.id)
      ? `This is the beginning of your conversation with ${roomTitle(room.id, me)}.`
      : `This is the beginning of ${room.id}.`;
    return marker(`begin:${room.id}`, () => make('li', 'edge beginning', text));
  }
  const node = marker(`older:${room.id}:${room.firstSeq()}`, () => {
    const li = make('li', 'edge older');
    li.dataset.edge = 'older';
    const b = button('link load-older', 'Load older messages');
    b.id = 'load-older';
    li.append(b);
    return li;
  });
  const b = node.firstChild;
  b.disabled = loadingOlder;
  b.textContent = loadingOlder ? 'Loading older messages…' : 'Load older messages';
  return node;
}

function holeEdge(room, hole) {
  return marker(`hole:${room.id}:${hole.after}:${hole.before}`, () => {
    const li = make('li', 'edge gap');
    li.dataset.edge = 'hole';
    li.dataset.after = String(hole.after);
    li.dataset.before = String(hole.before);
    li.append(button('link load-gap', 'Load more messages'));
    return li;
  });
}

/** The topmost item node in view, and how far below the list's top edge it is. */
function findAnchor(list) {
  for (const node of list.children) {
    if (node.dataset.seq && node.offsetTop + node.offsetHeight > list.scrollTop) {
      return { seq: node.dataset.seq, offset: node.offsetTop - list.scrollTop };
    }
  }
  return null;
}

/**
 * Render the current room: its edge (older history, or its beginning), stored items in seq
 * order with a marker in each hole, then our unconfirmed messages. Sticks to the bottom if the
 * reader was there; otherwise the item at the top of the view stays where it is, whatever was
 * added above or below it.
 *
 * @param {object} o {pending, me, connected, moderator, editing: {seq, box}?, flashSeq?, loadingOlder, isMention(item)}
 */
export function renderRoom(room, o) {
  const direct = Boolean(room && isDirect(room.id));
  ui.currentRoom.textContent = room ? roomTitle(room.id, o.me) : 'No room selected';
  const visibility = room?.details?.visibility ?? room?.summary?.visibility;
  ui.roomVisibility.hidden = visibility !== 'private' && !direct;
  ui.roomVisibility.textContent = direct ? 'direct message' : 'private';
  const topic = direct ? '' : room?.details?.topic ?? room?.summary?.topic ?? '';
  ui.roomTopic.textContent = topic;
  ui.roomTopic.hidden = !topic;
  // Leaving a direct room could not be undone: POST /api/dms reopens it only for its members.
  ui.leave.hidden = !room?.member || direct;
  ui.toggleMembers.hidden = !room?.member;
  const canWrite = Boolean(room?.member);
  ui.composer.disabled = !canWrite;
  ui.send.disabled = !canWrite;

  const list = ui.messages;
  const switched = shownRoom !== room;
  if (switched) {
    for (const node of markers.values()) edgeObserver?.unobserve(node);
    markers = new Map();
  }
  shownRoom = room;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const anchor = switched || atBottom ? null : findAnchor(list);

  const wanted = [];
  const used = new Set();
  if (room) {
    if (room.loaded) wanted.push(olderEdge(room, o.loadingOlder, o.me));
    const holes = room.loaded ? room.holes() : [];
    let h = 0;
    for (const item of room.sorted()) {
      while (h < holes.length && item.seq >= holes[h].before) wanted.push(holeEdge(room, holes[h++]));
      let cached = nodes.get(item);
      if (!cached || cached.moderator !== o.moderator) {
        const node = item.kind === 'system' ? systemNode(item) : messageNode(item, o.me, o.moderator);
        nodes.set(item, (cached = { node, moderator: o.moderator }));
      }
      const node = cached.node;
      node.classList.toggle('flash', item.seq === o.flashSeq);
      node.classList.toggle('mention', o.isMention(item));
      wanted.push(node);
    }
    for (const item of o.pending) wanted.push(pendingNode(item, o.me, o.connected));
  }
  for (const node of wanted) used.add(node);

  // The editor lives in the node of the message being edited, across renders.
  const editItem = o.editing && room?.items.get(o.editing.seq);
  const editNode = editItem ? nodes.get(editItem)?.node : null;
  if (editingNode && editingNode !== editNode) editingNode.classList.remove('editing');
  if (editingBox && editingBox !== o.editing?.box) editingBox.remove();
  if (editNode) {
    editNode.classList.add('editing');
    if (o.editing.box.parentNode !== editNode) editNode.append(o.editing.box);
  }
  editingNode = editNode ?? null;
  editingBox = editNode ? o.editing.box : null;

  // Walk the list once, inserting or moving only what differs.
  wanted.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
  });
  while (list.children.length > wanted.length) list.lastElementChild.remove();
  for (const [key, node] of markers) {
    if (!used.has(node)) {
      edgeObserver?.unobserve(node);
      markers.delete(key);
    }
  }

  if (switched || atBottom) {
    list.scrollTop = list.scrollHeight;
  } else if (anchor) {
    const node = wanted.find((n) => n.dataset.seq === anchor.seq);
    if (node) list.scrollTop = node.offsetTop - anchor.offset;
  }

  const now = Date.now();
  const typists = room ? [...room.typing].filter(([, until]) => until > now).map(([user]) => user) : [];
  ui.typing.textContent = typists.length === 0 ? ''
    : typists.length === 1 ? `${typists[0]} is typing…` : `${typists.join(', ')} are typing…`;
}

/** Scrolls the message with this seq to the middle of the list; false if it is not on screen. */
export function revealMessage(seq) {
  const node = ui.messages.querySelector(`li[data-seq="${Number(seq)}"]`);
  if (!node) return false;
  node.scrollIntoView({ block: 'center' });
  return true;
}

// ---- members ---------------------------------------------------------------------------

const ROLE_ORDER = { owner: 0, moderator: 1, member: 2 };

/**
 * The member list of the room, with what the user may do to each member.
 * @param {object} o {me, myRole, open, outranks(role, other)}
 */
export function renderMembers(room, o) {
  const members = room?.member && room.details?.members ? [...room.details.members] : null;
  ui.membersPanel.hidden = !members || !o.open;
  ui.toggleMembers.setAttribute('aria-expanded', String(Boolean(members && o.open)));
  if (!members) {
    ui.members.replaceChildren();
    return;
  }
  // A big room sends its first page of members and its count, not every member.
  const count = Math.max(room.details.memberCount ?? 0, members.length);
  ui.membersTitle.textContent = `Members (${count})`;
  ui.toggleMembers.textContent = `Members (${count})`;
  const isPrivate = room.details.visibility === 'private';
  ui.addMemberForm.hidden = !(isPrivate && (o.myRole === 'owner' || o.myRole === 'moderator'));

  members.sort((a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3) || userName(a.user).localeCompare(userName(b.user)));
  ui.members.replaceChildren(...members.map((m) => {
    const name = userName(m.user);
    const li = make('li', 'member');
    li.dataset.user = name;
    li.dataset.role = m.role;
    li.classList.toggle('online', Boolean(m.online));
    const who = make('div', 'who');
    const dot = make('span', 'dot');
    dot.title = m.online ? 'online' : 'offline';
    // Anyone else's name opens the direct-message room with them, unless this is that room.
    const direct = name !== o.me && !isDirect(room.id);
    who.append(dot, direct ? button('member-name dm', name, `Message ${name} directly`) : make('span', 'member-name', name));
    if (direct) who.lastChild.title = `Message ${name} directly`;
    if (name === o.me) who.append(make('span', 'you', '(you)'));
    if (m.role !== 'member') who.append(make('span', `role ${m.role}`, m.role));
    li.append(who);
    if (name !== o.me && o.outranks(o.myRole, m.role)) {
      const actions = make('div', 'member-actions');
      if (o.myRole === 'owner') {
        const promote = m.role === 'moderator'
          ? button('role-change', 'Demote', `Make ${name} a plain member`)
          : button('role-change', 'Promote', `Make ${name} a moderator`);
        promote.title = promote.getAttribute('aria-label');
        promote.dataset.role = m.role === 'moderator' ? 'member' : 'moderator';
        actions.append(promote);
      }
      actions.append(button('kick', 'Kick', `Remove ${name} from the room`), button('ban', 'Ban', `Ban ${name} from the room`));
      li.append(actions);
    }
    return li;
  }));
  if (count > members.length) {
    ui.members.append(make('li', 'member more', `and ${count - members.length} more`));
  }
}

// ---- search ----------------------------------------------------------------------------

/**
 * A snippet whose matched words stand between « and », as text nodes and <mark> elements.
 * A marker without its partner is shown as the character it is.
 */
export function snippetNodes(snippet) {
  const out = [];
  let rest = snippet ?? '';
  for (;;) {
    const open = rest.indexOf('«');
    const close = open < 0 ? -1 : rest.indexOf('»', open + 1);
    if (open < 0 || close < 0) {
      if (rest) out.push(document.createTextNode(rest));
      return out;
    }
    if (open > 0) out.push(document.createTextNode(rest.slice(0, open)));
    out.push(make('mark', 'hit', rest.slice(open + 1, close)));
    rest = rest.slice(close + 1);
  }
}

export function closeSearch() {
  ui.searchResults.hidden = true;
  ui.searchList.replaceChildren();
}

/** @param {{results?: object[], error?: string, loading?: boolean, me?: string}} state */
export function renderSearch(query, state) {
  ui.searchResults.hidden = false;
  const results = state.results ?? [];
  ui.searchSummary.textContent = state.loading ? `Searching for “${query}”…`
    : state.error ? state.error
    : results.length === 0 ? `No messages match “${query}”.`
    : `${results.length} ${results.length === 1 ? 'message matches' : 'messages match'} “${query}”`;
  ui.searchSummary.classList.toggle('error-text', Boolean(state.error));
  ui.searchList.replaceChildren(...results.map((r) => {
    const li = make('li');
    const hit = button('search-hit');
    hit.dataset.room = r.room;
    hit.dataset.seq = String(r.seq);
    const meta = make('span', 'meta');
    meta.append(make('span', 'hit-room', roomTitle(r.room, state.me)), make('span', 'sender', userName(r.sender)), timeNode(r.ts));
    hit.append(meta, make('span', 'snippet'));
    hit.lastChild.append(...snippetNodes(r.snippet || r.text));
    li.append(hit);
    return li;
  }));
}
