// Editing and deleting one's messages in place. An edit is saved with an `edit` frame; the room's
// edit event then updates every page, this one included.

import { MAX_TEXT } from './rules.js';
import { ui } from './ui.js';
import { makeEditor } from './messageitems.js';
import { page, currentRoom } from './page.js';
import { render, renderNow, notice } from './render.js';
import { confirmAction } from './confirm.js';

function startEdit(seq) {
  const item = currentRoom()?.items.get(seq);
  if (item?.kind !== 'message' || item.deleted || item.sender !== page.store.me) return;
  const { box, input } = makeEditor(item.text);
  page.editing = { room: page.currentId, seq, box, input };
  renderNow();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

function cancelEdit() {
  page.editing = null;
  renderNow();
  ui.composer.focus();
}

async function saveEdit() {
  const { editing } = page;
  if (!editing || editing.input.disabled) return;
  const { room: roomId, seq, input } = editing;
  const room = page.store.room(roomId);
  const text = input.value;
  const trimmed = text.trim();
  if (text === room.items.get(seq)?.text) {
    cancelEdit();
    return;
  }
  if (!trimmed) {
    notice('A message cannot be empty; use Delete to remove it.');
    return;
  }
  if (trimmed.length > MAX_TEXT) {
    notice(`A message can have at most ${MAX_TEXT} characters (this one has ${trimmed.length}).`);
    return;
  }
  input.disabled = true;
  try {
    await page.conn.request('edit', { room: roomId, seq, text });
  } catch (err) {
    input.disabled = false;
    notice(`Could not save the edit: ${err.message}`);
    input.focus();
    return;
  }
  notice('');
  page.store.edited(room, seq, text);
  // The user may have moved on to another edit, or closed this one, while it was saved.
  if (page.editing?.input === input) cancelEdit();
  else render();
}

async function deleteMessage(seq) {
  const text = currentRoom()?.items.get(seq)?.text ?? '';
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  const sure = await confirmAction({ title: 'Delete this message?', text: `“${shown}” will be deleted for everyone in the room.`, action: 'Delete' });
  if (!sure) return;
  try {
    await page.conn.request('delete', { room: page.currentId, seq });
  } catch (err) {
    notice(`Could not delete the message: ${err.message}`);
  }
}

export function wireEditing() {
  ui.messages.addEventListener('click', (e) => {
    const li = e.target.closest('li');
    if (!li) return;
    const seq = Number(li.dataset.seq);
    if (e.target.closest('button.edit')) startEdit(seq);
    else if (e.target.closest('button.save-edit')) saveEdit();
    else if (e.target.closest('button.cancel-edit')) cancelEdit();
    else if (e.target.closest('button.delete')) deleteMessage(seq);
  });
  ui.messages.addEventListener('keydown', (e) => {
    if (!e.target.matches('.edit-input')) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      saveEdit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      cancelEdit();
    }
  });
  // Up in an empty composer edits one's last message, as in most chat apps.
  ui.composer.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowUp' || ui.composer.value) return;
    const mine = currentRoom()?.sorted().findLast((i) => i.kind === 'message' && i.sender === page.store.me && !i.deleted);
    if (mine) {
      e.preventDefault();
      startEdit(mine.seq);
    }
  });
}
