// One item of the message list as DOM: a message (with the quote of the message it answers and
// its reactions), a system line, one of ours not yet confirmed, and the in-place editor.

import { make, button, timeNode } from './ui.js';
import { quoteParts } from './replies.js';
import { messageText } from './richtext.js';
import { userLabel } from './profiles.js';
import { avatarOf } from './avatars.js';
import { attachmentsNode } from './attachments.js';

/** `quoted`: for a reply, the message it answers as far as known (undefined while it loads). */
export function messageNode(item, me, moderator, quoted) {
  const li = make('li', 'message');
  li.dataset.seq = String(item.seq);
  const own = item.sender === me;
  li.classList.toggle('own', own);
  li.classList.toggle('deleted', item.deleted);

  const meta = make('div', 'meta');
  meta.append(avatarOf(item.sender), userLabel(item.sender, 'sender'), timeNode(item.ts));
  if (item.edited && !item.deleted) {
    const mark = make('span', 'edited', '(edited)');
    if (item.editedTs) mark.title = `edited ${new Date(item.editedTs).toLocaleString()}`;
    meta.append(mark);
  }
  if (!item.deleted) {
    const actions = make('span', 'actions');
    actions.append(button('reply', 'Reply', 'Reply to message'), button('react', '☺+', 'Add a reaction'));
    if (own) actions.append(button('edit', 'Edit', 'Edit message'));
    if (own || moderator) actions.append(button('delete', 'Delete', 'Delete message'));
    meta.append(actions);
  }
  li.append(meta);
  if (item.replyTo !== undefined) li.append(quoteNode(item.replyTo, quoted));
  li.append(item.deleted ? make('div', 'text', 'message deleted') : messageText(item.text));
  if (!item.deleted && item.attachments?.length) li.append(attachmentsNode(item.attachments));
  if (!item.deleted && item.reactions?.length) li.append(reactionsNode(item.reactions, me));
  return li;
}

/** The quote above a reply: who wrote the original and its first line; a click opens the original. */
function quoteNode(seq, quoted) {
  const { sender, text } = quoteParts(quoted);
  // Named by what it shows (and, for screen readers, what it does).
  const quote = button('reply-preview');
  quote.dataset.replyTo = String(seq);
  quote.classList.toggle('gone', Boolean(quoted?.deleted));
  quote.append(make('span', 'sr-only', 'Go to the message replied to: '), make('span', 'quote-sender', sender), ' ', make('span', 'quote-text', text));
  return quote;
}

/** One chip per emoji: the emoji and its count, who reacted in the tooltip, one's own marked and pressed. */
function reactionsNode(reactions, me) {
  const row = make('div', 'reactions');
  for (const { emoji, users } of reactions) {
    const mine = users.includes(me);
    const chip = button('reaction', undefined, `${emoji} ${users.length}: ${users.join(', ')}`);
    chip.dataset.emoji = emoji;
    chip.title = users.join(', ');
    chip.classList.toggle('mine', mine);
    chip.setAttribute('aria-pressed', String(mine));
    chip.append(make('span', 'emoji', emoji), make('span', 'count', String(users.length)));
    row.append(chip);
  }
  return row;
}

export function systemNode(item) {
  const li = make('li', 'system', item.text);
  li.dataset.seq = String(item.seq);
  return li;
}

export function pendingNode(item, me, connected) {
  const li = make('li', 'message own pending');
  li.dataset.clientMsgId = item.clientMsgId;
  const status = item.state === 'failed' ? `not sent: ${item.error}`
    : connected ? 'sending…' : 'pending';
  li.classList.toggle('failed', item.state === 'failed');
  const meta = make('div', 'meta');
  meta.append(avatarOf(me), userLabel(me, 'sender'), timeNode(item.ts, status));
  if (item.state === 'failed') meta.append(button('discard', 'Discard'));
  li.append(meta, messageText(item.text));
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
