// Replies: a message may answer another. A message's Reply button starts one, a bar above the
// composer says which message the next one answers (Cancel or Escape drops it), and each reply
// shows a quote of the original that, clicked, opens it where it stands in the room's history.

import { ui, make, button } from './ui.js';
import { page, currentRoom } from './page.js';
import { render, renderNow } from './render.js';
import { authedApi } from './auth.js';
import { jumpTo } from './history.js';
import { redrawChildren } from './redraw.js';
import { messageItem } from './room.js';

/** The seq the composer's next message answers in the room on screen, or undefined. */
export function replyingHere() {
  const replying = page.replyingTo;
  return replying && replying.room === page.currentId ? replying.seq : undefined;
}

function startReply(seq) {
  const item = currentRoom()?.items.get(seq);
  if (item?.kind !== 'message' || item.deleted) return;
  page.replyingTo = { room: page.currentId, seq };
  renderNow();
  ui.composer.focus();
}

export function cancelReply() {
  if (!page.replyingTo) return;
  page.replyingTo = null;
  render();
}

// Originals fetched on their own, by `${room}:${seq}`: in flight, or failed (not asked again).
const fetched = new Set();
/**
 * What a reply's preview shows of the message it answers: the loaded item, or one fetched on its
 * own for the preview (it joins no loaded span); undefined while that is on its way.
 */
export function quoteOf(room, seq) {
  const item = room.items.get(seq) ?? room.quotes.get(seq);
  if (item || !room.loaded) return item;
  const key = `${room.id}:${seq}`;
  if (!fetched.has(key)) {
    fetched.add(key);
    authedApi(`/api/rooms/${encodeURIComponent(room.id)}/messages?after=${seq - 1}&limit=1`)
      .then((data) => {
        const m = data.messages?.[0];
        if (m?.seq === seq && !room.items.has(seq)) room.quotes.set(seq, messageItem(m));
        fetched.delete(key);
        render();
      })
      .catch(() => {}); // the preview keeps saying "a message": the jump still works
  }
  return undefined;
}

/** One line saying what a message was: its sender and first line, or that it was deleted. */
export function quoteParts(quoted) {
  if (!quoted) return { sender: '', text: 'a message' };
  if (quoted.deleted) return { sender: quoted.sender, text: 'deleted message' };
  return { sender: quoted.sender, text: quoted.text.split('\n', 1)[0] };
}

/** The bar above the composer while a reply is being written. */
export function renderReplyBar() {
  const seq = replyingHere();
  const room = currentRoom();
  ui.replyBar.hidden = seq === undefined || !room?.member;
  if (ui.replyBar.hidden) return;
  const { sender, text } = quoteParts(quoteOf(room, seq));
  redrawChildren(ui.replyBar, [
    make('span', 'reply-label', 'Replying to'),
    make('span', 'quote-sender', sender),
    make('span', 'quote-text', text),
    button('cancel-reply link', 'Cancel', 'Cancel reply'),
  ]);
}

export function wireReplies() {
  ui.messages.addEventListener('click', (e) => {
    const li = e.target.closest('li');
    if (!li) return;
    const preview = e.target.closest('button.reply-preview');
    if (preview) jumpTo(page.currentId, Number(preview.dataset.replyTo));
    else if (e.target.closest('button.reply')) startReply(Number(li.dataset.seq));
  });
  ui.replyBar.addEventListener('click', (e) => {
    if (!e.target.closest('button.cancel-reply')) return;
    cancelReply();
    ui.composer.focus();
  });
  ui.composer.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && replyingHere() !== undefined) {
      e.preventDefault();
      cancelReply();
    }
  });
}
