// ChatApp web page: wires the HTTP API, the /ws protocol client, the store and
// the view. PROTOCOL.md (docs/protocol.md in the repo) is the contract.

import { Connection } from './js/protocol.js';
import { userName, roomTitle } from './js/store.js';
import { ui, showSignedIn, renderConnection } from './js/view.js';
import { WaitingMentions } from './js/mentions.js';
import { notify, askForNotifications } from './js/notifications.js';
import { page, onScreen } from './js/page.js';
import { render, notice } from './js/render.js';
import { saved } from './js/saved.js';
import { markReadSoon } from './js/readmarkers.js';
import { someoneTyping, wireTyping } from './js/typing.js';
import { start, signOut, wireAuth, SESSION_ENDED } from './js/auth.js';
import { wireSearch } from './js/search.js';
import { wireEditing } from './js/editing.js';
import { wireOutbox } from './js/outbox.js';
import { refreshDetailsSoon, presenceChanged, wireMembers } from './js/members.js';
import { fillGap, resync, jumpTo, wireHistory } from './js/history.js';
import { helloFields, connected } from './js/connection.js';
import { wireRooms } from './js/rooms.js';

page.conn = new Connection({
  hello: helloFields,
  onReady: connected,
  onFrame: receive,
  onState: (state) => { renderConnection(state); render(); },
  onUnauthorized: () => signOut(SESSION_ENDED),
});

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

// ---- DOM events ------------------------------------------------------------------

wireAuth();
ui.enableNotifications.addEventListener('click', () => askForNotifications(ui.enableNotifications));

wireRooms();
wireSearch();

wireMembers();

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
