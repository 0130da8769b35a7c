// One item of the message list as DOM: a message, a system line, one of ours not yet confirmed,
// and the in-place editor.

import { make, button, timeNode } from './ui.js';

export function messageNode(item, me, moderator) {
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
