// The page's model of rooms and messages, free of DOM and socket code.
// Each room has one gap-free sequence of events (PROTOCOL.md). A room keeps the
// items it has seen in a Map seq → item and the highest seq applied (`lastSeq`):
// anything at or below lastSeq is a duplicate, anything above lastSeq + 1 a gap.

export const ROOM_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_TEXT = 4000;

/** Users arrive as `{id, name}` objects or plain names; the page shows names. */
export function userName(u) {
  return typeof u === 'string' ? u : (u?.name ?? u?.id ?? '');
}

/** crypto.randomUUID exists only in secure contexts (https, localhost). */
export function newClientMsgId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** A stored message (history or join reply) as a list item. */
function messageItem(m) {
  return {
    kind: 'message',
    seq: m.seq,
    sender: userName(m.sender),
    text: m.text ?? '',
    ts: m.ts,
    edited: Boolean(m.editedTs),
    deleted: Boolean(m.deleted),
    clientMsgId: m.clientMsgId,
  };
}

function systemText(ev) {
  const user = userName(ev.user);
  const by = userName(ev.sender);
  switch (ev.kind) {
    case 'join': return `${user} joined`;
    case 'leave': return `${user} left`;
    case 'kick': return `${user} was removed by ${by}`;
    case 'ban': return `${user} was banned by ${by}`;
    case 'topic': return `${by} set the topic: ${ev.text ?? ''}`;
    default: return null;
  }
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
    this.hasMore = false;    // older messages exist before the oldest item
    this.unread = 0;
    this.typing = new Map(); // user → time the indicator expires
  }

  sorted() {
    return [...this.items.values()].sort((a, b) => a.seq - b.seq);
  }

  oldestSeq() {
    let min = Infinity;
    for (const seq of this.items.keys()) min = Math.min(min, seq);
    return min === Infinity ? this.lastSeq + 1 : min;
  }
}

export class ChatStore {
  me = '';
  rooms = new Map();
  /** Messages not yet confirmed, oldest first: {clientMsgId, room, text, ts, state, error?} */
  outbox = [];

  room(id) {
    let r = this.rooms.get(id);
    if (!r) this.rooms.set(id, (r = new Room(id)));
    return r;
  }

  /** The rooms to list: ours and the public ones, by id. */
  visibleRooms() {
    return [...this.rooms.values()].filter((r) => r.member || r.listed).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The hello reply's rooms are exactly the rooms we belong to. */
  setMemberRooms(summaries) {
    const ids = new Set();
    for (const s of summaries ?? []) {
      ids.add(s.id);
      const r = this.room(s.id);
      r.member = true;
      r.summary = s;
      r.unread = s.unread ?? 0;
      // A loaded room's lastSeq advances only by applying events, or the
      // events the resume is about to replay would look like duplicates.
      if (!r.loaded) r.lastSeq = Math.max(r.lastSeq, s.lastSeq ?? 0);
    }
    for (const r of this.rooms.values()) {
      if (r.member && !ids.has(r.id)) this.forget(r); // left or removed while we were away
    }
  }

  /** GET /api/rooms: public rooms plus ours. Says nothing about membership. */
  setListedRooms(summaries) {
    const ids = new Set();
    for (const s of summaries ?? []) {
      ids.add(s.id);
      const r = this.room(s.id);
      r.listed = true;
      r.summary = { ...r.summary, ...s };
      if (!r.loaded) r.lastSeq = Math.max(r.lastSeq, s.lastSeq ?? 0);
    }
    for (const r of this.rooms.values()) if (!ids.has(r.id)) r.listed = false;
  }

  /** We are no longer a member: drop what we had, a later join reloads it. */
  forget(room) {
    room.member = false;
    room.loaded = false;
    room.items.clear();
    room.hasMore = false;
    room.unread = 0;
  }

  /** {roomId: lastSeq} for the hello of a reconnect. */
  resume() {
    const resume = {};
    for (const r of this.rooms.values()) if (r.member && r.loaded) resume[r.id] = r.lastSeq;
    return resume;
  }

  /**
   * Apply a server `event` frame. Returns null for a duplicate, else
   * {room, gap} where gap = {after, before} names seqs we never saw.
   */
  applyEvent(ev) {
    const room = this.room(ev.room);
    if (!Number.isInteger(ev.seq) || ev.seq <= room.lastSeq) return null;
    const gap = room.loaded && ev.seq > room.lastSeq + 1 ? { after: room.lastSeq, before: ev.seq } : null;
    room.lastSeq = ev.seq;
    room.member = true; // events only flow for rooms we belong to

    switch (ev.kind) {
      case 'message': {
        // Our own send may have been confirmed already; keep that item.
        if (!room.items.has(ev.seq)) room.items.set(ev.seq, messageItem(ev));
        if (ev.clientMsgId) this.outbox = this.outbox.filter((o) => o.clientMsgId !== ev.clientMsgId);
        room.typing.delete(userName(ev.sender));
        break;
      }
      case 'edit':
      case 'delete': {
        // Items are replaced, never mutated, so the view can cache a node per item.
        const target = room.items.get(ev.target);
        if (target?.kind !== 'message') break; // not loaded: history will bring it as it is now
        room.items.set(ev.target, ev.kind === 'edit'
          ? { ...target, text: ev.text ?? '', edited: true }
          : { ...target, text: '', deleted: true });
        break;
      }
      default: {
        const text = systemText(ev);
        if (text !== null) room.items.set(ev.seq, { kind: 'system', seq: ev.seq, ts: ev.ts, text });
        const gone = ['leave', 'kick', 'ban'].includes(ev.kind) && userName(ev.user) === this.me;
        if (gone) {
          room.member = false;
          room.loaded = false; // no more events will come, so lastSeq stops being ours
        }
      }
    }
    return { room, gap };
  }

  /**
   * Merge stored messages (history or join reply). Items we already hold win:
   * live events applied to them are at least as fresh as the page.
   * With `replace`, the page becomes the truth (resync): older items are dropped.
   */
  mergeMessages(room, messages, { replace = false } = {}) {
    if (replace) {
      const newest = messages.reduce((max, m) => Math.max(max, m.seq), 0);
      for (const seq of room.items.keys()) if (seq <= newest) room.items.delete(seq);
    }
    for (const m of messages ?? []) {
      if (!room.items.has(m.seq)) room.items.set(m.seq, messageItem(m));
      room.lastSeq = Math.max(room.lastSeq, m.seq);
    }
  }

  /** Queue a message to send; it stays in the outbox until the server confirms it. */
  queue(roomId, text) {
    const item = { clientMsgId: newClientMsgId(), room: roomId, text, ts: new Date().toISOString(), state: 'queued' };
    this.outbox.push(item);
    return item;
  }

  /** A send was confirmed ({seq, ts}); show it stored even if its event is still on the way. */
  confirm(item, data) {
    this.outbox = this.outbox.filter((o) => o.clientMsgId !== item.clientMsgId);
    const room = this.room(item.room);
    // lastSeq stays put: the event with this seq still has to come to close the sequence.
    if (Number.isInteger(data?.seq) && !room.items.has(data.seq)) {
      room.items.set(data.seq, {
        kind: 'message', seq: data.seq, sender: this.me, text: item.text,
        ts: data.ts ?? item.ts, edited: false, deleted: false, clientMsgId: item.clientMsgId,
      });
    }
  }

  discard(clientMsgId) {
    this.outbox = this.outbox.filter((o) => o.clientMsgId !== clientMsgId);
  }
}
