// The whole page drawn from its state (page.js) by the view modules. Modules change the state
// and call render(); the changes of one burst of frames share one render.

import { page, currentRoom } from './page.js';
import { canModerate, outranks } from './rules.js';
import { ui, showError } from './ui.js';
import { renderRooms } from './view.js';
import { renderRoom } from './roomview.js';
import { renderMembers } from './memberlist.js';
import { renderRoomSettings } from './roomsettings.js';
import { mentionsMe } from './mentions.js';
import { renderNotificationButton } from './notifications.js';
import { quoteOf, renderReplyBar } from './replies.js';

let queued = false;
/** Coalesce the many changes of one burst of frames into one render. */
export function render() {
  if (queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    renderNow();
  });
}

/** A render before the caller goes on, e.g. to focus or scroll to what it draws. */
export function renderNow() {
  const { store, currentId } = page;
  const room = currentRoom();
  if (page.editing && (page.editing.room !== currentId || !room?.member || room.items.get(page.editing.seq)?.deleted !== false)) {
    page.editing = null; // left the room, or the message was deleted meanwhile
  }
  if (page.replyingTo && (page.replyingTo.room !== currentId || room?.items.get(page.replyingTo.seq)?.deleted !== false)) {
    page.replyingTo = null; // another room, or the message answered was deleted meanwhile
  }
  const myRole = room?.roleOf(store.me) ?? null;
  renderRooms(store.visibleRooms(), currentId, store.me);
  renderNotificationButton(ui.enableNotifications, Boolean(store.me));
  renderRoom(room, {
    pending: store.outbox.filter((o) => o.room === currentId),
    me: store.me,
    connected: page.conn.ready,
    moderator: canModerate(myRole),
    editing: page.editing,
    flashSeq: page.flash?.room === currentId ? page.flash.seq : undefined,
    loadingOlder: page.loadingOlder.has(currentId),
    isMention: (item) => mentionsMe(item, store.me, room.mentionSeqs),
    quoteOf: (seq) => quoteOf(room, seq),
  });
  renderReplyBar();
  renderMembers(room, { me: store.me, myRole, open: page.membersOpen, outranks });
  renderRoomSettings(room, myRole);
}

/** The line above the messages: what went wrong in the room on screen; '' hides it. */
export function notice(message) {
  showError(ui.notice, message);
}
