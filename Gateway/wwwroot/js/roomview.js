// The room on screen: its header, the message list with the edges of the loaded history, and
// who is typing.

import { isDirect, roomTitle } from './rules.js';
import { ui, make, button } from './ui.js';
import { messageNode, systemNode, pendingNode } from './messageitems.js';
import { continues, dayKey, dayLabel, firstUnreadSeq } from './grouping.js';
import { renderJump } from './jumplatest.js';

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
// The "new messages" line of the room on screen: placed once, when the room is first shown loaded.
let newLine = { room: null, seq: undefined };
let quietTimer = 0;

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

function dayEdge(room, ts, today) {
  return marker(`day:${room.id}:${dayKey(ts)}:${today}`, () => {
    const li = make('li', 'day-line');
    li.append(make('span', 'day-label', dayLabel(ts)));
    return li;
  });
}

function newMessagesEdge(room, seq) {
  return marker(`new:${room.id}:${seq}`, () => {
    const li = make('li', 'new-line');
    li.append(make('span', 'new-label', 'New messages'));
    return li;
  });
}

/**
 * The log announces what is added to it. Pages of history inserted above (or in a hole), and a
 * room's first messages, are not news: the list falls silent for them.
 */
function quietFor(ms) {
  ui.messageLog.setAttribute('aria-live', 'off');
  clearTimeout(quietTimer);
  quietTimer = setTimeout(() => ui.messageLog.setAttribute('aria-live', 'polite'), ms);
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
 * @param {object} o {pending, me, connected, moderator, editing: {seq, box}?, flashSeq?, loadingOlder, isMention(item), quoteOf(seq)}
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
  if (newLine.room !== room) newLine = { room, seq: undefined, placed: false };
  if (room?.loaded && !newLine.placed) {
    newLine = { room, seq: firstUnreadSeq(room.sorted(), room.unread, o.me), placed: true };
  }
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const anchor = switched || atBottom ? null : findAnchor(list);

  const wanted = [];
  const used = new Set();
  if (room) {
    if (room.loaded) wanted.push(olderEdge(room, o.loadingOlder, o.me));
    const holes = room.loaded ? room.holes() : [];
    let h = 0;
    let prev = null;
    const today = dayKey(Date.now());
    for (const item of room.sorted()) {
      while (h < holes.length && item.seq >= holes[h].before) {
        wanted.push(holeEdge(room, holes[h++]));
        prev = null;
      }
      if (item.ts && dayKey(item.ts) !== dayKey(prev?.ts)) wanted.push(dayEdge(room, item.ts, today));
      if (item.seq === newLine.seq) wanted.push(newMessagesEdge(room, item.seq));
      let cached = nodes.get(item);
      // A reply's node shows its original too: a new original (edited, deleted, fetched) rebuilds it.
      const quoted = item.replyTo !== undefined ? o.quoteOf(item.replyTo) : undefined;
      if (!cached || cached.moderator !== o.moderator || cached.quoted !== quoted) {
        const node = item.kind === 'system' ? systemNode(item) : messageNode(item, o.me, o.moderator, quoted);
        nodes.set(item, (cached = { node, moderator: o.moderator, quoted }));
      }
      const node = cached.node;
      node.classList.toggle('flash', item.seq === o.flashSeq);
      node.classList.toggle('mention', o.isMention(item));
      node.classList.toggle('continued', item.seq !== newLine.seq && continues(prev, item));
      wanted.push(node);
      prev = item;
    }
    for (const item of o.pending) {
      const node = pendingNode(item, o.me, o.connected);
      const pending = { kind: 'message', sender: o.me, ts: item.ts };
      node.classList.toggle('continued', continues(prev, pending));
      wanted.push(node);
      prev = pending;
    }
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

  // Anything new placed above the newest message already shown is history, not news.
  const before = new Set(list.children);
  const lastShown = [...list.children].findLast((n) => n.dataset.seq);
  const lastAt = lastShown ? wanted.indexOf(lastShown) : -1;
  if (switched || !room?.loaded || wanted.some((n, i) => i < lastAt && !before.has(n))) quietFor(1000);
  ui.messageLog.setAttribute('aria-busy', String(Boolean(room && !room.loaded)));

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

  const lineNode = newLine.seq !== undefined && !newLine.shown ? markers.get(`new:${room.id}:${newLine.seq}`) : null;
  if (lineNode) {
    // Opened with unread messages: the reader starts at the first of them.
    newLine.shown = true;
    list.scrollTop = Math.min(list.scrollHeight, lineNode.offsetTop - 8);
  } else if (switched || atBottom) {
    list.scrollTop = list.scrollHeight;
  } else if (anchor) {
    const node = wanted.find((n) => n.dataset.seq === anchor.seq);
    if (node) list.scrollTop = node.offsetTop - anchor.offset;
  }

  renderJump(room, o.me);

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
