// DOM rendering of the page's frame: signed in or not, the connection state, the room list. The
// room on screen (roomview.js), its members (memberlist.js) and the search results
// (searchresults.js) have modules of their own; ui.js has the elements and builders they share.

import { isDirect, roomTitle } from './rules.js';
import { ui, make, button } from './ui.js';
import { closeSearch } from './searchresults.js';
import { redrawChildren } from './redraw.js';

const STATE_TEXT = { connected: 'connected', connecting: 'connecting…', offline: 'offline' };

export function showSignedIn(name) {
  ui.authView.hidden = Boolean(name);
  ui.chatView.hidden = !name;
  ui.signout.hidden = !name;
  ui.toggleDevices.hidden = !name;
  if (!name) ui.devicesPanel.hidden = true;
  ui.searchForm.hidden = !name;
  if (!name) closeSearch();
  ui.me.textContent = name ?? '';
}

export function renderConnection(state) {
  ui.connection.textContent = STATE_TEXT[state] ?? state;
  ui.connection.dataset.state = state;
}

export function renderRooms(rooms, currentId, me) {
  const items = rooms.map((r) => {
    const direct = isDirect(r.id);
    const li = make('li');
    li.dataset.room = r.id;
    li.classList.toggle('current', r.id === currentId);
    li.classList.toggle('not-member', !r.member);
    li.classList.toggle('private', r.summary?.visibility === 'private');
    li.classList.toggle('direct', direct);
    // A direct room's topic is the other person's name, which is already its title.
    if (r.summary?.topic && !direct) li.title = r.summary.topic;
    const link = button('room-link');
    if (r.id === currentId) link.setAttribute('aria-current', 'true');
    link.append(make('span', 'room-name', roomTitle(r.id, me)));
    // Both are private; the padlock would say nothing a direct room does not.
    if (r.summary?.visibility === 'private' && !direct) link.append(make('span', 'lock', 'private'));
    if (r.id !== currentId && (r.unseenMentions.size > 0 || r.mentions > 0)) {
      const at = make('span', 'mention-badge', '@');
      at.title = 'You were mentioned';
      at.setAttribute('aria-label', 'mentioned');
      link.append(at);
    }
    if (r.unread > 0 && r.id !== currentId) link.append(make('span', 'badge', String(r.unread)));
    li.append(link);
    return li;
  });
  redrawChildren(ui.rooms, items);
}
