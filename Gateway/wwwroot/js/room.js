// One room as the page holds it. Each room has one gap-free sequence of events (PROTOCOL.md). A
// room keeps the items it has seen in a Map seq → item and the highest seq applied (`lastSeq`):
// anything at or below lastSeq is a duplicate, anything above lastSeq + 1 a gap.
// History arrives in pages, so a room also knows which seq ranges it holds in full
// (`spans`): older pages extend the first one back, a jump to an old message adds
// one further back, and the ranges between are holes the page offers to fill.

import { userName } from './rules.js';

/** A stored message (history or join reply) as a list item. */
export function messageItem(m) {
  return {
    kind: 'message',
    seq: m.seq,
    sender: userName(m.sender),
    text: m.text ?? '',
    ts: m.ts,
    edited: Boolean(m.editedTs),
    editedTs: m.editedTs,
    deleted: Boolean(m.deleted),
    clientMsgId: m.clientMsgId,
    replyTo: Number.isInteger(m.replyTo) ? m.replyTo : undefined,
    reactions: (m.reactions ?? []).map((r) => ({ emoji: r.emoji, users: (r.users ?? []).map(userName) })),
    attachments: m.attachments ?? [],
  };
}

export function systemText(ev) {
  const user = userName(ev.user);
  const by = userName(ev.sender);
  switch (ev.kind) {
    case 'join': return by && by !== user ? `${by} added ${user}` : `${user} joined`;
    case 'leave': return `${user} left`;
    case 'kick': return `${user} was removed by ${by}`;
    case 'ban': return `${user} was banned by ${by}`;
    case 'topic': return `${by} set the topic: ${ev.text ?? ''}`;
    case 'unban': return `${user} was unbanned by ${by}`;
    case 'role': return ev.role === 'owner' ? `${user} is now the owner` : `${user} is now ${ev.role === 'moderator' ? 'a moderator' : 'a member'}`;
    default: return null;
  }
}

/** A message item after an edit or delete event; items are replaced, never mutated, so the view can cache a node per item. */
export function changed(item, ev) {
  return ev.kind === 'edit'
    ? { ...item, text: ev.text ?? '', edited: true, editedTs: ev.ts }
    : { ...item, text: '', deleted: true, reactions: [] };
}

/**
 * A message item after a reaction or unreaction event: the sender added to or taken from the
 * emoji's users (a new emoji goes last, an emoji nobody is left under goes). Applying an event the
 * item already reflects changes nothing, so events may be applied over a page read after them.
 */
export function reacted(item, ev) {
  const user = userName(ev.sender);
  const reactions = item.reactions.map((r) => ({ ...r }));
  let entry = reactions.find((r) => r.emoji === ev.emoji);
  if (ev.kind === 'reaction') {
    if (!entry) reactions.push((entry = { emoji: ev.emoji, users: [] }));
    if (!entry.users.includes(user)) entry.users = [...entry.users, user];
  } else if (entry) {
    entry.users = entry.users.filter((u) => u !== user);
  }
  return { ...item, reactions: reactions.filter((r) => r.users.length > 0) };
}

export class Room {
  constructor(id) {
    this.id = id;
    this.summary = null;     // latest RoomSummary / Room from the server
    this.member = false;     // the user belongs to it, so its events reach us
    this.listed = false;     // in GET /api/rooms (public rooms, or ours)
    this.items = new Map();  // seq → message or system item
    this.lastSeq = 0;
    this.loaded = false;     // history fetched: lastSeq is ours, worth resuming from
    this.spans = [];         // [lo, hi] seq ranges, ascending and apart, whose messages are all in items
    this.changes = new Map(); // target seq → latest edit/delete event of a message not loaded yet
    this.reactionEvents = new Map(); // target seq → reaction events of a message not loaded yet, in order
    this.quotes = new Map(); // seq → a message replied to but not loaded: what its reply's preview shows
    this.details = null;     // Room with members (join reply, GET /api/rooms/{id}), when known
    this.unread = 0;
    this.unreadAt = 0;       // the seq the server counted `unread` up to; later messages are counted here
    this.mentionSeqs = new Set();    // seqs a mention frame named: highlighted even if the text does not say so to us
    this.unseenMentions = new Set(); // of those, the ones not yet read: the room list marks the room
    this.mentions = 0;       // unread messages naming us, as the server last counted (hello, `unread`)
    this.readMarker = 0;     // the newest lastReadSeq an `unread` frame brought
    this.typing = new Map(); // user → time the indicator expires
  }

  sorted() {
    return [...this.items.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Older messages may exist before everything loaded. */
  get hasMore() {
    return this.loaded && this.spans.length > 0 && this.spans[0][0] > 1;
  }

  /** The first seq of the loaded history; a page of older messages ends just before it. */
  firstSeq() {
    return this.spans.length ? this.spans[0][0] : this.lastSeq + 1;
  }

  /** Every message with lo <= seq <= hi is now in items. */
  cover(lo, hi) {
    if (!(hi >= lo)) return;
    const merged = [];
    for (const [l, h] of [...this.spans, [lo, hi]].sort((a, b) => a[0] - b[0])) {
      const last = merged.at(-1);
      if (last && l <= last[1] + 1) last[1] = Math.max(last[1], h);
      else merged.push([l, h]);
    }
    this.spans = merged;
  }

  /** The ranges between loaded spans where messages may be missing, as exclusive bounds. */
  holes() {
    const holes = [];
    for (let i = 1; i < this.spans.length; i++) holes.push({ after: this.spans[i - 1][1], before: this.spans[i][0] });
    return holes;
  }

  isCovered(seq) {
    return this.spans.some(([lo, hi]) => lo <= seq && seq <= hi);
  }

  /** The role the user holds here, from the last member list seen. */
  roleOf(user) {
    return this.details?.members?.find((m) => userName(m.user) === user)?.role ?? null;
  }
}
