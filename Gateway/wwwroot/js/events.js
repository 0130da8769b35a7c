// Frames the server sends unasked (PROTOCOL.md "Server frames"): room events, resync, presence,
// unread counts, mentions, typing and profile changes. Each changes the page's state, then one
// render shows it.

import { userName, roomTitle } from './rules.js';
import { WaitingMentions } from './mentions.js';
import { notify } from './notifications.js';
import { page, onScreen } from './page.js';
import { saved } from './saved.js';
import { render, notice } from './render.js';
import { fillGap, resync, jumpTo } from './history.js';
import { refreshDetailsSoon, presenceChanged } from './members.js';
import { markReadSoon } from './readmarkers.js';
import { someoneTyping } from './typing.js';
import { invited } from './invitations.js';
import { profileChanged } from './profiles.js';

/** Server frames that are not answers to our requests. */
export function receive(frame) {
  const { store, currentId } = page;
  switch (frame.type) {
    case 'event': {
      const applied = store.applyEvent(frame);
      if (!applied) return; // duplicate
      const { room } = applied;
      if (applied.gap) fillGap(room, applied.gap);
      if (!room.member) {
        room.details = null;
        if (frame.room === currentId) notice('You are no longer a member of this room.');
      }
      if (frame.room === currentId) markReadSoon();
      if (frame.kind === 'message') {
        saved.outbox = store.outbox; // it may have confirmed one of ours
        if (!onScreen(frame.room)) store.countUnread(room, frame);
        waitingMentions.arrived(frame.room, frame.seq, frame.text);
      }
      // Membership changed: the member list, and for a room someone added us to, its visibility
      // and topic. Not GET /api/rooms: the room may still be telling our session of the join.
      const added = frame.kind === 'join' && userName(frame.user) === store.me && frame.room !== currentId;
      // A new topic shows at once, before the room's details come back.
      if (frame.kind === 'topic') {
        room.summary = { ...room.summary, topic: frame.text ?? '' };
        if (room.details) room.details = { ...room.details, topic: frame.text ?? '' };
      }
      if (room.member && (added || (frame.room === currentId && ['join', 'leave', 'kick', 'ban', 'unban', 'role', 'topic'].includes(frame.kind)))) {
        refreshDetailsSoon(room);
      }
      break;
    }
    case 'resync':
      resync(store.room(frame.room), frame.lastSeq);
      break;
    case 'presence':
      if (!presenceChanged(frame)) return;
      break;
    case 'unread':
      store.setUnread(store.room(frame.room), frame.room === currentId ? 0 : frame.count, frame.lastReadSeq ?? 0,
        frame.room === currentId ? 0 : frame.mentions ?? 0);
      break;
    case 'mention':
      mentioned(store.room(frame.room), Number(frame.seq), userName(frame.sender));
      break;
    case 'typing':
      if (!someoneTyping(frame)) return;
      break;
    case 'invitation':
      invited(frame);
      return;
    case 'profile':
      // Relabels and redraws that user's names and avatars in place: nothing else to render.
      profileChanged(frame);
      return;
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

/** Signed out: no notification of a mention still waiting for its text. */
export function forgetWaitingMentions() {
  waitingMentions.clear();
}
