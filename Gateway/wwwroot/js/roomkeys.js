// Moving between rooms from the keyboard, from anywhere on the page: Alt+↑ and Alt+↓ open the
// previous and the next room of the list (wrapping around), as in most chat apps.

import { ui } from './ui.js';
import { page } from './page.js';
import { openRoom } from './rooms.js';

export function wireRoomKeys() {
  // Capturing, so a field's own arrow keys (↑ in the composer edits the last message) never see it.
  window.addEventListener('keydown', (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    if (!page.store.me || ui.chatView.hidden || ui.confirmDialog.open) return;
    const rooms = page.store.visibleRooms();
    if (rooms.length === 0) return;
    e.preventDefault();
    e.stopPropagation();
    const at = rooms.findIndex((r) => r.id === page.currentId);
    const next = e.key === 'ArrowDown'
      ? (at + 1) % rooms.length
      : (at <= 0 ? rooms.length : at) - 1;
    openRoom(rooms[next].id);
  }, true);
}
