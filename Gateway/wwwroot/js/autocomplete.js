// @-autocomplete in the composer: an @ and the start of a name offer the room's members whose
// names start so (from the member list the page already holds). ↑ and ↓ choose, Enter or Tab
// put the name in, Esc closes; a click picks one too. While the list is open, those keys are
// its own: Enter does not send and ↑ does not edit the last message.

import { userName } from './rules.js';
import { ui, make } from './ui.js';
import { page, currentRoom } from './page.js';
import { avatarOf } from './avatars.js';

const MAX_SHOWN = 8;
// An @ that starts a word, and what of a name follows it up to the caret.
const AT_NAME = /(?<![\p{L}\p{Mn}\p{Nd}\p{Pc}@.])@([a-zA-Z0-9_.-]{0,32})$/u;

let open = null; // {start, end, names, index}: the name typed spans start..end of the composer's text

function suggestions() {
  const { value, selectionStart, selectionEnd } = ui.composer;
  const members = currentRoom()?.details?.members;
  if (!members || selectionStart !== selectionEnd) return null;
  const typed = AT_NAME.exec(value.slice(0, selectionStart));
  if (!typed) return null;
  const prefix = typed[1].toLowerCase();
  const names = members.map((m) => userName(m.user))
    .filter((name) => name !== page.store.me && name.startsWith(prefix))
    .sort()
    .slice(0, MAX_SHOWN);
  return names.length ? { start: selectionStart - typed[1].length, end: selectionStart, names, index: 0 } : null;
}

function show() {
  const list = ui.mentionSuggestions;
  list.hidden = !open;
  if (!open) {
    list.replaceChildren();
    ui.composer.removeAttribute('aria-activedescendant');
    return;
  }
  list.replaceChildren(...open.names.map((name, i) => {
    const li = make('li', 'suggestion', `@${name}`);
    li.id = `mention-option-${i}`;
    li.prepend(avatarOf(name));
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', String(i === open.index));
    li.dataset.index = String(i);
    return li;
  }));
  ui.composer.setAttribute('aria-activedescendant', `mention-option-${open.index}`);
}

function close() {
  if (!open) return;
  open = null;
  show();
}

/** Puts the chosen name (and a space) in place of what was typed after the @. */
function accept(index) {
  const { start, end, names } = open;
  const text = ui.composer.value;
  const insert = `${names[index]} `;
  ui.composer.value = text.slice(0, start) + insert + text.slice(end);
  ui.composer.setSelectionRange(start + insert.length, start + insert.length);
  close();
}

export function wireAutocomplete() {
  ui.composer.addEventListener('input', () => {
    open = suggestions();
    show();
  });
  ui.composer.addEventListener('blur', close);
  // On the form, while capturing: before the composer's own keys (send, edit the last message).
  ui.composerForm.addEventListener('keydown', (e) => {
    if (!open || e.target !== ui.composer || e.isComposing) return;
    const n = open.names.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      open.index = (open.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      show();
    } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
      accept(open.index);
    } else if (e.key === 'Escape') {
      close();
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  }, true);
  // mousedown would take the focus from the composer (and close the list) before the click.
  ui.mentionSuggestions.addEventListener('mousedown', (e) => e.preventDefault());
  ui.mentionSuggestions.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-index]');
    if (li && open) accept(Number(li.dataset.index));
  });
}
