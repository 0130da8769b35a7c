// Sending: a message typed goes into the outbox (kept in sessionStorage) and is shown as pending
// until the server confirms it, so nothing typed is lost to a dropped socket or a reload.

import { MAX_TEXT } from './rules.js';
import { ui } from './ui.js';
import { page } from './page.js';
import { saved } from './saved.js';
import { render, notice } from './render.js';
import { replyingHere, cancelReply } from './replies.js';

function submitMessage() {
  const text = ui.composer.value;
  const trimmed = text.trim();
  if (!page.currentId || !trimmed) return;
  if (trimmed.length > MAX_TEXT) {
    notice(`A message can have at most ${MAX_TEXT} characters (this one has ${trimmed.length}).`);
    return;
  }
  notice('');
  page.store.queue(page.currentId, text, replyingHere()); // sent exactly as typed
  saved.outbox = page.store.outbox;
  ui.composer.value = '';
  cancelReply();
  render();
  pumpOutbox();
}

let pumping = false;
/**
 * Send queued messages one at a time, oldest first, so they are stored in the
 * order typed. A message whose fate is unknown (socket lost, no answer) stays
 * queued and goes again after the reconnect with the same clientMsgId, which
 * the server stores only once.
 */
export async function pumpOutbox() {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      const item = page.conn.ready && page.store.outbox.find((o) => o.state === 'queued');
      if (!item) break;
      item.state = 'sending';
      render();
      try {
        const fields = { room: item.room, clientMsgId: item.clientMsgId, text: item.text };
        if (Number.isInteger(item.replyTo)) fields.replyTo = item.replyTo;
        if (item.attachments?.length) fields.attachments = item.attachments.map((a) => a.id);
        const data = await page.conn.request('send', fields);
        page.store.confirm(item, data);
      } catch (err) {
        item.state = 'queued';
        if (err.code === 'rate_limited') {
          await new Promise((resolve) => setTimeout(resolve, err.retryAfterMs ?? 1000));
        } else if (err.code === 'timeout') {
          page.conn.reconnect(); // treat the socket as dead; connected() pumps again
          break;
        } else if (err.code === 'disconnected') {
          break;
        } else {
          item.state = 'failed'; // validation, forbidden, ...: retrying will not help
          item.error = err.message;
        }
      } finally {
        saved.outbox = page.store.outbox;
      }
    }
  } finally {
    pumping = false;
    render();
  }
}

export function wireOutbox() {
  ui.composerForm.addEventListener('submit', (e) => {
    e.preventDefault();
    submitMessage();
  });
  ui.composer.addEventListener('keydown', (e) => {
    // Enter sends, Shift+Enter is a new line; an IME composing text keeps its Enter.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submitMessage();
    }
  });
  // A message the server refused stays on screen, marked, until the user discards it.
  ui.messages.addEventListener('click', (e) => {
    const li = e.target.closest('li');
    if (!li || !e.target.closest('button.discard')) return;
    page.store.discard(li.dataset.clientMsgId);
    saved.outbox = page.store.outbox;
    render();
  });
}
