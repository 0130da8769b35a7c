// The page's model of rooms and messages, free of DOM and socket code: the rooms (room.js) the
// user belongs to or sees listed, the events and history pages applied to them, and the outbox.

import { userName, isDirect } from './rules.js';
import { Room, messageItem, systemText, changed, reacted } from './room.js';

/** crypto.randomUUID exists only in secure contexts (https, localhost). */
export function newClientMsgId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** Remembered edits and deletes of messages not loaded: enough for any page in flight. */
const MAX_CHANGES = 1000;

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
      r.unreadAt = s.lastSeq ?? 0;
      r.mentions = s.mentions ?? 0;
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
    room.spans = [];
    room.changes.clear();
    room.reactionEvents.clear();
    room.quotes.clear();
    room.details = null;
    room.unread = 0;
    room.mentionSeqs.clear();
    room.unseenMentions.clear();
    room.mentions = 0;
    room.readMarker = 0;
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
    // The live span grows with each event; a gap in it is fetched (fillGap) or the room resynced.
    if (room.loaded) room.cover(room.lastSeq + 1, ev.seq);
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
        room.mentionSeqs.delete(ev.target); // from now on the text says whether it names us
        const target = room.items.get(ev.target);
        const quote = room.quotes.get(ev.target);
        if (quote) room.quotes.set(ev.target, changed(quote, ev)); // a reply's preview shows the change too
        if (target?.kind === 'message') {
          room.items.set(ev.target, changed(target, ev));
        } else if (room.loaded) {
          // Not loaded: a history page on its way may have been read before this change.
          room.changes.delete(ev.target);
          room.changes.set(ev.target, ev);
          if (room.changes.size > MAX_CHANGES) room.changes.delete(room.changes.keys().next().value);
        }
        break;
      }
      case 'reaction':
      case 'unreaction': {
        const target = room.items.get(ev.target);
        if (target?.kind === 'message') {
          room.items.set(ev.target, reacted(target, ev));
        } else if (room.loaded) {
          // As with edits: a page on its way may have been read before this event; applied over it, it changes nothing.
          const events = room.reactionEvents.get(ev.target) ?? [];
          room.reactionEvents.delete(ev.target);
          room.reactionEvents.set(ev.target, [...events, ev]);
          if (room.reactionEvents.size > MAX_CHANGES) room.reactionEvents.delete(room.reactionEvents.keys().next().value);
        }
        break;
      }
      default: {
        // A direct room is made with both people in it: "x joined" and "x added y" would say nothing.
        const text = isDirect(room.id) && ev.kind === 'join' ? null : systemText(ev);
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
   * A message event the user has not seen on screen: one more unread, unless it is their own or
   * the server's count (hello, an `unread` frame) already included it.
   */
  countUnread(room, ev) {
    if (ev.kind === 'message' && userName(ev.sender) !== this.me && ev.seq > room.unreadAt) room.unread++;
  }

  /**
   * An `unread` frame: the counts (unread, and of those naming us) as of the events applied so
   * far, after a read on some device. Frames may arrive out of order; read markers only move
   * forward, so one about an older marker than the last is stale and changes nothing.
   */
  setUnread(room, count, lastReadSeq, mentions) {
    if (lastReadSeq < room.readMarker) return;
    room.readMarker = lastReadSeq;
    room.unread = count;
    room.mentions = mentions;
    room.unreadAt = room.lastSeq;
    for (const seq of room.unseenMentions) if (seq <= lastReadSeq) room.unseenMentions.delete(seq);
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
      room.spans = [];
    }
    for (const m of messages ?? []) {
      if (!room.items.has(m.seq)) {
        const change = room.changes.get(m.seq);
        let item = change ? changed(messageItem(m), change) : messageItem(m);
        if (!item.deleted) for (const ev of room.reactionEvents.get(m.seq) ?? []) item = reacted(item, ev);
        room.items.set(m.seq, item);
        room.quotes.delete(m.seq); // loaded now: previews read the item
      }
      room.lastSeq = Math.max(room.lastSeq, m.seq);
    }
  }

  /**
   * A page of history (ascending): its messages join the room and the seq range it spans is
   * marked loaded. `before` (a page older than that seq) or `after` (newer than that seq) is
   * the request; hasMore says whether the server has more beyond the page's far end.
   */
  mergePage(room, { messages = [], hasMore = false }, { before, after }) {
    if (after !== undefined) {
      // Only what our events have reached: anything newer still comes as events, in order.
      const page = messages.filter((m) => m.seq <= room.lastSeq);
      this.mergeMessages(room, page);
      room.cover(after + 1, hasMore && messages.length ? Math.min(messages.at(-1).seq, room.lastSeq) : room.lastSeq);
    } else {
      this.mergeMessages(room, messages);
      room.cover(hasMore && messages.length ? messages[0].seq : 1, before - 1);
    }
  }

  /** Our own edit was stored: show it now rather than when its event arrives. */
  edited(room, seq, text) {
    const item = room.items.get(seq);
    if (item?.kind === 'message' && !item.deleted) room.items.set(seq, { ...item, text, edited: true });
  }

  /** Queue a message to send (a reply to `replyTo`, if given); it stays in the outbox until the server confirms it. */
  queue(roomId, text, replyTo) {
    const item = { clientMsgId: newClientMsgId(), room: roomId, text, ts: new Date().toISOString(), state: 'queued', replyTo };
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
        ts: data.ts ?? item.ts, edited: false, editedTs: undefined, deleted: false, clientMsgId: item.clientMsgId,
        replyTo: item.replyTo, reactions: [], attachments: item.attachments ?? [],
      });
    }
  }

  discard(clientMsgId) {
    this.outbox = this.outbox.filter((o) => o.clientMsgId !== clientMsgId);
  }
}
