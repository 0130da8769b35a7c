// Reactions: the emoji under each message (a click on one adds or takes back one's own), and a
// small picker of common emoji opened from a message's React button. Nothing changes on screen
// until the room's reaction event arrives, so every page shows the same.

import { ui, make, button } from './ui.js';
import { page, currentRoom } from './page.js';
import { notice } from './render.js';

/** The emoji the picker offers: a fixed set of common ones (the server takes any single emoji). */
export const COMMON_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '🔥', '👀', '✅', '👎', '🚀'];
const COLUMNS = 6;

/** React with `emoji`, or take one's reaction back if it is there. */
async function toggle(seq, emoji) {
  const item = currentRoom()?.items.get(seq);
  if (item?.kind !== 'message' || item.deleted) return;
  const mine = item.reactions.some((r) => r.emoji === emoji && r.users.includes(page.store.me));
  try {
    await page.conn.request(mine ? 'unreact' : 'react', { room: page.currentId, seq, emoji });
  } catch (err) {
    notice(`Could not ${mine ? 'remove' : 'add'} the reaction: ${err.message}`);
  }
}

let picker = null; // {node, seq, trigger}

function openPicker(seq, trigger) {
  closePicker(false);
  const node = make('div', 'emoji-picker');
  node.setAttribute('role', 'dialog');
  node.setAttribute('aria-label', 'Add a reaction');
  for (const emoji of COMMON_EMOJI) {
    const b = button('pick', emoji, `React with ${emoji}`);
    b.dataset.emoji = emoji;
    node.append(b);
  }
  document.body.append(node);
  // Beside the button that opened it, kept inside the window.
  const at = trigger.getBoundingClientRect();
  const { width, height } = node.getBoundingClientRect();
  node.style.left = `${Math.max(4, Math.min(at.right - width, innerWidth - width - 4))}px`;
  node.style.top = `${at.bottom + height + 4 < innerHeight ? at.bottom + 4 : Math.max(4, at.top - height - 4)}px`;
  picker = { node, seq, trigger };
  node.firstChild.focus();
}

function closePicker(returnFocus = true) {
  if (!picker) return;
  const { node, trigger } = picker;
  picker = null;
  node.remove();
  if (returnFocus) (trigger.isConnected ? trigger : ui.composer).focus();
}

/** Arrow keys move across the picker's grid, Escape closes it, Enter and Space pick (they click the button). */
function pickerKeys(e) {
  if (e.key === 'Escape') {
    e.preventDefault();
    closePicker();
    return;
  }
  const picks = [...picker.node.querySelectorAll('button.pick')];
  const i = picks.indexOf(document.activeElement);
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[e.key];
  if (step === undefined || i < 0) return;
  e.preventDefault();
  picks[(i + step + picks.length) % picks.length].focus();
}

export function wireReactions() {
  ui.messages.addEventListener('click', (e) => {
    const li = e.target.closest('li');
    if (!li) return;
    const seq = Number(li.dataset.seq);
    const chip = e.target.closest('button.reaction');
    if (chip) toggle(seq, chip.dataset.emoji);
    else if (e.target.closest('button.react')) openPicker(seq, e.target.closest('button.react'));
  });
  document.addEventListener('click', (e) => {
    if (!picker) return;
    const pick = e.target.closest('.emoji-picker button.pick');
    if (pick) {
      const { seq } = picker;
      closePicker();
      toggle(seq, pick.dataset.emoji);
    } else if (!e.target.closest('.emoji-picker') && !e.target.closest('button.react')) {
      closePicker(false);
    }
  });
  document.addEventListener('keydown', (e) => {
    if (picker && picker.node.contains(document.activeElement)) pickerKeys(e);
  });
  // Another room, or a scroll that moves the message away: the picker no longer points at it.
  ui.messages.addEventListener('scroll', () => closePicker(false), { passive: true });
}
